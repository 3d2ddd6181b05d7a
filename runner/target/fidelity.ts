// Is the fleet's traffic a real fleet's? After a run of a protocol with a call reference (the
// kubelet's), the target's own request counter (apiserver_request_total, read before and after
// the load) gives every call the server took, by verb and resource; the operator's calls (counted
// client-side by their URL templates, which carry OPERATOR_SUFFIX) are taken out, the rest divided
// by agent-minutes, and set beside what one real agent sends per minute when idle.
import { OPERATOR_SUFFIX } from '../../scenarios/lib/http-types';
import type { CallReference } from '../../scenarios/lib/protocol';
import type { TimelineWindow } from '../report/timeline-window';

export interface FidelityRow {
  /** What the call is ("lease renewal"), or `VERB resource` for calls without a reference figure. */
  call: string;
  verb: string;
  /** `resource` or `resource/subresource`, as the API server labels it. */
  resource: string;
  /** Calls the server counted during the run, and how many of them were the operator's. */
  serverCalls: number;
  operatorCalls: number;
  /** The agents' calls per agent over the whole run: what one-time calls (registration) are read by. */
  perAgent: number;
  perAgentPerMin: number;
  /** A real agent's idle rate; null for calls the reference has no figure for (registration, pods). */
  referencePerAgentPerMin: number | null;
  /** perAgentPerMin / reference; null without a reference. */
  ratio: number | null;
}

export interface CallFidelity {
  source: string;
  agents: number;
  /** Sum of each agent's time in the run (agents start at the registration rate), in minutes. */
  agentMinutes: number;
  rows: FidelityRow[];
}

function label(labels: string, name: string): string {
  const m = new RegExp(`(?:^|,)${name}="([^"]*)"`).exec(labels);
  return m?.[1] ?? '';
}

/** `VERB resource[/subresource]` → count, summed over every other label (code, scope, group, ...). */
export function requestCounts(text: string, family: string): Map<string, number> {
  const out = new Map<string, number>();
  const prefix = `${family}{`;
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const m = /^[^{\s]+\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const labels = m[1]!;
    const sub = label(labels, 'subresource');
    const key = `${label(labels, 'verb')} ${label(labels, 'resource')}${sub === '' ? '' : `/${sub}`}`;
    out.set(key, (out.get(key) ?? 0) + Number(m[2]));
  }
  return out;
}

/**
 * The API server's verb and resource of a URL template: `GET /api/v1/nodes/{name}` → GET nodes,
 * `GET /api/v1/namespaces/{ns}/pods` → LIST pods, `PATCH .../nodes/{name}/status` → PATCH nodes/status.
 */
export function templateKey(template: string): string | undefined {
  const m = /^([A-Z]+) (\/[^?\s]*)(\?watch)?/.exec(template);
  if (!m) return undefined;
  const segs = m[2]!.split('/').filter((x) => x !== '');
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 2) rest = segs.slice(2);
  else if (segs[0] === 'apis' && segs.length >= 3) rest = segs.slice(3);
  else return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  if (rest.length === 0) return undefined;
  const resource = rest.length >= 3 ? `${rest[0]}/${rest[2]}` : rest[0]!;
  const method = m[1]!;
  const verb = rest.length === 1 && method === 'GET' ? (m[3] === undefined ? 'LIST' : 'WATCH') : method;
  return `${verb} ${resource}`;
}

/** The operator's calls by server key, from the timeline's per-template counts. */
export function operatorCalls(windows: readonly TimelineWindow[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of windows) {
    for (const [name, e] of Object.entries(w.endpoints)) {
      if (!name.endsWith(OPERATOR_SUFFIX)) continue;
      const key = templateKey(name.slice(0, -OPERATOR_SUFFIX.length));
      if (key !== undefined) out.set(key, (out.get(key) ?? 0) + e.requests);
    }
  }
  return out;
}

/** Agent-minutes of a fleet started at `ratePerS` and run for `durationS`: N·D − N²/(2·rate). */
export function agentMinutes(agents: number, durationS: number, ratePerS: number): number {
  const startSpreadS = Math.min(durationS, agents / ratePerS);
  return (agents * durationS - (agents * startSpreadS) / 2) / 60;
}

export function computeFidelity(input: {
  reference: CallReference;
  before: ReadonlyMap<string, number>;
  after: ReadonlyMap<string, number>;
  operator: ReadonlyMap<string, number>;
  agents: number;
  agentMinutes: number;
}): CallFidelity {
  const { reference, before, after, operator } = input;
  const minutes = Math.max(input.agentMinutes, 1e-9);
  const rows: FidelityRow[] = [];
  const row = (call: string, key: string, ref: number | null): FidelityRow => {
    const space = key.indexOf(' ');
    const serverCalls = Math.max(0, (after.get(key) ?? 0) - (before.get(key) ?? 0));
    const operatorCalls = Math.min(serverCalls, operator.get(key) ?? 0);
    const perAgentPerMin = (serverCalls - operatorCalls) / minutes;
    const perAgent = input.agents > 0 ? (serverCalls - operatorCalls) / input.agents : 0;
    return { call, verb: key.slice(0, space), resource: key.slice(space + 1), serverCalls, operatorCalls, perAgent, perAgentPerMin, referencePerAgentPerMin: ref, ratio: ref === null || ref === 0 ? null : perAgentPerMin / ref };
  };
  const referenced = new Set<string>();
  for (const c of reference.calls) {
    const key = `${c.verb} ${c.resource}`;
    referenced.add(key);
    rows.push(row(c.what, key, c.perAgentPerMin));
  }
  // Every other call the server took during the run, at a rate worth a line (not the odd probe).
  // Non-resource paths (/openapi/v3, /metrics) are the harness's and the server's own, not the agents'.
  const others = [...after.keys()].filter((k) => !referenced.has(k) && !k.includes(' /')).sort();
  for (const key of others) {
    const r = row(key, key, null);
    if (r.serverCalls - r.operatorCalls >= Math.max(1, input.agents / 10)) rows.push(r);
  }
  return { source: reference.source, agents: input.agents, agentMinutes: input.agentMinutes, rows };
}

function rate(n: number): string {
  return n >= 10 ? n.toFixed(1) : n >= 0.1 ? n.toFixed(2) : n.toFixed(3);
}

/** The table printed after a run: calls per agent per minute beside a real agent's. */
export function fidelityLines(f: CallFidelity): string[] {
  const head = ['call', 'verb', 'resource', 'server', 'operator', 'per agent', 'per agent/min', 'real agent', 'ratio'];
  const body = f.rows.map((r) => [r.call, r.verb, r.resource, String(r.serverCalls), String(r.operatorCalls), rate(r.perAgent), rate(r.perAgentPerMin), r.referencePerAgentPerMin === null ? '-' : rate(r.referencePerAgentPerMin), r.ratio === null ? '-' : r.ratio.toFixed(2)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [
    `calls per agent per minute, as the API server counted them (${f.agents} agents, ${f.agentMinutes.toFixed(1)} agent-minutes; reference: ${f.source}):`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ];
}

// The target's own view of API latency, read from its /metrics at the end of a run: the protocol
// says which histogram (the built-in simulator's fleetsim_request_duration_seconds by verb and
// scope), the SLI table which verbs and scopes make each SLI. Beside the agents' client-side view
// it tells a slow target from a saturated load generator, whose own queueing inflates every
// client-side number.
import type { Protocol, TargetSpec } from '../../scenarios/lib/protocol';
import { SLIS, type SliDef, type SliTable } from '../../scenarios/lib/sli';
import { nodeTransportFor } from './node-transport';

export type ServerMetrics = NonNullable<Protocol['serverMetrics']>;

/** The simulator's histogram: what the unit tests and the default protocol read. */
export const SIMULATOR_METRICS: ServerMetrics = { path: '/metrics', family: 'fleetsim_request_duration_seconds', verbLabel: 'verb', scopeLabel: 'scope' };

export interface ServerSli {
  count: number;
  /** Estimated from the buckets as histogram_quantile does; null without samples. */
  p99Ms: number | null;
}

function sliOf(slis: SliTable, verb: string, scope: string): SliDef | undefined {
  return slis.find((d) => d.server !== undefined && d.server.verbs.includes(verb) && (d.server.scope === undefined || d.server.scope === scope));
}

function label(labels: string, name: string): string {
  const m = new RegExp(`(?:^|,)${name}="([^"]*)"`).exec(labels);
  return m?.[1] ?? '';
}

/** histogram_quantile over cumulative buckets (le → count), linear within the bucket. */
export function quantileFromBuckets(q: number, buckets: ReadonlyMap<number, number>): number | null {
  const les = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? (les.length ? buckets.get(les[les.length - 1]!)! : 0);
  if (!total) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const le of les) {
    const count = buckets.get(le)!;
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1, count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

/** Server-side count and P99 per SLI name. */
export type ServerView = Partial<Record<string, ServerSli>>;

export function serverViewFromText(text: string, spec: ServerMetrics = SIMULATOR_METRICS, slis: SliTable = SLIS): ServerView | undefined {
  const family = `${spec.family}_bucket{`;
  const perSli = new Map<string, Map<number, number>>();
  let seen = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(family)) continue;
    // The metric name stops at the first brace: route templates carry braces of their own ({ns}).
    const m = /^[^{\s]+\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    seen = true;
    const labels = m[1]!;
    const def = sliOf(slis, label(labels, spec.verbLabel), label(labels, spec.scopeLabel));
    if (!def) continue;
    const sli = def.name;
    const leText = label(labels, 'le');
    const le = leText === '+Inf' ? Infinity : Number(leText);
    const buckets = perSli.get(sli) ?? new Map<number, number>();
    buckets.set(le, (buckets.get(le) ?? 0) + Number(m[2]));
    perSli.set(sli, buckets);
  }
  if (!seen) return undefined;
  const out: ServerView = {};
  for (const [sli, buckets] of perSli) {
    const p99 = quantileFromBuckets(0.99, buckets);
    out[sli] = { count: buckets.get(Infinity) ?? 0, p99Ms: p99 === null ? null : p99 * 1000 };
  }
  return out;
}

/**
 * How to reach a target's /metrics when plain HTTP is not enough (a Kubernetes API server: its CA,
 * client certificate, bearer token), and where a refusal is said. Remembered per target URL by
 * preflight, which probed with the same, so that the end-of-run read needs nothing more than
 * the URL.
 */
export interface ServerViewAccess {
  target: TargetSpec;
  warn: (line: string) => void;
}

const ACCESS = new Map<string, ServerViewAccess>();

/** Returns the forgetting. */
export function rememberServerViewAccess(url: string, access: ServerViewAccess): () => void {
  ACCESS.set(url, access);
  return () => {
    if (ACCESS.get(url) === access) ACCESS.delete(url);
  };
}

/** Undefined when the target exports no such histogram, or the protocol names none. */
export async function scrapeServerView(targetUrl: string, spec: ServerMetrics | undefined, slis: SliTable = SLIS, timeoutMs = 5000, access = ACCESS.get(targetUrl)): Promise<ServerView | undefined> {
  if (spec === undefined) return undefined;
  if (access !== undefined) {
    const r = await nodeTransportFor(access.target.kube).text(`${targetUrl}${spec.path}`, access.target.operatorToken, timeoutMs);
    // Reading /metrics is a right of its own on Kubernetes; without it the run goes on without the
    // server-side view, and says why once.
    if (r.status === 401 || r.status === 403) {
      const who = access.target.kube?.context === undefined ? 'the run\'s operator credential' : `the identity of context "${access.target.kube.context}"`;
      const fix = access.target.kube !== undefined ? `; to have it, bind that identity a ClusterRole with nonResourceURLs: ["${spec.path}"], verbs: ["get"]` : '';
      access.warn(`warning: no server-side latency view: GET ${spec.path} answered ${r.status} to ${who}${fix}`);
      return undefined;
    }
    return r.status >= 200 && r.status < 300 ? serverViewFromText(r.text, spec, slis) : undefined;
  }
  try {
    const res = await fetch(`${targetUrl}${spec.path}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    return serverViewFromText(await res.text(), spec, slis);
  } catch {
    return undefined;
  }
}

/** A target's metrics text as preflight learned to reach it; undefined when it would not answer (no warning: scrapeServerView says why). */
export async function readTargetMetrics(targetUrl: string, path: string, timeoutMs = 5000, access = ACCESS.get(targetUrl)): Promise<string | undefined> {
  if (access !== undefined) {
    const r = await nodeTransportFor(access.target.kube).text(`${targetUrl}${path}`, access.target.operatorToken, timeoutMs);
    return r.status >= 200 && r.status < 300 ? r.text : undefined;
  }
  try {
    const res = await fetch(`${targetUrl}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

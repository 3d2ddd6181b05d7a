// The target's own view of API latency, read from its /metrics at the end of a run: the built-in
// simulator exports fleetsim_request_duration_seconds by verb and scope. Beside the agents'
// client-side view it tells a slow target from a saturated load generator, whose own queueing
// inflates every client-side number.
import type { SliName } from '../../scenarios/lib/plan';

const FAMILY = 'fleetsim_request_duration_seconds_bucket';

export type ApiSli = Extract<SliName, `api-${string}`>;

export interface ServerSli {
  count: number;
  /** Estimated from the buckets as histogram_quantile does; null without samples. */
  p99Ms: number | null;
}

function sliOf(verb: string, scope: string): ApiSli | undefined {
  if (verb === 'POST' || verb === 'PUT' || verb === 'PATCH' || verb === 'DELETE') return 'api-mutating';
  if (verb === 'GET' && scope === 'resource') return 'api-read-resource';
  if (verb === 'LIST' && scope === 'namespace') return 'api-read-namespace';
  if (verb === 'LIST' && scope === 'cluster') return 'api-read-cluster';
  return undefined;
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

export function serverViewFromText(text: string): Partial<Record<ApiSli, ServerSli>> | undefined {
  const perSli = new Map<ApiSli, Map<number, number>>();
  let seen = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(FAMILY)) continue;
    // The metric name stops at the first brace: route templates carry braces of their own ({ns}).
    const m = /^[^{\s]+\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    seen = true;
    const labels = m[1]!;
    const sli = sliOf(label(labels, 'verb'), label(labels, 'scope'));
    if (!sli) continue;
    const leText = label(labels, 'le');
    const le = leText === '+Inf' ? Infinity : Number(leText);
    const buckets = perSli.get(sli) ?? new Map<number, number>();
    buckets.set(le, (buckets.get(le) ?? 0) + Number(m[2]));
    perSli.set(sli, buckets);
  }
  if (!seen) return undefined;
  const out: Partial<Record<ApiSli, ServerSli>> = {};
  for (const [sli, buckets] of perSli) {
    const p99 = quantileFromBuckets(0.99, buckets);
    out[sli] = { count: buckets.get(Infinity) ?? 0, p99Ms: p99 === null ? null : p99 * 1000 };
  }
  return out;
}

/** Undefined when the target exports no such histogram (not the fleetload simulator). */
export async function scrapeServerView(targetUrl: string, timeoutMs = 5000): Promise<Partial<Record<ApiSli, ServerSli>> | undefined> {
  try {
    const res = await fetch(`${targetUrl}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    return serverViewFromText(await res.text());
  } catch {
    return undefined;
  }
}

/**
 * The client saw far worse than the server served: the time went into queueing on the client
 * side (an overloaded engine, or the machine it shares with the target), not into the target.
 */
export function looksSaturated(clientP99Ms: number, server: ServerSli | undefined): boolean {
  if (!server || server.p99Ms === null || server.count < 100) return false;
  return clientP99Ms > 100 && clientP99Ms > 5 * Math.max(server.p99Ms, 1);
}

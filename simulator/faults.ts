// Injected faults: added latency (fixed + jitter, or a distribution), 503s per route group, and
// the in-flight limit (429). Configured at start from flags and replaceable at run time through
// PUT /admin/faults, so a test can make a running server misbehave.

export const ROUTE_GROUPS = ['registration', 'lease', 'deployments', 'status', 'reads', 'writes', 'bundles'] as const;
export type RouteGroup = (typeof ROUTE_GROUPS)[number];

export type LatencySpec =
  | { kind: 'none' }
  | { kind: 'fixed'; ms: number; jitterMs: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'lognormal'; median: number; p99: number };

export interface FaultConfig {
  readonly latency: LatencySpec;
  /** Fraction (0..1) of requests of each group answered 503. */
  readonly errorRate: Readonly<Partial<Record<RouteGroup, number>>>;
  /** Requests handled at once before answering 429; 0 = unlimited. Long-poll waits do not count. */
  readonly maxInflight: number;
}

export const NO_FAULTS: FaultConfig = Object.freeze({ latency: Object.freeze({ kind: 'none' as const }), errorRate: Object.freeze({}), maxInflight: 0 });

/** z for the 99th percentile of the standard normal distribution. */
const Z99 = 2.3263478740408408;

export class FaultParseError extends Error {}

function parseParams(text: string, allowed: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const [k, v, extra] = part.split('=');
    if (k === undefined || v === undefined || extra !== undefined || !allowed.includes(k.trim()))
      throw new FaultParseError(`expected ${allowed.map((a) => `${a}=N`).join(',')}, got "${part}"`);
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new FaultParseError(`${k} must be a number >= 0, got "${v}"`);
    out[k.trim()] = n;
  }
  for (const a of allowed) if (out[a] === undefined) throw new FaultParseError(`missing ${a}=N`);
  return out;
}

/** `none`, `fixed:ms=5[,jitter=2]`, `uniform:min=1,max=10`, `lognormal:median=5,p99=50` (milliseconds). */
export function parseLatency(text: string): LatencySpec {
  const t = text.trim();
  if (t === 'none' || t === '') return { kind: 'none' };
  const colon = t.indexOf(':');
  const kind = colon < 0 ? t : t.slice(0, colon);
  const rest = colon < 0 ? '' : t.slice(colon + 1);
  switch (kind) {
    case 'fixed': {
      const p = rest.includes('jitter') ? parseParams(rest, ['ms', 'jitter']) : parseParams(rest, ['ms']);
      return { kind: 'fixed', ms: p.ms ?? 0, jitterMs: p.jitter ?? 0 };
    }
    case 'uniform': {
      const p = parseParams(rest, ['min', 'max']);
      if ((p.max ?? 0) < (p.min ?? 0)) throw new FaultParseError('uniform: max must be >= min');
      return { kind: 'uniform', min: p.min ?? 0, max: p.max ?? 0 };
    }
    case 'lognormal': {
      const p = parseParams(rest, ['median', 'p99']);
      if (!((p.median ?? 0) > 0) || (p.p99 ?? 0) < (p.median ?? 0))
        throw new FaultParseError('lognormal: need median > 0 and p99 >= median');
      return { kind: 'lognormal', median: p.median ?? 1, p99: p.p99 ?? 1 };
    }
    default:
      throw new FaultParseError(`unknown latency distribution "${kind}" (none, fixed, uniform, lognormal)`);
  }
}

export function formatLatency(s: LatencySpec): string {
  switch (s.kind) {
    case 'none':
      return 'none';
    case 'fixed':
      return s.jitterMs > 0 ? `fixed:ms=${s.ms},jitter=${s.jitterMs}` : `fixed:ms=${s.ms}`;
    case 'uniform':
      return `uniform:min=${s.min},max=${s.max}`;
    case 'lognormal':
      return `lognormal:median=${s.median},p99=${s.p99}`;
  }
}

/** `group=fraction[,group=fraction]`; returns the parsed pairs. */
export function parseErrorRates(text: string): Partial<Record<RouteGroup, number>> {
  const out: Partial<Record<RouteGroup, number>> = {};
  for (const part of text.split(',')) {
    const [g, v, extra] = part.split('=');
    const group = (g ?? '').trim();
    if (v === undefined || extra !== undefined) throw new FaultParseError(`expected group=fraction, got "${part}"`);
    if (!(ROUTE_GROUPS as readonly string[]).includes(group))
      throw new FaultParseError(`unknown route group "${group}" (${ROUTE_GROUPS.join(', ')})`);
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new FaultParseError(`${group}: fraction must be in 0..1, got "${v}"`);
    out[group as RouteGroup] = n;
  }
  return out;
}

function standardNormal(): number {
  // Box-Muller; 1 - random() keeps the log argument in (0, 1].
  return Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
}

/** Milliseconds to delay one request (0 = answer at once). */
export function sampleLatency(s: LatencySpec): number {
  switch (s.kind) {
    case 'none':
      return 0;
    case 'fixed':
      return s.ms + (s.jitterMs > 0 ? Math.random() * s.jitterMs : 0);
    case 'uniform':
      return s.min + Math.random() * (s.max - s.min);
    case 'lognormal': {
      const mu = Math.log(s.median);
      const sigma = (Math.log(s.p99) - mu) / Z99;
      return Math.exp(mu + sigma * standardNormal());
    }
  }
}

export function shouldFail(config: FaultConfig, group: RouteGroup | null): boolean {
  if (group === null) return false;
  const rate = config.errorRate[group];
  return rate !== undefined && rate > 0 && Math.random() < rate;
}

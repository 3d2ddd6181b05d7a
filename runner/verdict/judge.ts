// Pass or fail per SLO from the exact statistics. An SLI without samples is "no-data", neither
// pass nor fail: a run without API load says nothing about list latency.
import type { SloSpec } from '../../k6.config';
import type { SliName } from '../../scenarios/lib/plan';
import type { SliStats } from './sli-recorder';

export type SloStatus = 'pass' | 'fail' | 'no-data';

export interface SloVerdict {
  sli: SliName;
  description: string;
  percentile: number;
  objectiveMs: number;
  status: SloStatus;
  /** The judged percentile's value; Infinity when samples that never completed decide it. */
  valueMs: number;
  stats: SliStats;
  /** Samples that never completed and count as infinitely slow (agents that never registered). */
  missing: number;
  note?: string;
}

/**
 * `missing` samples are operations that never finished (e.g. agents still unregistered at the
 * end): they count as slower than any threshold, so a run where 2 % of agents never registered
 * fails a P99 registration SLO even if every agent that did register was fast.
 */
export function judge(sli: SliName, slo: SloSpec, stats: SliStats, valueMs: number, missing = 0): SloVerdict {
  const base = { sli, description: slo.description, percentile: slo.percentile, objectiveMs: slo.thresholdMs, stats, missing };
  if (stats.count + missing === 0) return { ...base, status: 'no-data', valueMs: 0 };
  const status: SloStatus = valueMs <= slo.thresholdMs ? 'pass' : 'fail';
  const note = missing > 0 ? `${missing} never completed (counted as infinitely slow)` : undefined;
  return note ? { ...base, status, valueMs, note } : { ...base, status, valueMs };
}

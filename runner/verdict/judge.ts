// The one judge: pass or fail per SLO from the exact statistics, used by the final verdict, the
// live exporter gauge and the progress view alike. An SLI without samples is "no-data", neither
// pass nor fail: a run without API load says nothing about list latency.
import type { SliDef, SloSet, SloSpec } from '../../scenarios/lib/sli';
import type { Measurements } from '../ingest/measurements';
import type { SliRecorder, SliStats } from './sli-recorder';

export type SloStatus = 'pass' | 'fail' | 'no-data';

export interface SloVerdict {
  sli: string;
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

/** How far the fleet should have got: agents whose registration should have completed by now. */
export interface FleetProgress {
  /** Agents that should have finished registering (the whole fleet at the end of a run). */
  dueRegistrations: number;
  registered: number;
}

/**
 * Operations that never finished (agents still unregistered when they were due) count as slower
 * than any threshold, so a run where 2 % of agents never registered fails a P99 registration SLO
 * even if every agent that did register was fast.
 */
export function missingOf(def: SliDef, fleet: FleetProgress): number {
  return def.neverCompleted === 'unregistered' ? Math.max(0, fleet.dueRegistrations - fleet.registered) : 0;
}

export function judge(def: SliDef, slo: SloSpec, rec: SliRecorder, fleet: FleetProgress): SloVerdict {
  const missing = missingOf(def, fleet);
  const stats = rec.stats();
  const base = { sli: def.name, description: slo.description, percentile: slo.percentile, objectiveMs: slo.thresholdMs, stats, missing };
  if (stats.count + missing === 0) return { ...base, status: 'no-data', valueMs: 0 };
  const valueMs = rec.valueAt(slo.percentile, missing);
  const status: SloStatus = valueMs <= slo.thresholdMs ? 'pass' : 'fail';
  const note = missing > 0 ? `${missing} never completed (counted as infinitely slow)` : undefined;
  return note ? { ...base, status, valueMs, note } : { ...base, status, valueMs };
}

/** Every SLI of the measurements' table, in table order. */
export function judgeAll(m: Measurements, slos: SloSet, fleet: FleetProgress): SloVerdict[] {
  return m.slis.map((def) => judge(def, slos[def.name]!, m.recorder(def.name), fleet));
}

// Whether the load generator was healthy enough for a breach to be a finding about the target.
// The rule's thresholds are data (k6.config.ts `generator`); any one signal suffices.
import type { GeneratorHealthSpec } from '../../k6.config';
import type { ServerView } from '../target/server-view';
import type { SloVerdict } from '../verdict/judge';
import type { HealthWindow } from './sampler';

export interface GeneratorVerdict {
  saturated: boolean;
  /** Why, one sentence each; empty when healthy. */
  reasons: string[];
  unhealthyWindows: number;
  windows: number;
}

/** Why a window counts as unhealthy, every signal over its limit; empty when it was fine. */
export function windowProblems(w: HealthWindow, spec: GeneratorHealthSpec, engineCapacityCores: number): string[] {
  const out: string[] = [];
  if (w.eventLoopP99Ms > spec.maxEventLoopDelayMs) out.push(`event loop held ${Math.round(w.eventLoopP99Ms)} ms at P99`);
  if (w.engineCores > spec.maxEngineCoreShare * engineCapacityCores) out.push(`engine used ${w.engineCores.toFixed(2)} of ${engineCapacityCores} core(s)`);
  if (w.hostBusy > spec.maxHostBusy) out.push(`host CPU ${Math.round(w.hostBusy * 100)} % busy`);
  return out;
}

/** The breached API SLIs whose client P99 the target's own view does not explain. */
export function generatorAddedLatency(verdicts: readonly SloVerdict[], server: ServerView | undefined, spec: GeneratorHealthSpec): string[] {
  const out: string[] = [];
  for (const v of verdicts) {
    const s = server?.[v.sli];
    if (v.status !== 'fail' || !s || s.p99Ms === null || s.count < 100 || !Number.isFinite(v.valueMs)) continue;
    const gap = v.valueMs - s.p99Ms;
    if (gap > spec.maxClientServerGapMs && v.valueMs > spec.minClientServerRatio * Math.max(s.p99Ms, 1)) {
      out.push(`${v.sli}: the agents saw P${v.percentile} ${Math.round(v.valueMs)} ms where the target served P99 ${Math.round(s.p99Ms)} ms`);
    }
  }
  return out;
}

export function judgeGenerator(windows: readonly HealthWindow[], spec: GeneratorHealthSpec, engineCapacityCores: number, verdicts: readonly SloVerdict[], server: ServerView | undefined): GeneratorVerdict {
  const reasons: string[] = [];
  const perWindow = windows.map((w) => windowProblems(w, spec, engineCapacityCores));
  const unhealthy = perWindow.filter((p) => p.length > 0).length;
  if (windows.length > 0 && unhealthy / windows.length > spec.maxUnhealthyShare) {
    // The first occurrence of each kind of signal: a busy host and a held event loop are different advice.
    const kinds = new Map<string, string>();
    for (const p of perWindow.flat()) {
      const kind = p.replace(/[\d.]+/g, '#');
      if (!kinds.has(kind)) kinds.set(kind, p);
    }
    reasons.push(`${unhealthy} of ${windows.length} 10 s windows were unhealthy (first: ${[...kinds.values()].join('; ')})`);
  }
  const dropped = windows.reduce((a, w) => a + w.droppedIterations, 0);
  if (dropped > spec.maxDroppedIterations) reasons.push(`the engine dropped ${dropped} iterations it could not start in time`);
  reasons.push(...generatorAddedLatency(verdicts, server, spec));
  return { saturated: reasons.length > 0, reasons, unhealthyWindows: unhealthy, windows: windows.length };
}

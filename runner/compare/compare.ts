// Two runs (and optionally a history of runs like A) to one Comparison: per SLI a verdict from
// the noise model (noise.ts), and flags for whatever makes the pair questionable. A questionable
// pair is still compared: the flag says what to distrust, and hiding the numbers would not help.
import type { RunSummary } from '../report/summary';
import { DEFAULT_NOISE, describeMethod, judgeChange, windowColumn, type NoiseOptions } from './noise';
import type { Comparison, RunRef, SliComparison } from './types';

type Slo = RunSummary['slos'][number];

export function runRef(s: RunSummary): RunRef {
  return { runId: s.runId, release: s.release, profile: s.profile, protocol: s.target.protocol, clusters: s.plan.clusters, status: s.status, startedAt: s.startedAt };
}

/**
 * The usable window values of one SLI: the column standing for the judged percentile, from
 * windows with enough samples, leaving out windows that began inside the SLO warm-up when the
 * SLI's samples were subject to it (the whole-run value left them out too).
 */
export function windowValues(s: RunSummary, slo: Slo, opts: NoiseOptions = DEFAULT_NOISE): number[] {
  const column = windowColumn(slo.percentile);
  const warm = slo.stats.warmupExcluded > 0 ? s.plan.sloWarmupS : 0;
  const out: number[] = [];
  for (const w of s.timeline.windows) {
    if (w.startS < warm) continue;
    const v = w.slis[slo.sli];
    if (v === undefined || v.count < opts.minWindowSamples) continue;
    const x = v[column];
    if (Number.isFinite(x)) out.push(x);
  }
  return out;
}

const BAD_STATUS = new Set(['interrupted', 'failed']);

/** Why a history run does not belong with A (null when it does). */
function historyMismatch(h: RunSummary, a: RunSummary, b: RunSummary): string | null {
  if (h.runId === a.runId || h.runId === b.runId) return 'is A or B';
  if (BAD_STATUS.has(h.status)) return h.status;
  if (h.profile !== a.profile) return 'other profile';
  if (h.target.protocol !== a.target.protocol) return 'other protocol';
  if (h.plan.clusters !== a.plan.clusters) return 'other fleet size';
  return null;
}

function statusFlags(run: 'A' | 'B', s: RunSummary): string[] {
  const out: string[] = [];
  if (s.status === 'interrupted') out.push(`${run} (${s.runId}) was interrupted: its numbers cover part of the run only`);
  if (s.status === 'failed') out.push(`${run} (${s.runId}) failed${s.error ? ` (${s.error})` : ''}: its numbers may not describe the target`);
  // A saturated generator measures itself as much as the target (exit 4 of a run).
  if (s.status === 'inconclusive' || s.generator?.saturated) out.push(`${run} (${s.runId}) ran with a saturated load generator: its latencies may be the harness's`);
  return out;
}

function pairFlags(a: RunSummary, b: RunSummary): string[] {
  const out = [...statusFlags('A', a), ...statusFlags('B', b)];
  if (a.target.protocol !== b.target.protocol) out.push(`different protocols: A ${a.target.protocol}, B ${b.target.protocol}`);
  if (a.profile !== b.profile) out.push(`different profiles: A ${a.profile}, B ${b.profile}`);
  if (a.plan.clusters !== b.plan.clusters) out.push(`different fleet sizes: A ${a.plan.clusters} clusters, B ${b.plan.clusters}`);
  // Shown, not gating: the same profile on another machine or engine still measures something else.
  if (a.plan.durationS !== b.plan.durationS) out.push(`different durations: A ${a.plan.durationS} s, B ${b.plan.durationS} s`);
  if (a.engine && b.engine && a.engine.name !== b.engine.name) out.push(`different engines: A ${a.engine.name}, B ${b.engine.name}`);
  if (a.host && b.host && (a.host.cores !== b.host.cores || a.host.platform !== b.host.platform)) {
    out.push(`different hosts: A ${a.host.cores} cores ${a.host.platform}, B ${b.host.cores} cores ${b.host.platform}`);
  }
  return out;
}

function neverCompleted(run: 'A' | 'B', slo: Slo): string {
  return `${run}'s P${slo.percentile} never completed (${slo.missing} operation${slo.missing === 1 ? '' : 's'} never finished, counted as infinitely slow): no finite value to compare`;
}

function compareSli(name: string, a: RunSummary, b: RunSummary, history: readonly RunSummary[], opts: NoiseOptions): SliComparison {
  const sa = a.slos.find((s) => s.sli === name);
  const sb = b.slos.find((s) => s.sli === name);
  const percentile = sb?.percentile ?? sa?.percentile ?? 99;
  const windowsA = sa ? windowValues(a, sa, opts) : [];
  const windowsB = sb ? windowValues(b, sb, opts) : [];
  const valueA = sa && sa.status !== 'no-data' ? sa.valueMs : null;
  const valueB = sb && sb.status !== 'no-data' ? sb.valueMs : null;
  const base = {
    sli: name,
    percentile,
    a: valueA,
    b: valueB,
    changePercent: valueA !== null && valueB !== null && valueA > 0 ? ((valueB - valueA) / valueA) * 100 : null,
    windowsA: windowsA.length,
    windowsB: windowsB.length,
  };
  const inconclusive = (reason: string): SliComparison => ({ ...base, verdict: 'inconclusive', pValue: null, reason });
  if (!sa) return inconclusive('A has no SLO for this SLI');
  if (!sb) return inconclusive('B has no SLO for this SLI');
  if (sa.percentile !== sb.percentile) return inconclusive(`the runs judge different percentiles (A P${sa.percentile}, B P${sb.percentile})`);
  if (sa.status === 'no-data' || sb.status === 'no-data') {
    return inconclusive(sa.status === 'no-data' && sb.status === 'no-data' ? 'no samples in either run' : `no samples in ${sa.status === 'no-data' ? 'A' : 'B'}`);
  }
  if (sa.valueMs === null) return inconclusive(neverCompleted('A', sa));
  if (sb.valueMs === null) return inconclusive(neverCompleted('B', sb));
  const noiseWindows = [...windowsA];
  const runValues = [sa.valueMs];
  let historyRuns = 0;
  for (const h of history) {
    const hs = h.slos.find((s) => s.sli === name && s.percentile === sa.percentile);
    if (!hs || hs.valueMs === null || hs.status === 'no-data') continue;
    const values = windowValues(h, hs, opts);
    if (values.length === 0) continue;
    noiseWindows.push(...values);
    runValues.push(hs.valueMs);
    historyRuns++;
  }
  const j = judgeChange({ percentile, a: sa.valueMs, b: sb.valueMs, windowsA, windowsB, noiseWindows, historyRuns, runValues }, opts);
  return { ...base, verdict: j.verdict, pValue: j.pValue, reason: j.reason };
}

/**
 * Compares run B against run A. `history`: earlier runs like A whose windows widen the noise
 * band; runs of another profile, protocol or fleet size, interrupted or failed runs, and A and B
 * themselves are left out (and counted in a flag).
 */
export function compareRuns(a: RunSummary, b: RunSummary, history: readonly RunSummary[] = [], opts: NoiseOptions = DEFAULT_NOISE): Comparison {
  const flags = pairFlags(a, b);
  const used: RunSummary[] = [];
  const left = new Map<string, number>();
  for (const h of history) {
    const why = historyMismatch(h, a, b);
    if (why === null) used.push(h);
    else left.set(why, (left.get(why) ?? 0) + 1);
  }
  if (left.size > 0) {
    const total = [...left.values()].reduce((s, n) => s + n, 0);
    flags.push(`history: ${total} of ${history.length} runs left out (${[...left.entries()].map(([why, n]) => `${n} ${why}`).join(', ')})`);
  }
  const names = [...a.slos.map((s) => s.sli), ...b.slos.map((s) => s.sli)].filter((n, i, all) => all.indexOf(n) === i);
  const slis = names.map((n) => compareSli(n, a, b, used, opts));
  return {
    a: runRef(a),
    b: runRef(b),
    historyRuns: used.length,
    flags,
    slis,
    worse: slis.some((s) => s.verdict === 'worse'),
    method: describeMethod(opts, used.length),
  };
}

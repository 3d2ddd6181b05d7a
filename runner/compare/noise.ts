// The noise model of `fleetload compare`: when is a change in an SLI's judged percentile a real
// change and not the run-to-run wobble every latency measurement has?
//
// A run's whole-run percentile is one number, and one number per run cannot show its own noise.
// The timeline can: every 10 s window has its own percentile, so a run is a sample of window
// values. Two conditions must hold for a verdict other than "within noise":
//  1. the window values of B differ from A's by a two-sided Mann–Whitney U test at p < alpha
//     (rank-based: no assumption that latencies are normal, robust to a few wild windows);
//  2. the whole-run percentile moved by more than the noise floor, the larger of a relative floor
//     and the robust spread of A's window values (pooled with the history's when there is one),
//     so a noisy SLI needs a larger change, and a significant but tiny change (a test over many
//     windows finds those) is not called a regression. With a history of a few runs, also the
//     spread of their whole-run values: runs differ from each other by more than their windows
//     show (another machine load, another GC rhythm), and only a history can measure that. The
//     false-positive simulation in compare.test.ts shows the difference: under a 5 % run-to-run
//     shift, about 5 % of same-distribution pairs are called worse without a history, 3 % with 5
//     history runs (0.6 % without any shift).
// Too few windows to test (or too few for the test ever to reach alpha) is "inconclusive".
import type { CompareVerdict } from './types';
import { mannWhitneyU, smallestPValue } from './mann-whitney';

export interface NoiseOptions {
  /** Significance level of the two-sided test. */
  alpha: number;
  /** Usable windows each run needs, else inconclusive. */
  minWindows: number;
  /** Samples a window needs for its percentile to count (a P99 of 3 samples is their max). */
  minWindowSamples: number;
  /** The smallest relative change that counts, whatever the spread (0.10 = 10 %). */
  relativeFloor: number;
  /** Multiplier of the windows' robust relative spread in the floor. */
  spreadMultiplier: number;
  /**
   * History runs needed (besides A) before their whole-run values' spread enters the floor: a
   * spread of two or three values says little.
   */
  minRunsForRunSpread: number;
  /** z of the run-to-run band: the floor covers this many standard deviations of a difference of two runs. */
  runSpreadZ: number;
}

export const DEFAULT_NOISE: Readonly<NoiseOptions> = Object.freeze({
  alpha: 0.05,
  minWindows: 3,
  minWindowSamples: 10,
  relativeFloor: 0.1,
  spreadMultiplier: 1,
  minRunsForRunSpread: 3,
  runSpreadZ: 1.96,
});

/** The per-window columns a summary's timeline has. */
export type WindowColumn = 'p50' | 'p90' | 'p99';

/**
 * The timeline column that stands for a judged percentile: the nearest one at or above it (a
 * P95 SLO is watched through the windows' P99, never through a lower, kinder percentile), P99
 * for anything above 99.
 */
export function windowColumn(percentile: number): WindowColumn {
  if (percentile <= 50) return 'p50';
  if (percentile <= 90) return 'p90';
  return 'p99';
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((p, q) => p - q);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** 1.4826 × MAD estimates a normal distribution's standard deviation, robust to outliers. */
export const MAD_TO_SD = 1.4826;

/**
 * Robust relative spread of window values: 1.4826 × median absolute deviation ÷ median (0 with
 * fewer than two values or a zero median). Relative, so a history of the same SLI at another
 * level still says how much it wobbles.
 */
export function relativeSpread(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = median(values);
  if (!(m > 0)) return 0;
  const mad = median(values.map((v) => Math.abs(v - m)));
  return (MAD_TO_SD * mad) / m;
}

/** What the verdict of one SLI is decided from. */
export interface SliEvidence {
  percentile: number;
  /** Whole-run judged percentile of each run in ms (the summary's valueMs). */
  a: number;
  b: number;
  /** Usable window values of each run. */
  windowsA: readonly number[];
  windowsB: readonly number[];
  /** Window values the noise is estimated from: A's, plus the history's. */
  noiseWindows: readonly number[];
  /** History runs whose windows are in `noiseWindows`. */
  historyRuns: number;
  /** Whole-run values of A and the history runs (the run-to-run spread); empty without a history. */
  runValues?: readonly number[];
}

export interface SliJudgement {
  verdict: CompareVerdict;
  pValue: number | null;
  /** The noise floor applied, relative (0.12 = ±12 %); null when the test did not run. */
  floor: number | null;
  reason: string;
}

function pct(x: number): string {
  const v = x * 100;
  return `${v > 0 ? '+' : ''}${v.toFixed(Math.abs(v) < 10 ? 1 : 0)} %`;
}

export function formatP(p: number): string {
  if (p < 0.0001) return 'p < 0.0001';
  return `p = ${p < 0.01 ? p.toPrecision(2) : p.toFixed(3)}`;
}

/** Judges one SLI whose both runs have a whole-run value; the caller handles missing data. */
export function judgeChange(e: SliEvidence, opts: NoiseOptions = DEFAULT_NOISE): SliJudgement {
  const p = `P${e.percentile}`;
  const nA = e.windowsA.length;
  const nB = e.windowsB.length;
  const few = (run: string, n: number): string =>
    `${run} has ${n} usable window${n === 1 ? '' : 's'} (≥ ${opts.minWindowSamples} samples each); ${opts.minWindows} needed to tell noise from change`;
  if (nA < opts.minWindows) return { verdict: 'inconclusive', pValue: null, floor: null, reason: few('A', nA) };
  if (nB < opts.minWindows) return { verdict: 'inconclusive', pValue: null, floor: null, reason: few('B', nB) };
  const best = smallestPValue(nA, nB);
  if (best >= opts.alpha) {
    return { verdict: 'inconclusive', pValue: null, floor: null, reason: `${nA} vs ${nB} windows cannot reach p < ${opts.alpha} whatever the data (best ${formatP(best)}); run longer` };
  }
  if (!(e.a > 0)) return { verdict: 'inconclusive', pValue: null, floor: null, reason: `A's ${p} is 0 ms: no relative change to judge` };
  const change = (e.b - e.a) / e.a;
  // B first, so z > 0 means B's windows tend to be slower.
  const test = mannWhitneyU(e.windowsB, e.windowsA);
  const spread = relativeSpread(e.noiseWindows);
  const runValues = e.runValues ?? [];
  // The difference of two runs has √2 times one run's spread.
  const runSpread = runValues.length > opts.minRunsForRunSpread ? relativeSpread(runValues) : null;
  const runTerm = runSpread === null ? 0 : opts.runSpreadZ * Math.SQRT2 * runSpread;
  const floor = Math.max(opts.relativeFloor, opts.spreadMultiplier * spread, runTerm);
  const source = e.historyRuns > 0 ? `A + ${e.historyRuns} history run${e.historyRuns === 1 ? '' : 's'}` : 'A';
  const f = (x: number): string => (x * 100).toFixed(1);
  const runPart = runSpread === null ? '' : `, run-to-run spread ${f(runSpread)} %`;
  const band = `±${f(floor)} % noise band (floor ${(opts.relativeFloor * 100).toFixed(0)} %, window spread ${f(spread)} % over ${source}${runPart})`;
  const tested = `${formatP(test.p)}, Mann–Whitney U over ${nA} vs ${nB} windows`;
  const significant = test.p < opts.alpha;
  const beyond = Math.abs(change) > floor;
  const agree = Math.sign(change) === Math.sign(test.z) && change !== 0;
  if (significant && beyond && agree) {
    const verdict: CompareVerdict = change > 0 ? 'worse' : 'better';
    return { verdict, pValue: test.p, floor, reason: `${p} ${pct(change)}, beyond the ${band}; ${tested}` };
  }
  let why: string;
  if (!beyond) why = `${p} ${pct(change)} is inside the ${band}`;
  else if (!significant) why = `${p} ${pct(change)} is past the ${band}, but the windows do not differ (${formatP(test.p)} ≥ ${opts.alpha})`;
  else why = `${p} ${pct(change)} and the windows (which tend ${test.z > 0 ? 'slower' : 'faster'} in B) disagree on the direction`;
  return { verdict: 'within noise', pValue: test.p, floor, reason: `${why}; ${tested}` };
}

/** The method in one paragraph, for the comparison's `method`, the table's footer and the markdown. */
export function describeMethod(opts: NoiseOptions = DEFAULT_NOISE, historyRuns = 0): string {
  const history =
    historyRuns > 0
      ? ` pooled with those of ${historyRuns} history run${historyRuns === 1 ? '' : 's'} (same profile, protocol and fleet size; interrupted and failed runs left out)`
      : '';
  return (
    `Each SLI is compared on the percentile its SLO judges. A run is treated as a sample of 10 s windows: ` +
    `the per-window value is the timeline's P50, P90 or P99 (the nearest at or above the judged percentile) of every window ` +
    `with at least ${opts.minWindowSamples} samples of the SLI, warm-up windows left out. ` +
    `The window values of A and B are compared with a two-sided Mann–Whitney U test (normal approximation with tie and continuity corrections). ` +
    `A change counts only if p < ${opts.alpha} and the whole-run percentile (the summary's judged value) moved, in the same direction, by more than the noise floor: ` +
    `the larger of ${(opts.relativeFloor * 100).toFixed(0)} % and ${opts.spreadMultiplier === 1 ? '' : `${opts.spreadMultiplier} × `}the robust relative spread (1.4826 × median absolute deviation ÷ median) ` +
    `of A's window values${history}, so a noisy SLI (or a noisy history) needs a larger change` +
    (historyRuns >= opts.minRunsForRunSpread
      ? `; and, with at least ${opts.minRunsForRunSpread} history runs, ${opts.runSpreadZ} × √2 × the robust relative spread of the whole-run values of A and the history (run-to-run noise that one run's windows cannot show). `
      : `. Run-to-run noise that one run's windows cannot show is only measured with --history of at least ${opts.minRunsForRunSpread} runs. `) +
    `An SLI is inconclusive when either run has fewer than ${opts.minWindows} usable windows (or too few for the test to reach p < ${opts.alpha} at all), ` +
    `no samples, or operations that never completed. Exit 1 when any SLI is worse.`
  );
}

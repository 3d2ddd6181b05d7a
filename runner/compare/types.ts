// What `fleetload compare` concludes about two runs (and a history): the contract between the
// comparison (runner/compare/) and the pages and texts that show it.

/**
 * better / worse: the change is beyond the noise model and past the effect-size floor;
 * within noise: it is not; inconclusive: too few samples or windows to tell either way.
 */
export type CompareVerdict = 'better' | 'worse' | 'within noise' | 'inconclusive';

export interface RunRef {
  runId: string;
  release: string;
  profile: string;
  protocol: string;
  clusters: number;
  status: string;
  startedAt: string;
}

export interface SliComparison {
  sli: string;
  /** The judged percentile (e.g. 99) of both runs, whole-run, in ms; null without samples (or never completed). */
  percentile: number;
  a: number | null;
  b: number | null;
  /** (b - a) / a in percent; null when either is missing. */
  changePercent: number | null;
  verdict: CompareVerdict;
  /** The test's p-value over the per-window distributions; null when not computed. */
  pValue: number | null;
  /** One line: why this verdict (the test, the floor, the windows). */
  reason: string;
  windowsA: number;
  windowsB: number;
}

export interface Comparison {
  a: RunRef;
  b: RunRef;
  /** Runs in the history the noise band was widened with. */
  historyRuns: number;
  /** Differences that make the comparison questionable: interrupted runs, other protocols, profiles or fleet sizes. */
  flags: string[];
  slis: SliComparison[];
  /** Any SLI worse beyond noise. */
  worse: boolean;
  /** The method in one paragraph, for the report and the markdown. */
  method: string;
}

// Release comparison: each SLI's whole-run percentile and slow share for run A and run B on the
// same panel (the verdict's view of each run, from its final buckets).
import { bars } from '../lib/panels';
import { runTotal, runWholeQuantile } from '../lib/promql';
import type { Row } from '../lib/dashboard';
import { BASE_SLOS, leMatcher, SLI_QUERIES, sel } from '../lib/spec';

export const RUNS = [
  { v: '$run_a', legend: 'A $run_a ($release_a)' },
  { v: '$run_b', legend: 'B $run_b ($release_b)' },
] as const;

export function compareSlisRow(): Row {
  return {
    title: 'SLIs, A against B',
    panels: SLI_QUERIES.flatMap((s) => {
      const slo = BASE_SLOS[s.name];
      const t = slo.thresholdMs / 1000;
      return [
        bars({
          title: `${s.name} P${slo.percentile}`,
          description: `${s.description}, over each whole run. Red at the objective (${t} s).`,
          queries: RUNS.map((r) => ({ expr: runWholeQuantile(slo.percentile / 100, s.family, s.matchers, r.v), legend: r.legend, instant: true })),
          unit: 's',
          thresholds: [t],
          width: 6,
          height: 5,
        }),
        bars({
          title: `${s.name} slower than ${t} s`,
          description: `Share of the run's observations above the objective; red above the error budget (${1 - slo.percentile / 100}).`,
          queries: RUNS.map((r) => ({
            expr: `1 - sum(${runTotal(`${s.family}_bucket${sel(s.matchers, leMatcher(t))}`, r.v)}) / sum(${runTotal(`${s.family}_count${sel(s.matchers)}`, r.v)})`,
            legend: r.legend,
            instant: true,
          })),
          unit: 'percentunit',
          thresholds: [1 - slo.percentile / 100],
          width: 6,
          height: 5,
        }),
      ];
    }),
  };
}

// SLIs: the share of each SLI's observations slower than its objective, read from the bucket at
// the objective. A P99 objective holds while this stays at or under 1 %: the same good/total the
// SLO rules record.
import { timeseries } from '../lib/panels';
import { runRate } from '../lib/promql';
import type { Row } from '../lib/dashboard';
import { BASE_SLOS, leMatcher, SLI_QUERIES, sel } from '../lib/spec';

export function slowCallsRow(): Row {
  const budgets = [...new Set(SLI_QUERIES.map((s) => 1 - BASE_SLOS[s.name].percentile / 100))];
  return {
    title: 'Slow-call ratios',
    panels: [
      timeseries({
        title: 'Share slower than the objective',
        description: 'Per SLI: 1 - (observations within the objective bucket / all observations) over the last rate interval. Dashed: the error budget (1 - percentile).',
        queries: SLI_QUERIES.map((s) => {
          const t = BASE_SLOS[s.name].thresholdMs / 1000;
          return {
            expr: `1 - ${runRate(`${s.family}_bucket${sel(s.matchers, leMatcher(t))}`)} / ${runRate(`${s.family}_count${sel(s.matchers)}`)}`,
            legend: s.name,
          };
        }),
        unit: 'percentunit',
        thresholds: budgets,
        width: 24,
      }),
    ],
  };
}

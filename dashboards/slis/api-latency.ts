// SLIs: API call latency by verb and scope, one panel per API SLI with its objective drawn twice:
// the run's own (fleetload_slo_objective_seconds, which carries profile and --set overrides) as a
// series, and the base objective from the SLO spec as a dashed threshold.
import { timeseries } from '../lib/panels';
import { runQuantile } from '../lib/promql';
import { sliLatencyPanels } from './latency-panels';
import type { Row } from '../lib/dashboard';
import { API_SLIS, BASE_SLOS } from '../lib/spec';

export function apiLatencyRow(): Row {
  return {
    title: 'API call latency',
    panels: [
      timeseries({
        title: 'API P99 by verb and scope',
        description: 'Every answered call except long polls (WATCH), by verb and scope, over the last rate interval.',
        queries: [{ expr: runQuantile(0.99, 'fleetload_api_request_duration_seconds', 'verb!="WATCH", code_class!="error"', ['verb', 'scope']), legend: 'P99 {{verb}} {{scope}}' }],
        unit: 's',
        width: 24,
      }),
      ...API_SLIS.flatMap((s) => {
        const slo = BASE_SLOS[s.name];
        return sliLatencyPanels(s, {
          title: `${s.name} P50 / P${slo.percentile}`,
          description: `${s.description}; objective P${slo.percentile} <= ${slo.thresholdMs / 1000} s. Quantiles interpolate within the histogram's buckets; every objective is a bucket boundary.`,
          wholeRunDescription: 'From the run\'s final cumulative buckets, as the verdict judges the whole run (the verdict\'s exact percentile is within one bucket of it; warm-up samples are included here, excluded there).',
          by: ['verb', 'scope'],
          legendSuffix: ' {{verb}} {{scope}}',
        });
      }),
    ],
  };
}

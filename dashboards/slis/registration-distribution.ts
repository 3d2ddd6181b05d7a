// SLIs: the fleet-level ones, registration (first register call to Ready) and distribution
// (bundle created to the agent's Ready report), each with its objective drawn.
import { stat, timeseries } from '../lib/panels';
import { runGauge, runQuantile, runWholeQuantile } from '../lib/promql';
import type { Row } from '../lib/dashboard';
import { BASE_SLOS, SLI_QUERIES } from '../lib/spec';

export function registrationDistributionRow(): Row {
  const own = SLI_QUERIES.filter((s) => s.name === 'registration' || s.name === 'distribution');
  return {
    title: 'Registration and distribution',
    panels: own.flatMap((s) => {
      const slo = BASE_SLOS[s.name];
      const p = slo.percentile / 100;
      const by = s.name === 'registration' ? ['kind'] : [];
      const suffix = by.length > 0 ? ' {{kind}}' : '';
      return [
        timeseries({
          title: `${s.name} latency P50 / P${slo.percentile}`,
          description: `${s.description}. Objective P${slo.percentile} <= ${slo.thresholdMs / 1000} s (profiles may change it: the "objective (this run)" line is the run's own).${s.name === 'registration' ? ' Agents that never registered are not in the histogram; the SLO status counts them.' : ''}`,
          queries: [
            { expr: runQuantile(0.5, s.family, s.matchers, by), legend: `P50${suffix}` },
            { expr: runQuantile(p, s.family, s.matchers, by), legend: `P${slo.percentile}${suffix}` },
            { expr: runGauge(`fleetload_slo_objective_seconds{sli="${s.name}"}`), legend: 'objective (this run)' },
          ],
          unit: 's',
          thresholds: [slo.thresholdMs / 1000],
          width: 9,
        }),
        stat({
          title: `${s.name} P${slo.percentile} over the run`,
          description: 'From the run\'s final cumulative buckets.',
          queries: [{ expr: runWholeQuantile(p, s.family, s.matchers), instant: true }],
          unit: 's',
          thresholds: [slo.thresholdMs / 1000],
          width: 3,
        }),
      ];
    }),
  };
}

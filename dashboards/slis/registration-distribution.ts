// SLIs: the fleet-level ones, registration (first register call to Ready) and distribution
// (bundle created to the agent's Ready report), each with its objective drawn.
import type { Row } from '../lib/dashboard';
import { BASE_SLOS, SLI_QUERIES } from '../lib/spec';
import { sliLatencyPanels } from './latency-panels';

export function registrationDistributionRow(): Row {
  const own = SLI_QUERIES.filter((s) => s.name === 'registration' || s.name === 'distribution');
  return {
    title: 'Registration and distribution',
    panels: own.flatMap((s) => {
      const slo = BASE_SLOS[s.name];
      const registration = s.name === 'registration';
      return sliLatencyPanels(s, {
        title: `${s.name} latency P50 / P${slo.percentile}`,
        description: `${s.description}. Objective P${slo.percentile} <= ${slo.thresholdMs / 1000} s (profiles may change it: the "objective (this run)" line is the run's own).${registration ? ' Agents that never registered are not in the histogram; the SLO status counts them.' : ''}`,
        wholeRunDescription: 'From the run\'s final cumulative buckets.',
        by: registration ? ['kind'] : [],
        legendSuffix: registration ? ' {{kind}}' : '',
      });
    }),
  };
}

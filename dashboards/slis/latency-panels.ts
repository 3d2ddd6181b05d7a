// The pair every SLI gets: P50 and the judged percentile over time (with the run's own objective
// as a series and the spec's as a threshold), and the whole run's value as the verdict sees it.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { stat, timeseries } from '../lib/panels';
import { runGauge, runQuantile, runWholeQuantile } from '../lib/promql';
import { BASE_SLOS, type SliQuery } from '../lib/spec';

export interface LatencyPanelText {
  title: string;
  description: string;
  wholeRunDescription: string;
  /** Labels the series are split by, and the legend suffix that names them. */
  by: string[];
  legendSuffix: string;
}

export function sliLatencyPanels(s: SliQuery, text: LatencyPanelText): cog.Builder<Panel>[] {
  const slo = BASE_SLOS[s.name];
  const p = slo.percentile / 100;
  return [
    timeseries({
      title: text.title,
      description: text.description,
      queries: [
        { expr: runQuantile(0.5, s.family, s.matchers, text.by), legend: `P50${text.legendSuffix}` },
        { expr: runQuantile(p, s.family, s.matchers, text.by), legend: `P${slo.percentile}${text.legendSuffix}` },
        { expr: runGauge(`fleetload_slo_objective_seconds{sli="${s.name}"}`), legend: 'objective (this run)' },
      ],
      unit: 's',
      thresholds: [slo.thresholdMs / 1000],
      width: 9,
    }),
    stat({
      title: `${s.name} P${slo.percentile} over the run`,
      description: text.wholeRunDescription,
      queries: [{ expr: runWholeQuantile(p, s.family, s.matchers), instant: true }],
      unit: 's',
      thresholds: [slo.thresholdMs / 1000],
      width: 3,
    }),
  ];
}

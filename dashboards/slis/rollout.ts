// SLIs: rollout completion, bundle created until every targeted cluster reported Ready or Failed.
import { stat, timeseries } from '../lib/panels';
import { runRate, runTotal } from '../lib/promql';
import type { Row } from '../lib/dashboard';

export function rolloutRow(): Row {
  return {
    title: 'Rollouts',
    panels: [
      stat({
        title: 'Rollouts completed',
        description: 'Rollouts whose every targeted cluster reported, in the run so far.',
        queries: [{ expr: `sum(${runTotal('fleetload_rollout_duration_seconds_count')})`, instant: true }],
        unit: 'short',
        thresholds: [],
        colours: ['blue', 'blue'],
        width: 4,
      }),
      stat({
        title: 'Mean rollout completion',
        description: 'Sum over count of the completed rollouts: the one rollout\'s time when there was one.',
        queries: [{ expr: `sum(${runTotal('fleetload_rollout_duration_seconds_sum')}) / sum(${runTotal('fleetload_rollout_duration_seconds_count')})`, instant: true }],
        unit: 's',
        thresholds: [],
        colours: ['blue', 'blue'],
        width: 4,
      }),
      timeseries({
        title: 'Deployments reported',
        description: 'Per second: deployments agents reported Ready or Failed, and rollouts that timed out incomplete.',
        queries: [{ expr: runRate('fleetload_events_total{kind=~"deployment_ready|deployment_failed|rollout_incomplete"}', ['kind']), legend: '{{kind}}' }],
        unit: 'ops',
        width: 16,
      }),
    ],
  };
}

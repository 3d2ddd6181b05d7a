// Release comparison: what each run asked of its target, so a latency difference is read against
// the load that produced it; and both runs' API P99 over time.
import { bars, timeseries } from '../lib/panels';
import { orZero, runQuantile, runTotal } from '../lib/promql';
import type { Row } from '../lib/dashboard';
import { RUNS } from './slis';

export function compareLoadRow(): Row {
  return {
    title: 'Load, A against B',
    panels: [
      bars({
        title: 'Requests and failures',
        description: 'API calls over each whole run, and the failed ones.',
        queries: RUNS.flatMap((r) => [
          { expr: `sum(${runTotal('fleetload_events_total{kind="request"}', r.v)})`, legend: `${r.legend} requests`, instant: true },
          { expr: orZero(`sum(${runTotal('fleetload_events_total{kind="request_failed"}', r.v)})`, `sum(${runTotal('fleetload_events_total{kind="request"}', r.v)})`), legend: `${r.legend} failed`, instant: true },
        ]),
        unit: 'short',
        width: 8,
      }),
      bars({
        title: 'Agents registered',
        description: 'fleetload_agents{state="registered"} at the end of each run.',
        queries: RUNS.map((r) => ({ expr: `max(${runTotal('fleetload_agents{state="registered"}', r.v)})`, legend: r.legend, instant: true })),
        unit: 'short',
        width: 8,
      }),
      bars({
        title: 'Rollouts completed',
        description: 'Rollouts whose every targeted cluster reported, in each run.',
        queries: RUNS.map((r) => ({ expr: `sum(${runTotal('fleetload_rollout_duration_seconds_count', r.v)})`, legend: r.legend, instant: true })),
        unit: 'short',
        width: 8,
      }),
      timeseries({
        title: 'API P99 (non-watch) over time',
        description: 'Both runs on one time axis: widen the time range to hold both.',
        queries: RUNS.map((r) => ({ expr: runQuantile(0.99, 'fleetload_api_request_duration_seconds', 'verb!="WATCH", code_class!="error"', [], r.v), legend: r.legend })),
        unit: 's',
        width: 24,
      }),
    ],
  };
}

// Run overview: the fleet and the traffic it sends.
import { stat, timeseries } from '../lib/panels';
import { orZero, runGauge, runRate } from '../lib/promql';

const REQUESTS = runRate('fleetload_events_total{kind="request"}');
const FAILED = orZero(runRate('fleetload_events_total{kind="request_failed"}'), REQUESTS);
import type { Row } from '../lib/dashboard';

export function loadRow(): Row {
  return {
    title: 'Fleet and traffic',
    panels: [
      timeseries({
        title: 'Agents by state',
        description: 'fleetload_agents: requested is the fleet size; registered should reach it; failed agents gave up registering.',
        queries: [{ expr: runGauge('fleetload_agents', ['state']), legend: '{{state}}' }],
        unit: 'short',
      }),
      timeseries({
        title: 'Requests and failures',
        description: 'API calls per second the agents and the operator made, and the ones that failed (no answer, or an error status).',
        queries: [
          { expr: REQUESTS, legend: 'requests' },
          { expr: FAILED, legend: 'failed' },
        ],
        unit: 'reqps',
      }),
      timeseries({
        title: 'Requests by verb and scope',
        description: 'Per second, by verb and scope, from the API latency histogram (long polls, WATCH, included).',
        queries: [{ expr: runRate('fleetload_api_request_duration_seconds_count', ['verb', 'scope']), legend: '{{verb}} {{scope}}' }],
        unit: 'reqps',
      }),
      timeseries({
        title: 'Answers by status class',
        description: 'Per second, by code class; `error` is a call that got no answer at all.',
        queries: [{ expr: runRate('fleetload_api_request_duration_seconds_count', ['code_class']), legend: '{{code_class}}' }],
        unit: 'reqps',
      }),
      timeseries({
        title: 'Agent events',
        description: 'fleetload_events_total by kind other than requests: heartbeats, deployments, backoffs, incomplete rollouts.',
        queries: [{ expr: runRate('fleetload_events_total{kind!~"request|request_failed"}', ['kind']), legend: '{{kind}}' }],
        unit: 'ops',
      }),
      stat({
        title: 'Error ratio',
        description: 'Failed requests over all requests in the last rate interval.',
        queries: [{ expr: `(${FAILED}) / ${REQUESTS}` }],
        unit: 'percentunit',
        thresholds: [0.01],
        width: 12,
        height: 8,
      }),
    ],
  };
}

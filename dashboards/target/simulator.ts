// Target: the built-in simulator's own metrics (simulator/metrics/registry.ts), server-side.
// Filtered by scrape job only: the simulator knows nothing of runs.
import { timeseries } from '../lib/panels';
import { orZero } from '../lib/promql';
import type { Row } from '../lib/dashboard';
import { API_SLIS, BASE_SLOS } from '../lib/spec';

const J = 'job=~"$sim_job"';
const rate = (series: string, by: string): string => `sum by (${by}) (rate(${series}[$__rate_interval]))`;

export function simulatorRow(): Row {
  return {
    title: 'Simulator (fleetsim_*)',
    panels: [
      timeseries({
        title: 'Server P99 by verb and scope',
        description: 'fleetsim_request_duration_seconds, receipt to last byte, long polls excluded. Dashed: the API objectives (client-side SLOs; the server side should sit well under them).',
        queries: [{ expr: `histogram_quantile(0.99, ${rate(`fleetsim_request_duration_seconds_bucket{${J}, verb!="WATCH"}`, 'le, verb, scope')})`, legend: 'P99 {{verb}} {{scope}}' }],
        unit: 's',
        thresholds: [...new Set(API_SLIS.map((s) => BASE_SLOS[s.name].thresholdMs / 1000))],
      }),
      timeseries({
        title: 'Server requests by code',
        description: 'Requests per second the simulator answered, by status code.',
        queries: [{ expr: rate(`fleetsim_request_duration_seconds_count{${J}}`, 'code'), legend: '{{code}}' }],
        unit: 'reqps',
      }),
      timeseries({
        title: 'Objects',
        description: 'fleetsim_objects by kind and state: clusters Pending/Ready/Unknown, deployments, bundles, namespaces.',
        queries: [{ expr: `max by (kind, state) (fleetsim_objects{${J}})`, legend: '{{kind}} {{state}}' }],
        unit: 'short',
        width: 8,
      }),
      timeseries({
        title: 'Registration queue and wait',
        description: 'Registrations queued and in progress, and the P99 wait from queued to credentials issued.',
        queries: [
          { expr: `max by (state) (fleetsim_registration_queue_depth{${J}})`, legend: 'queue {{state}}' },
          { expr: `histogram_quantile(0.99, ${rate(`fleetsim_registration_wait_seconds_bucket{${J}}`, 'le')})`, legend: 'wait P99 (s)' },
        ],
        width: 8,
      }),
      timeseries({
        title: 'In flight and parked',
        description: 'Requests being handled (what --max-inflight limits) and long polls held open.',
        queries: [
          { expr: `sum(fleetsim_inflight_requests{${J}})`, legend: 'in flight' },
          { expr: `sum(fleetsim_parked_requests{${J}})`, legend: 'parked long polls' },
        ],
        unit: 'short',
        width: 8,
      }),
      timeseries({
        title: 'Leases and registrations',
        description: 'Lease renewals (heartbeats), lease expiries (clusters marked Unknown) and accepted registrations, per second.',
        queries: [
          { expr: `sum(rate(fleetsim_lease_renewals_total{${J}}[$__rate_interval]))`, legend: 'renewals' },
          { expr: `sum(rate(fleetsim_lease_expiries_total{${J}}[$__rate_interval]))`, legend: 'expiries' },
          { expr: rate(`fleetsim_registrations_total{${J}}`, 'result'), legend: 'registrations {{result}}' },
        ],
        unit: 'ops',
        width: 8,
      }),
      timeseries({
        title: 'Rejected requests',
        description: 'Refused before handling: overloaded (429, --max-inflight) or injected faults (503, --error-rate). Zero while requests are answered and none was refused (the counter has no series before its first refusal).',
        queries: [{ expr: orZero(rate(`fleetsim_rejected_requests_total{${J}}`, 'reason'), `sum(rate(fleetsim_request_duration_seconds_count{${J}}[$__rate_interval]))`), legend: '{{reason}}' }],
        unit: 'reqps',
        width: 8,
      }),
      timeseries({
        title: 'Simulator process',
        description: 'CPU cores and resident memory of the simulator process (prom-client defaults, prefixed fleetsim_).',
        queries: [
          { expr: `sum(rate(fleetsim_process_cpu_seconds_total{${J}}[$__rate_interval]))`, legend: 'CPU cores' },
          { expr: `sum(fleetsim_process_resident_memory_bytes{${J}}) / 2^30`, legend: 'resident GiB' },
        ],
        width: 8,
      }),
    ],
  };
}

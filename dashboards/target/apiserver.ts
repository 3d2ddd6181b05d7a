// Target: a Kubernetes API server's own metrics (the kubelet profile, --kubeconfig), by their
// upstream names; filtered by scrape job, independent of the simulator's row.
import { timeseries } from '../lib/panels';
import type { Row } from '../lib/dashboard';
import { API_SLIS, BASE_SLOS } from '../lib/spec';

const J = 'job=~"$apiserver_job"';

export function apiserverRow(): Row {
  return {
    title: 'Kubernetes API server',
    panels: [
      timeseries({
        title: 'apiserver P99 by verb and scope',
        description: 'apiserver_request_duration_seconds without WATCH and CONNECT, as SIG-scalability measures the API call latency SLO. Dashed: the objectives.',
        queries: [{ expr: `histogram_quantile(0.99, sum by (le, verb, scope) (rate(apiserver_request_duration_seconds_bucket{${J}, verb!~"WATCH|CONNECT"}[$__rate_interval])))`, legend: 'P99 {{verb}} {{scope}}' }],
        unit: 's',
        thresholds: [...new Set(API_SLIS.map((s) => BASE_SLOS[s.name].thresholdMs / 1000))],
      }),
      timeseries({
        title: 'apiserver requests by code',
        description: 'apiserver_request_total per second by code.',
        queries: [{ expr: `sum by (code) (rate(apiserver_request_total{${J}}[$__rate_interval]))`, legend: '{{code}}' }],
        unit: 'reqps',
      }),
      timeseries({
        title: 'etcd request P99 by operation',
        description: 'etcd_request_duration_seconds as the API server sees its storage.',
        queries: [{ expr: `histogram_quantile(0.99, sum by (le, operation) (rate(etcd_request_duration_seconds_bucket{${J}}[$__rate_interval])))`, legend: '{{operation}}' }],
        unit: 's',
      }),
      timeseries({
        title: 'apiserver process',
        description: 'CPU cores and resident memory of the API server process.',
        queries: [
          { expr: `sum(rate(process_cpu_seconds_total{${J}}[$__rate_interval]))`, legend: 'CPU cores' },
          { expr: `sum(process_resident_memory_bytes{${J}}) / 2^30`, legend: 'resident GiB' },
        ],
      }),
    ],
  };
}

// Run overview: real k6's own metrics, when the run pushed them by remote write
// (--k6-prometheus-rw). k6 tags every series with testid=<run id>; the names are k6's.
import { timeseries } from '../lib/panels';
import type { Row } from '../lib/dashboard';

export function k6Row(): Row {
  return {
    title: 'k6 (remote write)',
    panels: [
      timeseries({
        title: 'k6 requests per second',
        description: 'k6_http_reqs_total as k6 pushed it; empty with the embedded engine or without --k6-prometheus-rw.',
        queries: [{ expr: 'sum by (testid) (rate(k6_http_reqs_total{testid=~"$testid"}[$__rate_interval]))', legend: '{{testid}}' }],
        unit: 'reqps',
        width: 8,
      }),
      timeseries({
        title: 'k6 http_req_duration P99',
        description: "k6's own trend statistic (k6_http_req_duration_p99, seconds), over its push interval.",
        queries: [{ expr: 'max by (testid) (k6_http_req_duration_p99{testid=~"$testid"})', legend: '{{testid}}' }],
        unit: 's',
        width: 8,
      }),
      timeseries({
        title: 'k6 VUs',
        description: 'k6_vus: virtual users running.',
        queries: [{ expr: 'max by (testid) (k6_vus{testid=~"$testid"})', legend: '{{testid}}' }],
        unit: 'short',
        width: 8,
      }),
    ],
  };
}

import { Histogram, type Registry } from 'prom-client';

export type ApiLabel = 'verb' | 'resource' | 'scope' | 'code_class';

/** Client-side API call latency, as the agents and the operator saw it (k6 http_req_duration). */
export function apiRequestDuration(registry: Registry, buckets: number[]): Histogram<ApiLabel> {
  return new Histogram<ApiLabel>({
    name: 'fleetload_api_request_duration_seconds',
    help: 'API call latency seen by the virtual agents and operator, by verb, resource, scope and status class. Long polls (WATCH) are excluded from the SLIs but counted here.',
    labelNames: ['verb', 'resource', 'scope', 'code_class'],
    buckets,
    registers: [registry],
  });
}

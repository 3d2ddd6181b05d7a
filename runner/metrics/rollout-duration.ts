import { Histogram, type Registry } from 'prom-client';

export function rolloutDuration(registry: Registry, buckets: number[]): Histogram {
  return new Histogram({
    name: 'fleetload_rollout_duration_seconds',
    help: 'Rollout completion: bundle created until every targeted cluster reported Ready or Failed.',
    buckets,
    registers: [registry],
  });
}

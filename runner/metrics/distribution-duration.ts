import { Histogram, type Registry } from 'prom-client';

export function distributionDuration(registry: Registry, buckets: number[]): Histogram {
  return new Histogram({
    name: 'fleetload_distribution_duration_seconds',
    help: 'Resource distribution latency: bundle created on the control plane to the agent reporting it Ready.',
    buckets,
    registers: [registry],
  });
}

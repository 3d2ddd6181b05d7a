import { Histogram, type Registry } from 'prom-client';

export type RegistrationLabel = 'kind';

export function registrationDuration(registry: Registry, buckets: number[]): Histogram<RegistrationLabel> {
  return new Histogram<RegistrationLabel>({
    name: 'fleetload_registration_duration_seconds',
    help: 'Cluster registration latency: first register call to the cluster being Ready (kind: initial or reregister).',
    labelNames: ['kind'],
    buckets,
    registers: [registry],
  });
}

import { Gauge, type Registry } from 'prom-client';

export type RunInfoLabel = 'run_id' | 'release' | 'profile' | 'engine' | 'clusters' | 'protocol';

export function runInfo(registry: Registry): Gauge<RunInfoLabel> {
  return new Gauge<RunInfoLabel>({
    name: 'fleetload_run_info',
    help: 'Always 1; its labels say which run this is (join on it to compare releases).',
    labelNames: ['run_id', 'release', 'profile', 'engine', 'clusters', 'protocol'],
    registers: [registry],
  });
}

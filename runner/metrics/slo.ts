import { Gauge, type Registry } from 'prom-client';

export type SloLabel = 'sli' | 'percentile';

export function sloObjective(registry: Registry): Gauge<SloLabel> {
  return new Gauge<SloLabel>({
    name: 'fleetload_slo_objective_seconds',
    help: 'The objective of each SLI: its percentile must stay at or under this.',
    labelNames: ['sli', 'percentile'],
    registers: [registry],
  });
}

export function sloOk(registry: Registry, collect: (this: Gauge<'sli'>) => void): Gauge<'sli'> {
  return new Gauge<'sli'>({
    collect,
    name: 'fleetload_slo_ok',
    help: '1 while the SLI meets its objective so far (exact percentile of the samples after warm-up), 0 when breached; absent before the first sample.',
    labelNames: ['sli'],
    registers: [registry],
  });
}

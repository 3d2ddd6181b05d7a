import { Gauge, type Registry } from 'prom-client';

export type GeneratorLabel = 'signal';

/**
 * The load generator's own health over its last 10 s window (signal: engine_cpu_cores,
 * event_loop_delay_p99_seconds, host_cpu_busy_ratio, dropped_iterations), so a dashboard shows
 * at once when a breach is the harness's.
 */
export function generatorHealth(registry: Registry, collect: (this: Gauge<GeneratorLabel>) => void): Gauge<GeneratorLabel> {
  return new Gauge<GeneratorLabel>({
    collect,
    name: 'fleetload_generator_health',
    help: 'The load generator over its last 10 s window, by signal: engine_cpu_cores, event_loop_delay_p99_seconds, host_cpu_busy_ratio, dropped_iterations.',
    labelNames: ['signal'],
    registers: [registry],
  });
}

import { Histogram, type Registry } from 'prom-client';
import type { SliDef } from '../../scenarios/lib/sli';

/** The Prometheus family of an SLI with a metric of its own: fleetload_<name>_duration_seconds. */
export function sliFamilyName(def: SliDef): string {
  return `fleetload_${def.name.replace(/[^a-zA-Z0-9]/g, '_')}_duration_seconds`;
}

export function sliDuration(registry: Registry, def: SliDef, buckets: number[]): Histogram<string> {
  return new Histogram<string>({
    name: sliFamilyName(def),
    help: `${def.description} (SLI ${def.name}).`,
    labelNames: [...(def.labels ?? [])],
    buckets,
    registers: [registry],
  });
}

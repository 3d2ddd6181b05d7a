// What the ingest tells a live view of the run (the Prometheus exporter, progress output).
import type { SampleTags } from '../../engine/samples';
import type { SliDef } from '../../scenarios/lib/sli';
import type { EventKind } from '../metrics/events-total';

export interface ApiLabels {
  verb: string;
  resource: string;
  scope: string;
  code_class: string;
}

export interface MeasurementObserver {
  /** One answered or failed API call, by the labels SIG-scalability slices API latency by. */
  api(labels: ApiLabels, seconds: number): void;
  /** One sample of an SLI that has a metric of its own (registration, distribution, …). */
  sli(def: SliDef, seconds: number, tags: SampleTags | null): void;
  rollout(seconds: number): void;
  event(kind: EventKind, n: number): void;
}

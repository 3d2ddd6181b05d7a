// What the ingest tells a live view of the run (the Prometheus exporter, progress output).
import type { EventKind } from '../metrics/events-total';

export interface ApiLabels {
  verb: string;
  resource: string;
  scope: string;
  code_class: string;
}

export interface MeasurementObserver {
  api(labels: ApiLabels, seconds: number): void;
  registration(kind: string, seconds: number): void;
  distribution(seconds: number): void;
  rollout(seconds: number): void;
  event(kind: EventKind, n: number): void;
}

// One 10 s window of a run's timeline: written by the ingest, read by the summary, the report
// page and compare. A leaf module so that the ingest and the summary do not import each other.
import type { HealthWindow } from '../health/sampler';

/** Percentiles of one SLI in one window, in milliseconds (from that window's own HDR histogram). */
export interface WindowSli {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** One 10 s window of the run: what happened in it, not since the start. */
export interface TimelineWindow {
  /** Seconds since the load started. */
  startS: number;
  endS: number;
  /** Per SLI with samples in the window. */
  slis: Record<string, WindowSli>;
  requests: number;
  requestsFailed: number;
  /** Requests and failed requests by URL template (bounded: the most frequent 200 templates). */
  endpoints: Record<string, { requests: number; failed: number }>;
  /** Agents by state at the window's end (cumulative counts, as the exporter's gauge). */
  agents: { registered: number; reregistered: number; failed: number };
  /** The load generator's health in the window; null when it was not measured. */
  generator: HealthWindow | null;
}

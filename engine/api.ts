// What the runner asks of the embedded engine. The engine's CLI (`engine/cli.ts`, a `k6 run`
// look-alike) and the runner both go through `runEmbedded` (engine/index.ts).
import type { SampleSink } from './samples';

export interface EmbeddedRunOptions {
  /** Path of a compiled k6 bundle (CommonJS, es2017), e.g. dist/k6/agents.js. */
  bundlePath: string;
  /** What the script sees as `__ENV`. */
  env: Record<string, string>;
  /** k6 options that override the script's exported `options` (as k6's CLI flags and --config do). */
  optionOverrides?: Record<string, unknown>;
  /** Worker threads splitting the run by execution segments; default: available cores. */
  workers?: number;
  /** Receives every sample as k6 `--out json` objects, in batches. */
  onSamples: SampleSink;
  /**
   * The metrics `onSamples` reads (by name); the others still count for thresholds and the
   * summary but are never built as objects, which is most of what a sample costs. Default: all.
   */
  wanted?: (metric: string) => boolean;
  /** Script console output and engine warnings, one line each. */
  onLog?: (level: 'debug' | 'info' | 'warn' | 'error', line: string) => void;
  /**
   * HTTP connections: 'per-vu' (default) gives every VU its own keep-alive pool as k6 does, so the
   * system under test sees as many connections as with real k6; 'shared' pools them per thread.
   */
  connections?: 'per-vu' | 'shared';
  /** Aborting stops the run as k6 does on SIGINT: graceful stop, teardown, summary. */
  signal?: AbortSignal;
}

export interface EmbeddedRunResult {
  /**
   * One of k6's exit codes (engine/exit-codes.ts): 0, 99 thresholds, 100/101 setup/teardown
   * timeout, 104 invalid config, 105 stopped by the signal (k6 on SIGINT/SIGTERM), 107 script
   * exception, 108 test.abort(), 255 bundle not found (as k6).
   */
  exitCode: number;
  /** The data handed to handleSummary (k6's shape: metrics, root_group, options, state). */
  summary: unknown;
  /**
   * Files returned by handleSummary, to be written by the caller (runEmbedded writes nothing);
   * without handleSummary, `{ stdout: <k6-style text summary> }`.
   */
  summaryFiles?: Record<string, string>;
  /** Every threshold's verdict: metric key (with tag filter), expression, pass, observed value. */
  thresholds?: Array<{ metric: string; expression: string; ok: boolean; actual: number }>;
}

export type RunEmbedded = (options: EmbeddedRunOptions) => Promise<EmbeddedRunResult>;

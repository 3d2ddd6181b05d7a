// What the runner needs of a load engine. Both run the same bundle and emit the same JSON-lines
// sample stream (engine/samples.ts).
import type { SampleSink } from '../../engine/samples';
import type { K6ModuleSet } from '../build/scenarios';

export interface EngineRun {
  bundlePath: string;
  env: Record<string, string>;
  onSamples: SampleSink;
  /** Sample lines that could not be parsed, so that none vanishes silently. */
  onMalformed?: (n: number) => void;
  /** Metrics the runner reads; an engine may drop the others before they cost anything. */
  wanted?: (metric: string) => boolean;
  /** One line of the engine's own output (k6's stdout/stderr, the script's console). */
  onLog: (line: string) => void;
  /** The engine's process started (real k6's pid), so its CPU can be watched. */
  onStart?: (pid: number) => void;
  /** Aborting asks the engine to stop gracefully (k6: SIGINT). */
  signal: AbortSignal;
}

export interface EngineOutcome {
  /** The engine's own exit code (k6's codes: 0, 99 thresholds failed, 104, 105, 107, 108 …). */
  exitCode: number;
}

export interface LoadEngine {
  readonly name: 'k6' | 'embedded';
  /** Human-readable version, e.g. "k6 v1.8.1 (cache)" or "embedded (node v20.20.2)". */
  readonly version: string;
  /** Cores the engine can use: the embedded engine's threads, real k6 the host's. */
  readonly capacityCores: number;
  /** The version-dependent k6 modules (timers, websockets) the bundle must import for this engine. */
  readonly k6Modules: Readonly<K6ModuleSet>;
  run(run: EngineRun): Promise<EngineOutcome>;
}

export { K6_EXIT, K6_EXIT_MEANING, k6RunCompleted } from '../../engine/exit-codes';

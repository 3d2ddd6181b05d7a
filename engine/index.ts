// The embedded k6-compatible engine: runs the very CommonJS bundle real k6 runs, in Node.
import type { EmbeddedRunOptions, EmbeddedRunResult, RunEmbedded } from './api';
import { runEmbeddedImpl } from './run';

export type { EmbeddedRunOptions, EmbeddedRunResult, RunEmbedded } from './api';
export type { SampleLine, SampleSink, MetricLine, PointLine } from './samples';
export { K6_EXIT, K6_EXIT_MEANING, k6RunCompleted, type K6ExitCode } from './exit-codes';

export const runEmbedded: RunEmbedded = (options: EmbeddedRunOptions): Promise<EmbeddedRunResult> => runEmbeddedImpl(options);

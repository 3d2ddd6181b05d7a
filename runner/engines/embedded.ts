// The embedded engine, in process: the same bundle real k6 runs, on Node.
import { availableParallelism } from 'node:os';
import { runEmbedded } from '../../engine/index';
import type { EngineOutcome, EngineRun, LoadEngine } from './engine';

export function embeddedEngine(workers = Math.max(1, availableParallelism())): LoadEngine {
  return {
    name: 'embedded',
    version: `embedded (node ${process.version}, ${workers} worker${workers === 1 ? '' : 's'})`,
    timersModule: 'k6/timers',
    async run(run: EngineRun): Promise<EngineOutcome> {
      const result = await runEmbedded({
        bundlePath: run.bundlePath,
        env: run.env,
        workers,
        onSamples: run.onSamples,
        onLog: (_level, line) => run.onLog(line),
        signal: run.signal,
      });
      return { exitCode: result.exitCode };
    },
  };
}

// The embedded engine, in process: the same bundle real k6 runs, on Node.
import { availableParallelism } from 'node:os';
import { runEmbedded } from '../../engine/index';
import { CURRENT_K6_MODULES } from '../build/scenarios';
import type { EngineOutcome, EngineRun, LoadEngine } from './engine';

/**
 * One engine thread per core beyond the first, which the target (on the same machine, the
 * simulator) and the runner need. Up to two cores, one thread: then samples never cross threads
 * (a worker serialises each batch to JSON), which halves the engine's CPU per request there.
 */
export function defaultWorkers(cores = availableParallelism()): number {
  return cores <= 2 ? 1 : cores - 1;
}

export function embeddedEngine(workers = defaultWorkers()): LoadEngine {
  return {
    name: 'embedded',
    version: `embedded (node ${process.version}, ${workers} worker${workers === 1 ? '' : 's'})`,
    // The embedded engine has every path; it takes the current ones, as current k6 does.
    k6Modules: CURRENT_K6_MODULES,
    capacityCores: workers,
    async run(run: EngineRun): Promise<EngineOutcome> {
      const result = await runEmbedded({
        bundlePath: run.bundlePath,
        env: run.env,
        workers,
        onSamples: run.onSamples,
        wanted: run.wanted,
        onLog: (_level, line) => run.onLog(line),
        signal: run.signal,
      });
      return { exitCode: result.exitCode };
    },
  };
}

// A running instance as the coordinator sees it: in this thread, or in a worker thread that
// speaks the small message protocol of engine/worker.ts.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LogFn, LogLevel } from './context';
import { K6ExitError } from './errors';
import { K6_EXIT } from './exit-codes';
import { Instance, type InstanceOutcome, type InstanceSpec } from './instance';
import type { ColumnSink, MetricInfo } from './metrics';
import type { SampleTags } from './samples';

export interface InstanceHandle {
  init(): Promise<void>;
  run(startAt: number): Promise<InstanceOutcome>;
  stop(): void;
  status(): { vusActive: number; vusMax: number };
  close(): Promise<void>;
}

export type WorkerToMain =
  | { t: 'ready' }
  /**
   * A batch of points as columns. The numbers go as typed arrays (moved, not copied); metrics
   * and tag sets as arrays of references, which structured cloning copies once per distinct
   * object, and tag sets are shared by many points.
   */
  | { t: 'samples'; length: number; metrics: MetricInfo[]; values: Float64Array; times: Float64Array; tags: SampleTags[] }
  | { t: 'log'; level: LogLevel; line: string }
  | { t: 'status'; vusActive: number; vusMax: number }
  | { t: 'done'; outcome: InstanceOutcome }
  | { t: 'abort'; reason: string }
  | { t: 'error'; message: string; exitCode: number };

export type MainToWorker = { t: 'start'; startAt: number } | { t: 'stop' };

export class LocalInstance implements InstanceHandle {
  private readonly inst: Instance;
  constructor(spec: InstanceSpec, sink: ColumnSink, log: LogFn, onAbort: (reason: string) => void) {
    this.inst = new Instance(spec, sink, log, onAbort);
  }
  async init(): Promise<void> {
    this.inst.init();
  }
  run(startAt: number): Promise<InstanceOutcome> {
    return this.inst.run(startAt);
  }
  stop(): void {
    this.inst.stop();
  }
  status(): { vusActive: number; vusMax: number } {
    return this.inst.status();
  }
  close(): Promise<void> {
    return this.inst.close();
  }
}

/**
 * Finds the bundled worker. Code bundled into dist/node/engine/cli.js has it next to itself;
 * the runner's bundle (dist/node/runner/main.js) and TS sources under vitest find it from the
 * package root.
 */
export function locateWorkerScript(from: string = import.meta.url): string | undefined {
  const override = process.env.FLEETLOAD_ENGINE_WORKER;
  if (override !== undefined && override !== '' && existsSync(override)) return override;
  let dir = dirname(fileURLToPath(from));
  const sibling = join(dir, 'worker.js');
  // Only a sibling in dist/node/engine is ours; another bundle's worker.js could sit elsewhere.
  if (basename(dir) === 'engine' && existsSync(sibling) && existsSync(join(dir, 'cli.js'))) return sibling;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json'))) {
      const built = join(dir, 'dist', 'node', 'engine', 'worker.js');
      return existsSync(built) ? built : undefined;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

export class WorkerInstance implements InstanceHandle {
  private readonly worker: Worker;
  private last = { vusActive: 0, vusMax: 0 };
  private readyWait: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private doneWait: { resolve: (o: InstanceOutcome) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private finished: InstanceOutcome | undefined;

  constructor(script: string, spec: InstanceSpec, sink: ColumnSink, log: LogFn, onAbort: (reason: string) => void) {
    this.worker = new Worker(script, { workerData: spec });
    this.worker.on('message', (msg: WorkerToMain) => {
      switch (msg.t) {
        case 'samples':
          sink(msg);
          break;
        case 'log':
          log(msg.level, msg.line);
          break;
        case 'status':
          this.last = { vusActive: msg.vusActive, vusMax: msg.vusMax };
          break;
        case 'ready':
          this.readyWait?.resolve();
          break;
        case 'abort':
          onAbort(msg.reason);
          break;
        case 'done':
          this.finished = msg.outcome;
          this.doneWait?.resolve(msg.outcome);
          break;
        case 'error':
          this.fail(new K6ExitError(msg.message, msg.exitCode));
          break;
      }
    });
    this.worker.on('error', (err) => this.fail(new K6ExitError(`engine worker failed: ${err.message}`, K6_EXIT.scriptException)));
    this.worker.on('exit', (code) => {
      if (this.finished === undefined) this.fail(new K6ExitError(`engine worker exited with code ${code} before the run ended`, K6_EXIT.scriptException));
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.readyWait?.reject(err);
    this.doneWait?.reject(err);
  }

  init(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.failure !== undefined) return reject(this.failure);
      this.readyWait = { resolve, reject };
    });
  }

  run(startAt: number): Promise<InstanceOutcome> {
    return new Promise<InstanceOutcome>((resolve, reject) => {
      if (this.failure !== undefined) return reject(this.failure);
      this.doneWait = { resolve, reject };
      this.worker.postMessage({ t: 'start', startAt } satisfies MainToWorker);
    });
  }

  stop(): void {
    this.worker.postMessage({ t: 'stop' } satisfies MainToWorker);
  }

  status(): { vusActive: number; vusMax: number } {
    return this.last;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

// What every executor gets from the instance, and the shared mechanics of graceful stops.
import type { InstanceContext, ScenarioRuntime } from '../context';
import type { IterationFn, VU } from '../vu';
import { ScriptError } from '../errors';

export interface ExecutorEnv {
  ctx: InstanceContext;
  scenario: ScenarioRuntime;
  /** setup()'s data as this VU sees it (k6 gives every VU its own deserialized copy). */
  dataFor(vu: VU): unknown;
  /** A free initialized VU, or undefined if none is free. */
  takeVU(): VU | undefined;
  /** Initializes one more VU (arrival-rate executors beyond preAllocatedVUs). */
  newVU(): VU;
  giveBack(vu: VU): void;
  /** Resolves when the whole run is stopped (signal, test.abort); executors must then end fast. */
  stopped: Promise<void>;
  isStopped(): boolean;
}

export type Executor = (env: ExecutorEnv) => Promise<void>;

/** A cancellable wait; the timer is ref'd on purpose: a pending executor must keep Node alive. */
export function wait(ms: number, stopped: Promise<void>): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([new Promise<void>((r) => (timer = setTimeout(r, ms))), stopped]).finally(() => clearTimeout(timer));
}

/**
 * Runs VU loops of one scenario and ends them the k6 way: `softStop` lets running iterations
 * finish, `hardStop` interrupts them.
 */
export class LoopSet {
  private readonly active = new Set<VU>();
  private readonly loops: Promise<void>[] = [];
  private stopping = false;

  constructor(private readonly env: ExecutorEnv) {}

  get isStopping(): boolean {
    return this.stopping || this.env.isStopped();
  }

  /** Starts a loop on `vu` that runs iterations while `next()` allows. */
  start(vu: VU, next: () => boolean, shouldStop: () => boolean = () => false, release = true): Promise<void> {
    const { ctx, scenario } = this.env;
    const data = this.env.dataFor(vu);
    const fn = vu.exports[scenario.config.exec];
    if (typeof fn !== 'function') throw new ScriptError(`function '${scenario.config.exec}' not found in exports`);
    const loop = (async () => {
      this.active.add(vu);
      vu.activate(scenario);
      ctx.counters.vusActive++;
      try {
        let lastYield = performance.now();
        while (!this.isStopping && !shouldStop() && next()) {
          const outcome = await vu.runIteration(fn as IterationFn, data);
          if (outcome.aborted) break;
          // An iteration without real I/O settles in microtasks only; yield now and then so
          // timers (durations, stops, other VUs' I/O) still run.
          const now = performance.now();
          if (now - lastYield > 10) {
            await new Promise<void>((r) => setImmediate(r));
            lastYield = performance.now();
          }
        }
      } finally {
        this.active.delete(vu);
        ctx.counters.vusActive--;
        if (release) this.env.giveBack(vu);
      }
    })();
    this.loops.push(loop);
    return loop;
  }

  /** Runs exactly one iteration on `vu` (arrival-rate executors). */
  once(vu: VU): Promise<void> {
    return this.start(vu, onceGate(), undefined, false);
  }

  done(): Promise<void> {
    return Promise.all(this.loops).then(() => undefined);
  }

  softStop(): void {
    this.stopping = true;
  }

  hardStop(): void {
    this.stopping = true;
    for (const vu of [...this.active]) vu.interrupt();
  }

  /** Ends the scenario at its deadline: no new iterations, `gracefulMs` for running ones. */
  async finish(gracefulMs: number): Promise<void> {
    this.softStop();
    const all = this.done();
    if (!(await settledWithin(all, gracefulMs, this.env.stopped))) this.hardStop();
    await all;
  }

  get activeCount(): number {
    return this.active.size;
  }
}

function onceGate(): () => boolean {
  let used = false;
  return () => {
    if (used) return false;
    used = true;
    return true;
  };
}

/**
 * Resolves when `p` settles, `ms` pass or the run stops; tells whether `p` settled. The timer is
 * cleared either way: a leftover maxDuration timer would keep the embedding process alive.
 */
export async function settledWithin(p: Promise<void>, ms: number, stopped: Promise<void>): Promise<boolean> {
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  const tracked = p.then(() => {
    done = true;
  });
  try {
    await Promise.race([tracked, new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, ms)))), stopped]);
  } finally {
    clearTimeout(timer);
  }
  return done;
}

// One virtual user: its instance of the bundle, its k6 module instances, and the life of an
// iteration (which, as in k6, lasts until the function's promise settles AND the VU's event loop
// has no pending timers or requests). The modules see it only as a ModuleVU (modules/vu-api.ts).
import type { BundleScope, CompiledBundle } from './bundle';
import { makeConsole } from './console';
import type { InstanceContext, ScenarioRuntime } from './context';
import { describeScriptError, TestAbortError } from './errors';
import type { MetricInfo } from './metrics';
import type { Abortable, ConnectionOwner } from './modules/http-client';
import { createModule } from './modules/registry';
import type { ModuleVU } from './modules/vu-api';
import type { SampleTags } from './samples';
import { tagSets } from './tags';
import { nowMs } from './time';

export type IterationFn = (data: unknown) => unknown;

/** exec.vu.tags: the writable set behind the script's proxy, and whether it changed. */
interface OwnTags {
  store: SampleTags;
  proxy: SampleTags;
  dirty: boolean;
}

/** How an iteration ended; `full` iterations count in `iterations` and `iteration_duration`. */
export interface IterationOutcome {
  full: boolean;
  aborted: boolean;
}

export class VU implements BundleScope, ModuleVU {
  iter = 0;
  env: Record<string, string>;
  exports: Record<string, unknown> = {};
  /** True while the init context runs: metrics may only be declared then. */
  inInit = true;
  scenario: ScenarioRuntime | null = null;
  /**
   * Tags of the running iteration: options tags, scenario tags, scenario, group. Never changed
   * in place (samples and the tag cache share it): a change makes a new object.
   */
  tags: SampleTags;
  groupPath = '';
  iterationsInInstance = 0;
  iterationInScenario = 0;
  iterationInTest = 0;
  iterationInScenarioInstance = 0;
  sent = 0;
  received = 0;
  /** Open timers and requests; the iteration ends when this drops to zero. */
  private pending = 0;
  private onIdle: (() => void) | null = null;
  private timers: Map<number, NodeJS.Timeout> | null = null;
  private nextTimerId = 1;
  /** In-flight requests, aborted when the iteration ends or is interrupted. */
  private inflight: Set<Abortable> | null = null;
  /** Bumped whenever an iteration ends, so stale callbacks of an interrupted one do nothing. */
  private generation = 0;
  private finish: ((outcome: IterationOutcome) => void) | null = null;
  private modules: Map<string, unknown> | null = null;
  /** exec.vu.tags once the script asked for it (and so may change it). */
  private own: OwnTags | null = null;
  /** This VU's connection pool (created at its first request) when connections are per VU. */
  readonly connections: ConnectionOwner = { dispatcher: null, lastConnect: null };

  constructor(
    readonly ctx: InstanceContext,
    readonly idInInstance: number,
    readonly idInTest: number,
  ) {
    this.env = ctx.baseEnv;
    this.tags = ctx.optionTags;
  }

  /** Runs the bundle's init code for this VU. Throws script errors as they are. */
  init(bundle: CompiledBundle): void {
    const module = { exports: {} as Record<string, unknown> };
    const require = (name: string): unknown => this.require(name);
    bundle.fn.call(undefined, require, module, module.exports, this.idInTest, makeConsole(this.ctx.log), this, bundle.open);
    this.exports = module.exports;
    this.inInit = false;
  }

  require(name: string): unknown {
    const cache = (this.modules ??= new Map());
    let mod = cache.get(name);
    if (mod === undefined) {
      mod = createModule(name, this);
      cache.set(name, mod);
    }
    return mod;
  }

  /** Points with the VU's current tags (plus `extra`). */
  emit(metric: MetricInfo, value: number, extra?: Record<string, unknown>): void {
    let tags = this.currentTags();
    if (extra !== undefined && extra !== null) tags = tagSets.withExtra(tags, extra);
    this.ctx.emitter.push(metric, value, tags, nowMs());
  }

  currentTags(): SampleTags {
    if (this.own !== null && this.own.dirty) {
      // exec.vu.tags changed since the last sample: later samples get a new set, earlier ones
      // (still buffered) keep theirs.
      this.own.dirty = false;
      this.tags = { ...this.own.store };
    }
    const tags = this.tags;
    if (tags.group === this.groupPath) return tags;
    return tagSets.withTag(tags, 'group', this.groupPath);
  }

  /**
   * exec.vu.tags: this VU's own, writable tag set. The script writes through a proxy that marks
   * the set changed, so the immutable `tags` that samples share is rebuilt only after a write.
   */
  ownTags(): SampleTags {
    if (this.own === null) {
      const own: OwnTags = { store: { ...this.tags }, proxy: {}, dirty: false };
      own.proxy = new Proxy(own.store, {
        set(target, key, value): boolean {
          own.dirty = true;
          return Reflect.set(target, key, value);
        },
        deleteProperty(target, key): boolean {
          own.dirty = true;
          return Reflect.deleteProperty(target, key);
        },
      });
      this.own = own;
    }
    return this.own.proxy;
  }

  countTraffic(sent: number, received: number): void {
    this.sent += sent;
    this.received += received;
  }

  enterGroup(name: string): string {
    const parent = this.groupPath;
    this.groupPath = `${parent}::${name}`;
    return parent;
  }

  leaveGroup(parentPath: string): void {
    this.groupPath = parentPath;
  }

  activate(scenario: ScenarioRuntime): void {
    this.scenario = scenario;
    this.env = scenario.env;
    if (this.own !== null) {
      // Tags a script set on the VU stay with it into the next scenario, as in k6.
      const own = this.own.store;
      const tags: SampleTags = { ...scenario.tags };
      for (const k of Object.keys(own)) if (!(k in tags) && k !== 'scenario' && k !== 'group') tags[k] = own[k] as string;
      this.tags = tags;
      // The next exec.vu.tags makes a new writable copy of these.
      this.own = null;
    } else this.tags = scenario.tags;
    this.iterationInScenario = 0;
  }

  // --- the VU's event loop: timers and requests keep an iteration alive --------------------

  hold(): number {
    this.pending++;
    return this.generation;
  }

  release(gen: number): void {
    if (gen !== this.generation) return;
    this.pending--;
    if (this.pending === 0 && this.onIdle !== null) {
      const cb = this.onIdle;
      this.onIdle = null;
      cb();
    }
  }

  isCurrent(gen: number): boolean {
    return gen === this.generation;
  }

  trackRequest(request: Abortable): void {
    (this.inflight ??= new Set()).add(request);
  }

  untrackRequest(request: Abortable): void {
    this.inflight?.delete(request);
  }

  addTimer(fn: () => void, ms: number, repeat: boolean): number {
    const id = this.nextTimerId++;
    const gen = this.hold();
    const timers = (this.timers ??= new Map());
    const run = (): void => {
      if (gen !== this.generation) return;
      if (!repeat) {
        timers.delete(id);
      }
      try {
        fn();
      } catch (err) {
        this.fail(err);
        return;
      }
      if (!repeat) this.release(gen);
    };
    timers.set(id, repeat ? setInterval(run, ms) : setTimeout(run, ms));
    return id;
  }

  clearTimer(id: unknown): void {
    if (typeof id !== 'number' || this.timers === null) return;
    const t = this.timers.get(id);
    if (t === undefined) return;
    clearTimeout(t);
    this.timers.delete(id);
    this.release(this.generation);
  }

  /** An uncaught exception in a timer callback or the iteration: k6 logs it and ends the iteration. */
  fail(err: unknown): void {
    if (err instanceof TestAbortError) {
      // k6 counts the iteration that called test.abort() as a full one.
      this.end({ full: true, aborted: true });
      this.ctx.abortTest(err.reason);
      return;
    }
    const scen = this.scenario?.config;
    const where = scen === undefined ? '' : ` executor=${scen.executor} scenario=${scen.name}`;
    this.ctx.log('error', `Uncaught (in promise) ${describeScriptError(err)}${where}`);
    this.end({ full: true, aborted: false });
  }

  private end(outcome: IterationOutcome): void {
    const finish = this.finish;
    if (finish === null) return;
    this.finish = null;
    this.generation++;
    this.pending = 0;
    this.onIdle = null;
    if (this.timers !== null && this.timers.size > 0) {
      for (const [id, t] of this.timers) {
        clearTimeout(t);
        if (outcome.full && !outcome.aborted) this.ctx.log('warn', `setTimeout ${id} was stopped because the VU iteration was interrupted`);
      }
      this.timers.clear();
    }
    if (this.ctx.httpDefaults.noVUConnectionReuse) this.ctx.http.release(this.connections);
    if (this.inflight !== null && this.inflight.size > 0) {
      const reqs = [...this.inflight];
      this.inflight.clear();
      for (const r of reqs) r.abort(new Error('request aborted: the VU iteration ended'));
    }
    finish(outcome);
  }

  /** Stops the running iteration now (gracefulStop ran out): it does not count as full. */
  interrupt(): void {
    this.end({ full: false, aborted: false });
  }

  /**
   * Runs one iteration. Never rejects: script errors are logged as k6 does. Emits data_sent,
   * data_received and, for full iterations, iteration_duration and iterations.
   */
  runIteration(fn: IterationFn, data: unknown): Promise<IterationOutcome> {
    const scenario = this.scenario;
    this.iter = this.iterationInScenario;
    this.iterationInTest = scenario === null ? 0 : scenario.nextIterationInTest();
    this.iterationInScenarioInstance = scenario === null ? 0 : scenario.iterationsInInstance++;
    this.sent = 0;
    this.received = 0;
    this.groupPath = '';
    const start = nowMs();
    const done = new Promise<IterationOutcome>((resolve) => {
      this.finish = resolve;
    });
    const gen = this.generation;
    const settle = (): void => {
      if (gen !== this.generation) return;
      if (this.pending === 0) this.end({ full: true, aborted: false });
      else this.onIdle = () => this.end({ full: true, aborted: false });
    };
    try {
      const result = fn(data);
      if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
        (result as PromiseLike<unknown>).then(settle, (err: unknown) => {
          if (gen === this.generation) this.fail(err);
        });
      } else settle();
    } catch (err) {
      this.fail(err);
    }
    return done.then((outcome) => {
      this.iterationInScenario++;
      this.iterationsInInstance++;
      const end = nowMs();
      const time = end;
      const tags = this.currentTags();
      const em = this.ctx.emitter;
      const reg = this.ctx.registry;
      em.push(reg.get('data_sent') as MetricInfo, this.sent, tags, time);
      em.push(reg.get('data_received') as MetricInfo, this.received, tags, time);
      if (outcome.full) {
        this.ctx.counters.iterationsCompleted++;
        em.push(reg.get('iteration_duration') as MetricInfo, end - start, tags, time);
        em.push(reg.get('iterations') as MetricInfo, 1, tags, time);
      } else this.ctx.counters.iterationsInterrupted++;
      return outcome;
    });
  }
}

// One engine instance: the VUs of one execution segment running every scenario. Runs in the
// main thread (one worker) or inside a worker thread (engine/worker.ts).
import { compileBundle, type CompiledBundle } from './bundle';
import { httpDefaultsFrom, type InstanceContext, type LogFn, type ScenarioRuntime } from './context';
import { EXECUTORS } from './executors/index';
import { wait, type ExecutorEnv } from './executors/common';
import { MetricRegistry, SampleEmitter, type ColumnSink } from './metrics';
import { HttpClient, type ConnectionScope } from './modules/http-client';
import { scenarioMaxMs, scenarioMaxVUs, type ResolvedOptions, type ScenarioConfig } from './options';
import { evenSegment, type SegmentTuple } from './segments';
import { tlsConnectOptions } from './tls';
import { VU } from './vu';

export interface InstanceSpec {
  bundlePath: string;
  env: Record<string, string>;
  options: ResolvedOptions;
  segmentIndex: number;
  segmentCount: number;
  /** Connections per VU as in k6 (default) or one pool shared by the instance's VUs. */
  connections?: ConnectionScope;
  /** setup()'s result as JSON, handed to every iteration as k6 does (a fresh copy per VU). */
  setupData: string | undefined;
}

export interface InstanceOutcome {
  abortReason: string | null;
}

/** Most VUs running at once over the test, from the scenarios' start times and lengths. */
export function plannedVUs(scenarios: readonly ScenarioConfig[], scale: (n: number) => number): number {
  const events: Array<[number, number]> = [];
  for (const s of scenarios) {
    const need = scale(s.executor.endsWith('arrival-rate') ? s.preAllocatedVUs : scenarioMaxVUs(s));
    events.push([s.startTimeMs, need], [s.startTimeMs + scenarioMaxMs(s), -need]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let max = 0;
  for (const [, d] of events) {
    cur += d;
    max = Math.max(max, cur);
  }
  return max;
}

export class Instance {
  readonly ctx: InstanceContext;
  private bundle: CompiledBundle | undefined;
  private readonly all: VU[] = [];
  private readonly free: VU[] = [];
  private stopResolve!: () => void;
  private readonly stoppedPromise: Promise<void>;
  private stopped = false;
  private abortReason: string | null = null;
  private readonly segment: SegmentTuple;

  constructor(
    private readonly spec: InstanceSpec,
    sink: ColumnSink,
    log: LogFn,
    /** Told when exec.test.abort() ran here, so the coordinator can stop the other instances. */
    private readonly onAbort: (reason: string) => void = () => undefined,
  ) {
    this.segment = evenSegment(spec.segmentIndex, spec.segmentCount);
    this.stoppedPromise = new Promise<void>((r) => (this.stopResolve = r));
    const registry = new MetricRegistry();
    const emitter = new SampleEmitter(sink, registry);
    const counters = { vusActive: 0, iterationsCompleted: 0, iterationsInterrupted: 0 };
    this.ctx = {
      emitter,
      registry,
      log,
      http: new HttpClient(
        spec.connections ?? 'per-vu',
        spec.options.raw.noConnectionReuse === true,
        (host) => tlsConnectOptions(spec.options.raw, host),
        typeof spec.options.raw.batchPerHost === 'number' && spec.options.raw.batchPerHost > 0 ? spec.options.raw.batchPerHost : null,
      ),
      segment: this.segment,
      baseEnv: spec.env,
      optionTags: { ...spec.options.tags, group: '' },
      counters,
      abortTest: (reason) => {
        if (this.abortReason === null) {
          this.abortReason = reason;
          this.onAbort(reason);
        }
        this.stop();
      },
      scenarios: new Map(),
      testOptions: spec.options.raw,
      httpDefaults: httpDefaultsFrom(spec.options.raw),
      maxVUs: () => this.all.length,
    };
  }

  /** Compiles the bundle and initializes the planned VUs (k6 inits them all before starting). */
  init(): void {
    this.bundle ??= compileBundle(this.spec.bundlePath);
    const n = plannedVUs(this.spec.options.scenarios, (v) => this.segment.scale(v));
    for (let i = 0; i < n; i++) this.free.push(this.newVU());
    // Pop order gives VU 1 to the first scenario, as k6 hands out VUs in id order.
    this.free.reverse();
  }

  /** VU 0 of k6: reads options and runs setup(), teardown() and handleSummary(). */
  createInitVU(): VU {
    this.bundle ??= compileBundle(this.spec.bundlePath);
    const vu = new VU(this.ctx, 0, 0);
    vu.init(this.bundle);
    return vu;
  }

  private newVU(): VU {
    if (this.bundle === undefined) throw new Error('instance not initialized');
    const local = this.all.length + 1;
    const vu = new VU(this.ctx, local, this.segment.globalIndex(local - 1) + 1);
    vu.init(this.bundle);
    this.all.push(vu);
    return vu;
  }

  status(): { vusActive: number; vusMax: number } {
    return { vusActive: this.ctx.counters.vusActive, vusMax: this.all.length };
  }

  /** Runs all scenarios; `startAt` is the common epoch start of every instance. */
  async run(startAt: number): Promise<InstanceOutcome> {
    const delay = startAt - Date.now();
    if (delay > 0) await wait(delay, this.stoppedPromise);
    const data = this.spec.setupData;
    // Real k6 (checked with v1.8) hands all VUs of an instance the same deserialized object:
    // a mutation in one iteration is seen by later ones.
    const shared: unknown = data === undefined ? undefined : JSON.parse(data);
    const dataFor = (_vu: VU): unknown => shared;
    const runs = this.spec.options.scenarios.map(async (cfg) => {
      await wait(cfg.startTimeMs - (Date.now() - startAt), this.stoppedPromise);
      if (this.stopped) return;
      const scenario = this.scenarioRuntime(cfg);
      const env: ExecutorEnv = {
        ctx: this.ctx,
        scenario,
        dataFor,
        takeVU: () => this.free.pop(),
        newVU: () => this.newVU(),
        giveBack: (vu) => this.free.push(vu),
        stopped: this.stoppedPromise,
        isStopped: () => this.stopped,
      };
      await EXECUTORS[cfg.executor](env);
    });
    await Promise.all(runs);
    this.ctx.emitter.flush();
    return { abortReason: this.abortReason };
  }

  private scenarioRuntime(cfg: ScenarioConfig): ScenarioRuntime {
    let counter = 0;
    const seg = this.segment;
    const rt: ScenarioRuntime = {
      config: cfg,
      startTime: Date.now(),
      tags: { ...this.spec.options.tags, ...cfg.tags, group: '', scenario: cfg.name },
      env: Object.keys(cfg.env).length === 0 ? this.spec.env : { ...this.spec.env, ...cfg.env },
      iterationsInInstance: 0,
      nextIterationInTest: () => seg.globalIndex(counter++),
    };
    this.ctx.scenarios.set(cfg.name, rt);
    return rt;
  }

  /** Stops everything now: running iterations are interrupted (k6 on SIGINT / test.abort). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopResolve();
    for (const vu of this.all) vu.interrupt();
  }

  async close(): Promise<void> {
    this.ctx.emitter.close();
    await this.ctx.http.close();
  }
}

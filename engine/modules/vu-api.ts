// What a k6 module sees of the VU that imported it, as k6's js/modules hands a module a narrow
// `VU` interface and never the VU itself. The modules depend on this file only; engine/vu.ts
// implements it and imports the module registry, so the dependency runs one way.
import type { HttpDefaults, LogFn } from '../context';
import type { MetricInfo, MetricRegistry, SampleEmitter } from '../metrics';
import type { SampleTags } from '../samples';
import type { ConnectionOwner, HttpClient, RequestTracker } from './http-client';

/** Services of the engine instance the VU runs in, shared by all its VUs. */
export interface ModuleInstance {
  readonly registry: MetricRegistry;
  readonly emitter: SampleEmitter;
  readonly log: LogFn;
  readonly http: HttpClient;
  /** Read at each request: the options are known only after the init context ran. */
  readonly httpDefaults: HttpDefaults;
  readonly counters: Readonly<{ vusActive: number; iterationsCompleted: number; iterationsInterrupted: number }>;
  readonly testOptions: Record<string, unknown>;
  maxVUs(): number;
}

/** What exec.scenario shows of the running scenario. */
export interface ModuleScenario {
  readonly config: { readonly name: string; readonly executor: string };
  /** Epoch ms when the scenario started. */
  readonly startTime: number;
}

export interface ModuleVU extends RequestTracker {
  readonly ctx: ModuleInstance;

  // --- where the VU is (k6/execution), read-only ---------------------------------------------
  readonly idInTest: number;
  readonly idInInstance: number;
  readonly iterationInScenario: number;
  readonly iterationsInInstance: number;
  readonly iterationInScenarioInstance: number;
  readonly iterationInTest: number;
  readonly scenario: ModuleScenario | null;
  /** True while the init context runs: metrics may be declared then, and nothing else done. */
  readonly inInit: boolean;
  /** The VU's HTTP connections, handed through to `ctx.http`; opaque to the modules. */
  readonly connections: ConnectionOwner;

  // --- tags and samples ------------------------------------------------------------------------
  /** Tags of the running iteration (options, scenario, group): shared, so never to be changed. */
  currentTags(): Readonly<SampleTags>;
  /** exec.vu.tags: the VU's own tag set, which the script may change. */
  ownTags(): SampleTags;
  /** Emits a point with the current tags plus `extra`. */
  emit(metric: MetricInfo, value: number, extra?: Record<string, unknown>): void;
  /** Bytes of a request, reported as the iteration's data_sent and data_received. */
  countTraffic(sent: number, received: number): void;
  /** Enters a k6 group; returns the enclosing group path, for leaveGroup. */
  enterGroup(name: string): string;
  leaveGroup(parentPath: string): void;

  // --- the VU's event loop: what keeps the iteration alive ------------------------------------
  /** Keeps the iteration alive until release(ticket); the ticket names the iteration. */
  hold(): number;
  release(ticket: number): void;
  /** Whether the iteration that took the ticket still runs (it may have ended or been cut). */
  isCurrent(ticket: number): boolean;
  addTimer(fn: () => void, ms: number, repeat: boolean): number;
  clearTimer(id: unknown): void;
  /** An exception in a callback a module ran on the VU's loop (a socket's listener): k6 logs it and ends the iteration. */
  fail(err: unknown): void;
}

// State shared by all VUs of one engine instance (the main thread or one worker).
import type { HttpClient } from './modules/http-client';
import type { MetricRegistry, SampleEmitter } from './metrics';
import type { ScenarioConfig } from './options';
import type { SampleTags } from './samples';
import type { SegmentTuple } from './segments';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFn = (level: LogLevel, line: string) => void;

export interface HttpDefaults {
  userAgent: string;
  maxRedirects: number;
  discardResponseBodies: boolean;
  throwOnError: boolean;
  noVUConnectionReuse: boolean;
}

/** Reads k6's HTTP-related options from the merged options object. */
export function httpDefaultsFrom(raw: Record<string, unknown>): HttpDefaults {
  return {
    userAgent: typeof raw.userAgent === 'string' ? raw.userAgent : 'k6/embedded (https://k6.io/)',
    maxRedirects: typeof raw.maxRedirects === 'number' ? raw.maxRedirects : 10,
    discardResponseBodies: raw.discardResponseBodies === true,
    throwOnError: raw.throw === true,
    noVUConnectionReuse: raw.noVUConnectionReuse === true,
  };
}

export interface ScenarioRuntime {
  config: ScenarioConfig;
  /** Epoch ms when the scenario started (k6's exec.scenario.startTime). */
  startTime: number;
  /** Tags every sample of the scenario carries, before group and request tags. */
  tags: SampleTags;
  env: Record<string, string>;
  iterationsInInstance: number;
  /** Next exec.scenario.iterationInTest for an iteration that starts now. */
  nextIterationInTest(): number;
}

export interface InstanceContext {
  emitter: SampleEmitter;
  registry: MetricRegistry;
  log: LogFn;
  http: HttpClient;
  segment: SegmentTuple;
  baseEnv: Record<string, string>;
  optionTags: SampleTags;
  counters: { vusActive: number; iterationsCompleted: number; iterationsInterrupted: number };
  /** Set by exec.test.abort(): stops every executor of the instance. */
  abortTest(reason: string): void;
  /** Stops the iteration of a VU that met an uncaught exception (k6 logs it and goes on). */
  scenarios: Map<string, ScenarioRuntime>;
  /** k6 options that shape every request (userAgent, maxRedirects, discardResponseBodies, throw). */
  httpDefaults: HttpDefaults;
  /** The test's merged options, as exec.test.options shows them. */
  testOptions: Record<string, unknown>;
  /** VUs of the instance by idInInstance, for k6/execution counters. */
  maxVUs(): number;
}

// Turns the script's exported `options` plus overrides into validated scenarios, the way k6
// derives them: `scenarios` wins; otherwise the shortcuts vus/duration/iterations/stages become
// one scenario named "default".
import { K6OptionsError } from './errors';
import { optionalDuration, parseDuration } from './duration';

export type ExecutorName =
  | 'per-vu-iterations'
  | 'shared-iterations'
  | 'constant-vus'
  | 'ramping-vus'
  | 'constant-arrival-rate'
  | 'ramping-arrival-rate';

const EXECUTORS: readonly ExecutorName[] = [
  'per-vu-iterations',
  'shared-iterations',
  'constant-vus',
  'ramping-vus',
  'constant-arrival-rate',
  'ramping-arrival-rate',
];

export interface Stage {
  durationMs: number;
  target: number;
}

/** A scenario with every default filled in; plain data so it can cross to worker threads. */
export interface ScenarioConfig {
  name: string;
  executor: ExecutorName;
  exec: string;
  env: Record<string, string>;
  tags: Record<string, string>;
  startTimeMs: number;
  gracefulStopMs: number;
  vus: number;
  iterations: number;
  durationMs: number;
  maxDurationMs: number;
  startVUs: number;
  stages: Stage[];
  gracefulRampDownMs: number;
  rate: number;
  startRate: number;
  timeUnitMs: number;
  preAllocatedVUs: number;
  maxVUs: number;
}

export interface ThresholdSpec {
  expression: string;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
}

export interface ResolvedOptions {
  scenarios: ScenarioConfig[];
  thresholds: Record<string, ThresholdSpec[]>;
  tags: Record<string, string>;
  setupTimeoutMs: number;
  teardownTimeoutMs: number;
  summaryTrendStats: string[];
  /** The merged options object as the script would see it (for handleSummary's data.options). */
  raw: Record<string, unknown>;
}

type Raw = Record<string, unknown>;

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function int(v: unknown, fallback: number, what: string): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new K6OptionsError(`invalid ${what}: ${JSON.stringify(v)} (a non-negative integer is required)`);
  return v;
}

function num(v: unknown, fallback: number, what: string): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new K6OptionsError(`invalid ${what}: ${JSON.stringify(v)}`);
  return v;
}

function strMap(v: unknown, what: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new K6OptionsError(`invalid ${what}: must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) out[k] = String(val);
  return out;
}

function stages(v: unknown, what: string): Stage[] {
  if (!Array.isArray(v)) throw new K6OptionsError(`${what}: stages must be an array`);
  return v.map((s: unknown, i) => {
    if (!isObject(s)) throw new K6OptionsError(`${what}: stage ${i} must be an object`);
    return { durationMs: parseDuration(s.duration, `${what} stage ${i} duration`), target: num(s.target, 0, `${what} stage ${i} target`) };
  });
}

export function resolveScenario(name: string, s: Raw): ScenarioConfig {
  const what = `scenario "${name}"`;
  const executor = s.executor;
  if (typeof executor !== 'string' || !(EXECUTORS as readonly string[]).includes(executor)) {
    throw new K6OptionsError(`${what}: unknown or unsupported executor ${JSON.stringify(executor)}; supported: ${EXECUTORS.join(', ')}`);
  }
  const ex = executor as ExecutorName;
  const base = {
    name,
    executor: ex,
    exec: typeof s.exec === 'string' && s.exec !== '' ? s.exec : 'default',
    env: strMap(s.env, `${what} env`),
    tags: strMap(s.tags, `${what} tags`),
    startTimeMs: optionalDuration(s.startTime, 0, `${what} startTime`),
    gracefulStopMs: optionalDuration(s.gracefulStop, 30_000, `${what} gracefulStop`),
    vus: 0,
    iterations: 0,
    durationMs: 0,
    maxDurationMs: 0,
    startVUs: 0,
    stages: [] as Stage[],
    gracefulRampDownMs: 0,
    rate: 0,
    startRate: 0,
    timeUnitMs: 1000,
    preAllocatedVUs: 0,
    maxVUs: 0,
  };
  switch (ex) {
    case 'per-vu-iterations':
      return { ...base, vus: int(s.vus, 1, `${what} vus`), iterations: int(s.iterations, 1, `${what} iterations`), maxDurationMs: optionalDuration(s.maxDuration, 600_000, `${what} maxDuration`) };
    case 'shared-iterations': {
      const cfg = { ...base, vus: int(s.vus, 1, `${what} vus`), iterations: int(s.iterations, 1, `${what} iterations`), maxDurationMs: optionalDuration(s.maxDuration, 600_000, `${what} maxDuration`) };
      if (cfg.iterations < cfg.vus) throw new K6OptionsError(`${what}: the number of iterations (${cfg.iterations}) can't be less than the number of VUs (${cfg.vus})`);
      return cfg;
    }
    case 'constant-vus':
      if (s.duration === undefined) throw new K6OptionsError(`${what}: the duration is required`);
      return { ...base, vus: int(s.vus, 1, `${what} vus`), durationMs: parseDuration(s.duration, `${what} duration`) };
    case 'ramping-vus':
      return {
        ...base,
        startVUs: int(s.startVUs, 1, `${what} startVUs`),
        stages: stages(s.stages, what),
        gracefulRampDownMs: optionalDuration(s.gracefulRampDown, 30_000, `${what} gracefulRampDown`),
      };
    case 'constant-arrival-rate': {
      if (s.duration === undefined) throw new K6OptionsError(`${what}: the duration is required`);
      const pre = int(s.preAllocatedVUs, 0, `${what} preAllocatedVUs`);
      const rate = num(s.rate, 0, `${what} rate`);
      if (rate <= 0) throw new K6OptionsError(`${what}: the rate must be more than 0`);
      return { ...base, rate, timeUnitMs: optionalDuration(s.timeUnit, 1000, `${what} timeUnit`), durationMs: parseDuration(s.duration, `${what} duration`), preAllocatedVUs: pre, maxVUs: Math.max(pre, int(s.maxVUs, pre, `${what} maxVUs`)) };
    }
    case 'ramping-arrival-rate': {
      const pre = int(s.preAllocatedVUs, 0, `${what} preAllocatedVUs`);
      return {
        ...base,
        startRate: num(s.startRate, 0, `${what} startRate`),
        timeUnitMs: optionalDuration(s.timeUnit, 1000, `${what} timeUnit`),
        stages: stages(s.stages, what),
        preAllocatedVUs: pre,
        maxVUs: Math.max(pre, int(s.maxVUs, pre, `${what} maxVUs`)),
      };
    }
  }
}

/** Applies the shortcut options as k6 does when no `scenarios` are given. */
function shortcutScenario(o: Raw): Raw {
  if (Array.isArray(o.stages) && o.stages.length > 0) {
    return { executor: 'ramping-vus', startVUs: o.vus ?? 1, stages: o.stages, gracefulStop: '30s' };
  }
  if (o.duration !== undefined && o.duration !== null && o.duration !== '' && o.iterations === undefined) {
    return { executor: 'constant-vus', vus: o.vus ?? 1, duration: o.duration };
  }
  return { executor: 'shared-iterations', vus: o.vus ?? 1, iterations: o.iterations ?? 1 };
}

function thresholdSpecs(metric: string, v: unknown): ThresholdSpec[] {
  const list = Array.isArray(v) ? v : [v];
  return list.map((t: unknown) => {
    if (typeof t === 'string') return { expression: t, abortOnFail: false, delayAbortEvalMs: 0 };
    if (isObject(t) && typeof t.threshold === 'string') {
      return { expression: t.threshold, abortOnFail: t.abortOnFail === true, delayAbortEvalMs: optionalDuration(t.delayAbortEval, 0, `threshold ${metric} delayAbortEval`) };
    }
    throw new K6OptionsError(`invalid threshold on ${metric}: ${JSON.stringify(t)}`);
  });
}

/**
 * Merges overrides into the script options. As with k6's CLI flags, a shortcut override
 * (vus/duration/iterations/stages) replaces the script's scenarios.
 */
export function mergeOptions(script: unknown, overrides: Record<string, unknown> = {}): Raw {
  const base: Raw = isObject(script) ? { ...script } : {};
  const shortcutOverride = ['vus', 'duration', 'iterations', 'stages'].some((k) => overrides[k] !== undefined);
  if (shortcutOverride && overrides.scenarios === undefined) {
    delete base.scenarios;
    if (overrides.duration !== undefined && overrides.iterations === undefined) delete base.iterations;
    if (overrides.iterations !== undefined && overrides.duration === undefined) delete base.duration;
  }
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) base[k] = v;
  return base;
}

export function resolveOptions(merged: Raw): ResolvedOptions {
  let scenarios: ScenarioConfig[];
  if (merged.scenarios !== undefined) {
    if (!isObject(merged.scenarios)) throw new K6OptionsError('invalid options.scenarios: must be an object');
    scenarios = Object.entries(merged.scenarios).map(([name, s]) => {
      if (!isObject(s)) throw new K6OptionsError(`scenario "${name}" must be an object`);
      if (!/^[0-9A-Za-z_-]+$/.test(name)) throw new K6OptionsError(`invalid scenario name "${name}"`);
      return resolveScenario(name, s);
    });
  } else {
    scenarios = [resolveScenario('default', shortcutScenario(merged))];
  }
  const thresholds: Record<string, ThresholdSpec[]> = {};
  if (merged.thresholds !== undefined) {
    if (!isObject(merged.thresholds)) throw new K6OptionsError('invalid options.thresholds: must be an object');
    for (const [metric, v] of Object.entries(merged.thresholds)) thresholds[metric] = thresholdSpecs(metric, v);
  }
  const trendStats = Array.isArray(merged.summaryTrendStats) ? merged.summaryTrendStats.map(String) : ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
  return {
    scenarios,
    thresholds,
    tags: strMap(merged.tags, 'options.tags'),
    setupTimeoutMs: optionalDuration(merged.setupTimeout, 60_000, 'setupTimeout'),
    teardownTimeoutMs: optionalDuration(merged.teardownTimeout, 60_000, 'teardownTimeout'),
    summaryTrendStats: trendStats,
    raw: merged,
  };
}

/** Longest a scenario can run, graceful stop included (k6's GetExecutionRequirements). */
export function scenarioMaxMs(s: ScenarioConfig): number {
  const stagesMs = s.stages.reduce((a, st) => a + st.durationMs, 0);
  switch (s.executor) {
    case 'per-vu-iterations':
    case 'shared-iterations':
      return s.maxDurationMs + s.gracefulStopMs;
    case 'constant-vus':
    case 'constant-arrival-rate':
      return s.durationMs + s.gracefulStopMs;
    case 'ramping-vus':
      return stagesMs + s.gracefulStopMs + s.gracefulRampDownMs;
    case 'ramping-arrival-rate':
      return stagesMs + s.gracefulStopMs;
  }
}

/** Planned VUs of a scenario for the whole test (before segmenting). */
export function scenarioMaxVUs(s: ScenarioConfig): number {
  switch (s.executor) {
    case 'per-vu-iterations':
    case 'shared-iterations':
    case 'constant-vus':
      return s.vus;
    case 'ramping-vus':
      return Math.max(s.startVUs, ...s.stages.map((st) => st.target));
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return s.maxVUs;
  }
}

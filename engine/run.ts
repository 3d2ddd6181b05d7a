// The coordinator behind runEmbedded: init context, options, setup, the instances (this thread
// or worker threads on execution segments), teardown, thresholds, summary, exit code.
import { availableParallelism } from 'node:os';
import type { EmbeddedRunOptions, EmbeddedRunResult } from './api';
import { Aggregator } from './aggregate';
import { httpDefaultsFrom, type LogFn } from './context';
import { describeScriptError, K6ExitError, K6OptionsError, ScriptError, TestAbortError } from './errors';
import { K6_EXIT } from './exit-codes';
import { LocalInstance, locateWorkerScript, WorkerInstance, type InstanceHandle } from './handles';
import { Instance, type InstanceOutcome, type InstanceSpec } from './instance';
import type { MetricInfo, SampleColumns } from './metrics';
import { mergeOptions, resolveOptions, type ResolvedOptions } from './options';
import { SampleMerger } from './stream';
import { prepareBundle, type PreparedBundle } from './esm';
import { buildSummary, textSummary, type ThresholdVerdict } from './summary';
import { buildThresholds, compare, type ThresholdSet } from './thresholds';
import { nowMs } from './time';
import type { VU } from './vu';

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as PromiseLike<unknown>).then === 'function';
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string, code: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(new K6ExitError(`${what} execution timed out after ${Math.round(ms / 1000)} seconds`, code)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs an exported lifecycle function (setup/teardown/handleSummary) in VU 0. */
async function callLifecycle(vu: VU, name: string, arg: unknown, group: string, timeoutMs: number, timeoutCode: number): Promise<unknown> {
  const fn = vu.exports[name];
  if (typeof fn !== 'function') return undefined;
  vu.inInit = false;
  vu.groupPath = group;
  vu.sent = 0;
  vu.received = 0;
  try {
    const result: unknown = (fn as (a: unknown) => unknown)(arg);
    return isThenable(result) ? await withTimeout(Promise.resolve(result), timeoutMs, name, timeoutCode) : result;
  } finally {
    if (group !== '') {
      // Like an iteration, setup and teardown report their traffic (k6 tags it with the group).
      const time = nowMs();
      const tags = { ...vu.tags, group };
      vu.ctx.emitter.push(vu.ctx.registry.get('data_sent') as MetricInfo, vu.sent, tags, time);
      vu.ctx.emitter.push(vu.ctx.registry.get('data_received') as MetricInfo, vu.received, tags, time);
    }
    vu.groupPath = '';
    vu.ctx.emitter.flush();
  }
}

export function evaluateThresholds(sets: readonly ThresholdSet[], agg: Aggregator, durationMs: number, onlyAbortable = false, elapsedMs = Infinity): ThresholdVerdict[] {
  const out: ThresholdVerdict[] = [];
  for (const set of sets) {
    for (const t of set.thresholds) {
      if (onlyAbortable && (!t.abortOnFail || elapsedMs < t.delayAbortEvalMs)) continue;
      const known = agg.metrics.get(set.metric);
      const metric = agg.lookup(set.key, set.metric, known?.type ?? 'counter', known?.contains ?? 'default');
      const actual = metric.sink.read(t.aggregation, t.percentile, durationMs / 1000);
      out.push({ key: set.key, source: t.source, ok: compare(actual, t.op, t.value), actual });
    }
  }
  return out;
}

/** Go's RFC 3339 with trimmed fractional seconds, as k6 serializes a Date in setup data. */
function goTime(d: Date): string {
  const iso = d.toISOString();
  return iso.replace(/\.(\d{3})Z$/, (_m, ms: string) => (ms === '000' ? 'Z' : `.${ms.replace(/0+$/, '')}Z`));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
  return out;
}

/**
 * setup()'s result crosses k6's Go side as JSON: object keys come back sorted (Go maps) and
 * Dates as Go time strings. Reproduce that so scripts see the same data on both engines.
 */
export function serializeSetupData(data: unknown): string | undefined {
  if (data === undefined) return undefined;
  const json = JSON.stringify(data, function (this: Record<string, unknown>, key: string, value: unknown) {
    const original = this[key];
    return original instanceof Date ? goTime(original) : value;
  });
  return json === undefined ? undefined : JSON.stringify(sortKeys(JSON.parse(json)));
}

function workerCount(requested: number | undefined, options: ResolvedOptions): number {
  const n = requested ?? availableParallelism();
  const maxVUs = options.scenarios.reduce((a, s) => a + Math.max(s.vus, s.maxVUs, s.startVUs, ...s.stages.map((x) => x.target)), 0);
  // More workers than VUs would leave some with nothing to do.
  return Math.max(1, Math.min(n, maxVUs, 64));
}

export async function runEmbeddedImpl(options: EmbeddedRunOptions): Promise<EmbeddedRunResult> {
  const log: LogFn = options.onLog ?? (() => undefined);
  let prepared: PreparedBundle;
  try {
    prepared = await prepareBundle(options.bundlePath);
  } catch (err) {
    log('error', err instanceof Error ? err.message : String(err));
    return { exitCode: err instanceof K6ExitError ? err.exitCode : K6_EXIT.scriptException, summary: null };
  }
  try {
    return await runPrepared({ ...options, bundlePath: prepared.path }, log);
  } finally {
    prepared.cleanup();
  }
}

async function runPrepared(o: EmbeddedRunOptions, log: LogFn): Promise<EmbeddedRunResult> {
  const merger = new SampleMerger(o.onSamples, log, o.wanted);
  const placeholder = resolveOptions({});
  const mainSpec: InstanceSpec = { bundlePath: o.bundlePath, env: o.env, options: placeholder, segmentIndex: 0, segmentCount: 1, setupData: undefined, connections: o.connections };
  const main = new Instance(mainSpec, (b) => merger.pushColumns(b), log);
  const handles: InstanceHandle[] = [];
  let exitCode: number = K6_EXIT.ok;
  // A script promise nobody awaits must not crash the embedding process; k6 logs it.
  const onUnhandled = (reason: unknown): void => log('error', `Uncaught (in promise) ${describeScriptError(reason)}`);
  process.on('unhandledRejection', onUnhandled);
  try {
    // --- init context: options and custom metrics ------------------------------------------
    let vu0: VU;
    try {
      vu0 = main.createInitVU();
    } catch (err) {
      if (err instanceof K6ExitError) throw err;
      throw new ScriptError(describeScriptError(err));
    }
    const options = resolveOptions(mergeOptions(vu0.exports.options, o.optionOverrides));
    for (const s of options.scenarios) {
      if (typeof vu0.exports[s.exec] !== 'function') {
        throw new K6OptionsError(s.exec === 'default' ? `scenario "${s.name}": the script has no exported default function` : `scenario "${s.name}": executor's exec function '${s.exec}' not found in exports`);
      }
    }
    const thresholds = buildThresholds(options.thresholds, (name) => main.ctx.registry.get(name)?.type);
    const agg = new Aggregator(thresholds);
    merger.configure(thresholds, agg);
    vu0.tags = { ...options.tags, group: '' };
    main.ctx.testOptions = options.raw;
    main.ctx.httpDefaults = httpDefaultsFrom(options.raw);

    // --- setup --------------------------------------------------------------------------------
    const testStart = Date.now();
    let setupData: string | undefined;
    try {
      const data = await callLifecycle(vu0, 'setup', undefined, '::setup', options.setupTimeoutMs, K6_EXIT.setupTimeout);
      setupData = serializeSetupData(data);
    } catch (err) {
      if (err instanceof K6ExitError) throw err;
      if (err instanceof TestAbortError) throw new K6ExitError(`test aborted in setup: ${err.reason}`, K6_EXIT.scriptAborted);
      throw new ScriptError(describeScriptError(err));
    }

    // --- the run --------------------------------------------------------------------------------
    const spec: Omit<InstanceSpec, 'segmentIndex' | 'segmentCount'> = {
      bundlePath: o.bundlePath,
      env: o.env,
      options: { ...options, raw: JSON.parse(JSON.stringify(options.raw)) as Record<string, unknown> },
      setupData,
      connections: o.connections,
    };
    let count = workerCount(o.workers, options);
    const script = count > 1 ? locateWorkerScript() : undefined;
    if (count > 1 && script === undefined) {
      log('warn', 'engine worker bundle (dist/node/engine/worker.js) not found; running all VUs in this thread (build with `npx tsx scripts/build.ts --node-only`)');
      count = 1;
    }
    const sink = (b: SampleColumns): void => merger.pushColumns(b);
    // test.abort() in one instance stops all of them, as it stops the single k6 process.
    const onAbort = (): void => handles.forEach((h) => h.stop());
    for (let i = 0; i < count; i++) {
      const s: InstanceSpec = { ...spec, segmentIndex: i, segmentCount: count };
      handles.push(count === 1 ? new LocalInstance(s, sink, log, onAbort) : new WorkerInstance(script as string, s, sink, log, onAbort));
    }
    try {
      await Promise.all(handles.map((h) => h.init()));
    } catch (err) {
      if (err instanceof K6ExitError) throw err;
      throw new ScriptError(describeScriptError(err));
    }

    let signalled = false;
    let thresholdAbort = false;
    const stopAll = (): void => handles.forEach((h) => h.stop());
    const onSignal = (): void => {
      signalled = true;
      log('error', 'test run was aborted because k6 received a signal');
      stopAll();
    };
    if (o.signal?.aborted === true) onSignal();
    o.signal?.addEventListener('abort', onSignal, { once: true });

    const runStart = Date.now() + 20;
    const vus = main.ctx.registry.get('vus') as MetricInfo;
    const vusMax = main.ctx.registry.get('vus_max') as MetricInfo;
    // The options' tags, on the run-level gauges; one object, shared by all their points.
    const runTags = { ...options.tags };
    const ticker = setInterval(() => {
      let active = 0;
      let max = 0;
      for (const h of handles) {
        const st = h.status();
        active += st.vusActive;
        max += st.vusMax;
      }
      const time = nowMs();
      main.ctx.emitter.push(vus, active, runTags, time);
      main.ctx.emitter.push(vusMax, max, runTags, time);
      const elapsed = Date.now() - runStart;
      const failing = evaluateThresholds(thresholds, agg, elapsed, true, elapsed).filter((v) => !v.ok);
      if (failing.length > 0 && !thresholdAbort) {
        thresholdAbort = true;
        log('error', `thresholds on metrics '${[...new Set(failing.map((f) => f.key))].join(', ')}' were crossed; at least one has abortOnFail enabled, stopping test prematurely`);
        stopAll();
      }
    }, 1000);
    let outcomes: InstanceOutcome[];
    try {
      outcomes = await Promise.all(handles.map((h) => h.run(runStart)));
    } catch (err) {
      // E.g. init code of a VU started at run time (arrival-rate beyond preAllocatedVUs) threw.
      stopAll();
      throw err instanceof K6ExitError ? err : new ScriptError(describeScriptError(err));
    } finally {
      clearInterval(ticker);
      o.signal?.removeEventListener('abort', onSignal);
    }
    const abortReason = outcomes.find((x) => x.abortReason !== null)?.abortReason ?? null;
    if (abortReason !== null) log('error', `test aborted: ${abortReason === '' ? 'test aborted' : abortReason}`);

    // --- teardown -------------------------------------------------------------------------------
    let teardownFailed = false;
    try {
      await callLifecycle(vu0, 'teardown', setupData === undefined ? undefined : JSON.parse(setupData), '::teardown', options.teardownTimeoutMs, K6_EXIT.teardownTimeout);
    } catch (err) {
      teardownFailed = true;
      log('error', describeScriptError(err));
    }
    await Promise.all(handles.map((h) => h.close()));
    main.ctx.emitter.flush();

    // --- verdicts and summary ------------------------------------------------------------------------
    const durationMs = Date.now() - testStart;
    const verdicts = evaluateThresholds(thresholds, agg, durationMs);
    const summary = buildSummary(agg, options, durationMs, verdicts);
    let summaryFiles: Record<string, string> | undefined;
    if (typeof vu0.exports.handleSummary === 'function') {
      try {
        const files = await callLifecycle(vu0, 'handleSummary', summary, '', 120_000, K6_EXIT.genericTimeout);
        if (files !== null && typeof files === 'object') {
          summaryFiles = {};
          for (const [k, v] of Object.entries(files as Record<string, unknown>)) {
            summaryFiles[k] = typeof v === 'string' ? v : v instanceof ArrayBuffer ? Buffer.from(v).toString('utf8') : JSON.stringify(v);
          }
        }
      } catch (err) {
        log('error', `failed to handle the end-of-test summary: ${describeScriptError(err)}`);
        summaryFiles = { stdout: textSummary(summary, thresholds, verdicts) };
      }
    } else summaryFiles = { stdout: textSummary(summary, thresholds, verdicts) };

    if (signalled) exitCode = K6_EXIT.externalAbort;
    else if (abortReason !== null) exitCode = K6_EXIT.scriptAborted;
    else if (verdicts.some((v) => !v.ok) || thresholdAbort) {
      exitCode = K6_EXIT.thresholdsFailed;
      log('error', `thresholds on metrics '${[...new Set(verdicts.filter((v) => !v.ok).map((v) => v.key))].join(', ')}' have been crossed`);
    } else if (teardownFailed) exitCode = K6_EXIT.scriptException;
    return { exitCode, summary, summaryFiles, thresholds: verdicts.map((v) => ({ metric: v.key, expression: v.source, ok: v.ok, actual: v.actual })) };
  } catch (err) {
    await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
    if (err instanceof K6ExitError) {
      log('error', err.message);
      return { exitCode: err.exitCode, summary: null };
    }
    // Anything else is an engine bug; still one line, and the code k6 gives errors without one.
    log('error', `engine error: ${err instanceof Error ? err.message : String(err)}`);
    return { exitCode: K6_EXIT.unclassified, summary: null };
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await main.close();
  }
}

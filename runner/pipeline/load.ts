// The load itself: the engine runs the bundle while the progress view and the run log get a
// snapshot every interval. Returns how the engine ended; a failure is a value, not a throw, so
// that what was measured is still judged and written.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { k6OptionsFor } from '../config/k6-options';
import { scenarioPlan, type RunPlan } from '../config/resolve';
import type { LoadEngine } from '../engines/engine';
import { k6RunCompleted, K6_EXIT_MEANING } from '../engines/engine';
import { EngineFailure, errorMessage, FleetloadError } from '../errors';
import type { GeneratorHealthSampler } from '../health/sampler';
import type { Measurements } from '../ingest/measurements';
import type { ProgressClock } from '../progress/snapshot';
import type { ProgressView } from '../progress/views';
import type { Timeline } from './timeline';

export interface LoadInput {
  plan: RunPlan;
  engine: LoadEngine;
  bundle: string;
  targetUrl: string;
  measurements: Measurements;
  clock: ProgressClock;
  view: ProgressView;
  signal: AbortSignal;
  log: (line: string) => void;
  logPath: string;
  health: GeneratorHealthSampler;
  timeline: Timeline;
}

export interface LoadOutcome {
  /** The engine's own exit code; null when it never ran (interrupted before it started). */
  engineExit: number | null;
  failure: FleetloadError | undefined;
}

export async function runLoad(input: LoadInput): Promise<LoadOutcome> {
  const { plan, engine, measurements, clock, view, log } = input;
  const env = {
    FLEETLOAD_PLAN: JSON.stringify(scenarioPlan(plan, input.targetUrl)),
    FLEETLOAD_OPTIONS: JSON.stringify(k6OptionsFor(plan)),
    FLEETLOAD_RUN_ID: plan.runId,
  };
  let ca: { file: string; remove: () => Promise<void> } | undefined;
  clock.loadStartMs = Date.now();
  clock.phase = 'ramping';
  measurements.startWarmup(plan.slos, clock.loadStartMs, plan.sloWarmupS);
  // The embedded engine runs in this process; real k6 reports its pid when it starts.
  input.health.start(process.pid, () => measurements.counts.droppedIterations, clock.loadStartMs);
  input.timeline.start(clock.loadStartMs);
  const ticker = setInterval(() => {
    const snap = clock.snapshot();
    view.update(snap);
    // The log keeps a line per 10 s whatever the view, so a run can be read after the fact.
    if (snap.elapsedS % 10 === 0 || view.intervalS >= 10) log(JSON.stringify(snap));
  }, view.intervalS * 1000);
  ticker.unref();
  try {
    // A Ctrl-C during preflight came before the engine could listen for it.
    if (input.signal.aborted) return { engineExit: null, failure: undefined };
    // Both engines take SSL_CERT_FILE from the process environment, not from the script's __ENV:
    // real k6 (Go) from its own, which the k6 engine copies from ours when it spawns k6; the
    // embedded engine (engine/tls.ts) from ours. Set for the engine's run only.
    ca = await caFileFor(plan);
    const restoreEnv = ca === undefined ? () => undefined : setProcessEnv('SSL_CERT_FILE', ca.file);
    const outcome = await engine.run({
      bundlePath: input.bundle,
      env,
      onSamples: measurements.ingest,
      onMalformed: (n) => measurements.addMalformed(n),
      wanted: measurements.wants,
      onStart: (pid) => input.health.setEnginePid(pid),
      onLog: log,
      signal: input.signal,
    }).finally(restoreEnv);
    if (!input.signal.aborted && !k6RunCompleted(outcome.exitCode)) {
      const meaning = K6_EXIT_MEANING[outcome.exitCode] ?? 'unexpected exit';
      return { engineExit: outcome.exitCode, failure: new EngineFailure(`the ${engine.name} engine exited with ${outcome.exitCode} (${meaning}); see ${input.logPath}`) };
    }
    return { engineExit: outcome.exitCode, failure: undefined };
  } catch (err) {
    if (!(err instanceof FleetloadError) && err instanceof Error && err.stack) log(err.stack);
    return { engineExit: null, failure: err instanceof FleetloadError ? err : new EngineFailure(`unexpected failure: ${errorMessage(err)}`) };
  } finally {
    clearInterval(ticker);
    input.timeline.stop();
    input.health.stop();
    await ca?.remove();
  }
}

/**
 * A Kubernetes target's CA as a file in a temporary directory of the run's own, for the engine's
 * SSL_CERT_FILE. Not in the report directory, which is kept and copied around; removed when the
 * load ends. Go still loads the system's certificate directories beside it, so public roots (a
 * remote-write endpoint) keep working.
 */
async function caFileFor(plan: RunPlan): Promise<{ file: string; remove: () => Promise<void> } | undefined> {
  const kube = plan.credentials.kube;
  if (kube?.caPem === undefined || kube.insecureSkipTlsVerify) return undefined;
  const dir = await mkdtemp(join(tmpdir(), `fleetload-${plan.runId}-`));
  const file = join(dir, 'ca.pem');
  await writeFile(file, kube.caPem, { mode: 0o600 });
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}

function setProcessEnv(name: string, value: string): () => void {
  const before = process.env[name];
  process.env[name] = value;
  return () => {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  };
}

// One scale run end to end: plan → preflight → bundle → exporter → target → load → verdict →
// report. Every way out after the load started (pass, breach, harness failure, Ctrl-C) writes the
// summary and JUnit of what was measured.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import defaultConfig, { type FleetloadConfig } from '../k6.config';
import { buildScenarios } from './build/scenarios';
import { k6OptionsFor } from './config/k6-options';
import { resolvePlan, withTarget, type RunFlags, type RunPlan } from './config/resolve';
import { K6_COMPLETED, K6_EXIT_MEANING } from './engines/engine';
import { selectEngine } from './engines/select';
import { EngineError, errorMessage, EXIT, FleetloadError, SloViolation, UsageError, type ExitCode } from './errors';
import { isRouted, Measurements, SLI_NAMES } from './ingest/measurements';
import { Exporter } from './metrics/exporter';
import { checkFdLimit } from './preflight/fd-limit';
import { planText } from './preflight/plan-text';
import { ProgressClock } from './progress/snapshot';
import { JsonView, LineView, QuietView, TtyView, type ProgressView } from './progress/views';
import { writeJunit } from './report/junit';
import { failureList, serialisable, SUMMARY_SCHEMA, writeSummary, type RunStatus, type RunSummary } from './report/summary';
import { checkTarget } from './target/preflight';
import { looksSaturated, scrapeServerView, type ApiSli, type ServerSli } from './target/server-view';
import { startSimulatorProcess, type SimulatorHandle } from './target/simulator-process';
import { judge, type SloVerdict } from './verdict/judge';
import { verdictTable } from './verdict/table';

export type ProgressMode = 'auto' | 'quiet' | 'json';

export interface RunIo {
  root: string;
  /** Where output goes (stdout in the CLI). */
  write: (text: string) => void;
  /** A terminal gets a live area; anything else plain lines. */
  isTty: boolean;
  progress?: ProgressMode;
  /** Stop after preflight and the printed plan: no report, no load. */
  dryRun?: boolean;
  /** Installs the interrupt handling; returns an uninstaller. Tests pass their own. */
  onInterrupt?: (graceful: () => void, say: (line: string) => void) => () => void;
  /** The configuration; k6.config.ts unless a test hands in its own. */
  config?: FleetloadConfig;
}

export interface RunResult {
  exitCode: ExitCode;
  summaryPath: string | undefined;
  summary: RunSummary | undefined;
}

function defaultInterrupts(graceful: () => void, say: (line: string) => void): () => void {
  let count = 0;
  const handler = (sig: NodeJS.Signals): void => {
    count++;
    if (count === 1) {
      say(`${sig}: stopping the load gracefully and writing the report (press Ctrl-C again to exit at once)`);
      graceful();
    } else {
      say(`${sig} again: exiting now; what was written stays`);
      process.exit(EXIT.interrupted);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

function viewFor(io: RunIo): ProgressView {
  if (io.progress === 'json') return new JsonView(io.write);
  if (io.progress === 'quiet') return new QuietView(io.write);
  return io.isTty ? new TtyView(io.write) : new LineView(io.write);
}

/** The simulator's lease must outlast the agents' heartbeat interval with room for jitter and backoff. */
function simulatorArgs(plan: RunPlan): string[] {
  const lease = Math.max(40, Math.ceil(plan.scenario.agent.heartbeatIntervalS * 4));
  return ['--lease-duration', String(lease)];
}

function verdictsOf(plan: RunPlan, m: Measurements): SloVerdict[] {
  return SLI_NAMES.map((sli) => {
    const rec = m.recorders[sli];
    // Agents that never registered are registrations that never completed: infinitely slow.
    const missing = sli === 'registration' ? Math.max(0, plan.clusters - m.counts.registered) : 0;
    return judge(sli, plan.slos[sli], rec.stats(), rec.valueAt(plan.slos[sli].percentile, missing), missing);
  });
}

export async function runScale(flags: RunFlags, io: RunIo): Promise<RunResult> {
  const started = new Date();
  const view = viewFor(io);
  const say = (line: string): void => view.log(line);
  let plan = resolvePlan(io.config ?? defaultConfig, flags, started);

  const engine = selectEngine(
    plan.engine,
    io.root,
    resolve(io.root, plan.reportsDir, plan.runId),
    // testid is the convention of k6's remote-write dashboards; release lets runs be compared.
    // Only then: on every sample they would lengthen each JSON line the runner reads.
    plan.k6PrometheusRw !== undefined ? { prometheusRw: plan.k6PrometheusRw, tags: { testid: plan.runId, release: plan.release } } : {},
  );
  const fd = checkFdLimit(plan);
  say(planText(plan, engine.version, plan.target ?? 'the built-in simulator on a free loopback port', fd));
  if (!fd.ok) throw new UsageError('file-descriptor limit', `the run needs about ${fd.needed} open files, the limit is ${fd.limit?.soft}`, fd.advice);
  if (io.dryRun) {
    if (plan.target !== undefined) {
      const info = await checkTarget(plan.target);
      say(`target ${plan.target} answers: ${info.product} ${info.apiVersion}`);
    }
    say('dry run: no load sent, nothing written');
    return { exitCode: EXIT.ok, summaryPath: undefined, summary: undefined };
  }

  const reportDir = resolve(io.root, plan.reportsDir, plan.runId);
  await mkdir(reportDir, { recursive: true });
  const log: WriteStream = createWriteStream(join(reportDir, 'run.log'));
  const logLine = (line: string): void => {
    log.write(`${line}\n`);
  };
  const sayAndLog = (line: string): void => {
    say(line);
    logLine(line);
  };

  const measurements = new Measurements(plan.slos);
  const clock = new ProgressClock(plan, measurements);
  const abort = new AbortController();
  let interrupted = false;
  let simulator: SimulatorHandle | undefined;
  let exporter: Exporter | undefined;
  let engineExit: number | null = null;
  let failure: FleetloadError | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const uninstall = (io.onInterrupt ?? defaultInterrupts)(() => {
    interrupted = true;
    abort.abort();
  }, sayAndLog);

  try {
    const { bundles } = await buildScenarios({ root: io.root, timersModule: engine.timersModule });
    const bundle = bundles.agents;
    if (!bundle) throw new EngineError('scenarios/agents.ts is missing: nothing to run');

    if (plan.metrics.enabled) {
      exporter = new Exporter({
        slos: plan.slos,
        measurements,
        run: { runId: plan.runId, release: plan.release, profile: plan.profile, engine: engine.name, clusters: plan.clusters },
      });
      measurements.observe(exporter);
      try {
        sayAndLog(`metrics: ${await exporter.listen(plan.metrics.host, plan.metrics.port)}`);
      } catch (err) {
        throw new UsageError('--metrics-addr', `cannot listen on ${plan.metrics.host}:${plan.metrics.port} (${(err as { code?: string }).code ?? errorMessage(err)})`, 'choose another with --metrics-addr HOST:PORT, or --no-metrics');
      }
    }

    clock.phase = 'starting target';
    if (plan.target === undefined) {
      simulator = await startSimulatorProcess({ root: io.root, args: simulatorArgs(plan), onLog: logLine });
      sayAndLog(`target: built-in simulator at ${simulator.url} (pid ${simulator.pid})`);
    }
    const targetUrl = plan.target ?? simulator!.url;
    await checkTarget(targetUrl);
    if (plan.target !== undefined) sayAndLog(`target: ${targetUrl}`);
    plan = withTarget(plan, targetUrl);

    const env = {
      FLEETLOAD_PLAN: JSON.stringify(plan.scenario),
      FLEETLOAD_OPTIONS: JSON.stringify(k6OptionsFor(plan)),
      FLEETLOAD_RUN_ID: plan.runId,
    };
    clock.loadStartMs = Date.now();
    clock.phase = 'ramping';
    measurements.startWarmup(plan.slos, clock.loadStartMs, plan.sloWarmupS);
    ticker = setInterval(() => {
      const snap = clock.snapshot();
      view.update(snap);
      // The log keeps a line per 10 s whatever the view, so a run can be read after the fact.
      if (snap.elapsedS % 10 === 0 || view.intervalS >= 10) logLine(JSON.stringify(snap));
    }, view.intervalS * 1000);
    ticker.unref();
    // A Ctrl-C while building or starting the target came before the engine could listen for it.
    if (!abort.signal.aborted) {
      const outcome = await engine.run({ bundlePath: bundle, env, onSamples: measurements.ingest, wanted: isRouted, onLog: logLine, signal: abort.signal });
      engineExit = outcome.exitCode;
      if (!interrupted && !K6_COMPLETED.has(outcome.exitCode)) {
        const meaning = K6_EXIT_MEANING[outcome.exitCode] ?? 'unexpected exit';
        throw new EngineError(`the ${engine.name} engine exited with ${outcome.exitCode} (${meaning}); see ${join(reportDir, 'run.log')}`);
      }
    }
  } catch (err) {
    failure = err instanceof FleetloadError ? err : new EngineError(`unexpected failure: ${errorMessage(err)}`);
    if (!(err instanceof FleetloadError) && err instanceof Error && err.stack) logLine(err.stack);
  } finally {
    if (ticker) clearInterval(ticker);
    clock.phase = 'reporting';
    view.stop();
    uninstall();
  }

  // Usage errors found before any load leave no report behind: there is nothing measured to keep.
  if (failure instanceof UsageError && measurements.counts.samples === 0) {
    await exporter?.close();
    await simulator?.stop();
    log.end();
    throw failure;
  }

  // Read while the target is still up: its own latency view, beside the agents' one.
  const targetView = measurements.counts.requests > 0 && plan.scenario.target ? await scrapeServerView(plan.scenario.target) : undefined;
  const verdicts = verdictsOf(plan, measurements);
  const breached = verdicts.filter((v) => v.status === 'fail').map((v) => v.sli);
  // A breach is a finding about the target, kept apart from harness failures in type and code.
  const violation = breached.length > 0 ? new SloViolation(breached) : undefined;
  let status: RunStatus;
  let exitCode: ExitCode;
  if (interrupted) {
    status = 'interrupted';
    exitCode = EXIT.interrupted;
  } else if (failure) {
    status = 'failed';
    exitCode = failure.exitCode;
  } else if (violation) {
    status = 'slo-violated';
    exitCode = violation.exitCode;
  } else {
    status = 'passed';
    exitCode = EXIT.ok;
  }

  const disagreements: string[] = [];
  const thresholdsPassed = engineExit === null ? null : engineExit !== 99;
  if (engineExit !== null && !interrupted && !failure) {
    if (engineExit === 99 && breached.length === 0) disagreements.push(`${engine.name} judged a threshold failed, the runner found every SLO met (the runner excludes warm-up and judges exact percentiles)`);
    if (engineExit === 0 && breached.length > 0) disagreements.push(`${engine.name} judged every threshold met, the runner found ${breached.join(', ')} breached`);
  }

  const warnings: string[] = [];
  for (const v of verdicts) {
    const server = targetView?.[v.sli as ApiSli];
    if (v.status === 'fail' && looksSaturated(v.valueMs, server)) {
      warnings.push(
        `${v.sli}: the agents saw P${v.percentile} ${Math.round(v.valueMs)} ms, the target served P99 ${Math.round(server!.p99Ms!)} ms; the difference is queueing on the load-generating side (engine CPU, or the machine it shares with the target), not the target. Give the engine more CPU or split the fleet over machines before trusting this breach.`,
      );
    }
  }

  const usage = process.resourceUsage();
  const summary: RunSummary = {
    schema: SUMMARY_SCHEMA,
    runId: plan.runId,
    release: plan.release,
    profile: plan.profile,
    status,
    exitCode,
    ...(failure ? { error: failure.message } : {}),
    startedAt: started.toISOString(),
    endedAt: new Date().toISOString(),
    wallSeconds: (Date.now() - started.getTime()) / 1000,
    plan: { clusters: plan.clusters, durationS: plan.durationS, sloWarmupS: plan.sloWarmupS, vus: plan.vus, agentsPerVu: plan.agentsPerVu },
    engine: { name: engine.name, version: engine.version, exitCode: engineExit, thresholdsPassed },
    target: { url: plan.scenario.target, kind: plan.target === undefined ? 'simulator' : 'external' },
    clusters: {
      requested: plan.clusters,
      registered: measurements.counts.registered,
      reregistered: measurements.counts.reregistered,
      failed: measurements.counts.registrationFailed,
    },
    counts: { ...measurements.counts },
    failures: failureList(measurements.failures),
    outages: measurements.outages.outages().map((o) => ({
      startedAt: new Date(o.startMs).toISOString(),
      endedAt: new Date(o.endMs).toISOString(),
      seconds: o.seconds,
      recoveredAt: o.recoveredAtMs === null ? null : new Date(o.recoveredAtMs).toISOString(),
      recoverySeconds: o.recoverySeconds,
    })),
    slos: verdicts.map(serialisable),
    disagreements,
    ...(targetView ? { targetView } : {}),
    warnings,
    runner: { peakRssBytes: usage.maxRSS * 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 },
  };
  const summaryPath = await writeSummary(reportDir, summary);
  await writeJunit(reportDir, summary);

  await exporter?.close();
  await simulator?.stop();

  sayAndLog('');
  sayAndLog(verdictTable(verdicts));
  sayAndLog('');
  sayAndLog(`registered ${summary.clusters.registered}/${plan.clusters} clusters; ${measurements.counts.requests} requests, ${measurements.counts.requestsFailed} failed`);
  for (const f of summary.failures.slice(0, 5)) sayAndLog(`  ${f.count} × ${f.status === '0' ? 'no answer' : f.status} ${f.name}`);
  for (const o of summary.outages) {
    const back = o.recoverySeconds === null ? 'the fleet had not fully recovered by the end of the run' : `the whole fleet heartbeat again ${o.recoverySeconds.toFixed(1)} s later`;
    sayAndLog(`target unavailable from ${o.startedAt} for ${o.seconds} s; ${back}`);
  }
  if (targetView) {
    const parts = (Object.entries(targetView) as [ApiSli, ServerSli][]).filter(([, v]) => v.p99Ms !== null).map(([sli, v]) => `${sli} ${v.p99Ms!.toFixed(1)} ms`);
    if (parts.length > 0) sayAndLog(`the target's own view (server-side P99, from its /metrics buckets): ${parts.join(', ')}`);
  }
  for (const d of disagreements) sayAndLog(`note: ${d}`);
  for (const w of warnings) sayAndLog(`warning: ${w}`);
  if (failure) sayAndLog(`error: ${failure.message}`);
  const outcomeText: Record<RunStatus, string> = {
    passed: 'every SLO met',
    'slo-violated': violation?.message ?? '',
    failed: 'the run failed (harness, engine or target), see the error above',
    interrupted: 'interrupted; the partial report holds what was measured',
  };
  sayAndLog(`${outcomeText[status]} (exit ${exitCode}); report: ${reportDir}`);
  await new Promise<void>((r) => log.end(r));
  return { exitCode, summaryPath, summary };
}

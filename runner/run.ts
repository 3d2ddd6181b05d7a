// One scale run end to end: plan → engine → bundle → exporter → target → load → verdict → report.
// Every way out (pass, breach, harness failure, Ctrl-C) writes the summary of what was measured.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import config from '../k6.config';
import { buildScenarios } from './build/scenarios';
import { k6OptionsFor } from './config/k6-options';
import { resolvePlan, withTarget, type RunFlags, type RunPlan } from './config/resolve';
import type { LoadEngine } from './engines/engine';
import { K6_COMPLETED, K6_EXIT_MEANING } from './engines/engine';
import { selectEngine } from './engines/select';
import { EngineError, errorMessage, EXIT, FleetloadError, SloViolation, UsageError, type ExitCode } from './errors';
import { isRouted, Measurements, SLI_NAMES } from './ingest/measurements';
import { Exporter } from './metrics/exporter';
import { failureList, serialisable, SUMMARY_SCHEMA, writeSummary, type RunStatus, type RunSummary } from './report/summary';
import { checkTarget } from './target/preflight';
import { startSimulatorProcess, type SimulatorHandle } from './target/simulator-process';
import { judge, type SloVerdict } from './verdict/judge';
import { verdictTable } from './verdict/table';

export interface RunIo {
  root: string;
  /** Lines for the person or CI log running this. */
  say: (line: string) => void;
  /** Installs the interrupt handling; returns an uninstaller. Tests pass their own. */
  onInterrupt?: (graceful: () => void) => () => void;
}

export interface RunResult {
  exitCode: ExitCode;
  summaryPath: string | undefined;
  summary: RunSummary | undefined;
}

function defaultInterrupts(say: (line: string) => void): (graceful: () => void) => () => void {
  return (graceful) => {
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
  };
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

function progressLine(plan: RunPlan, m: Measurements, startMs: number, lastRequests: { n: number; at: number }): string {
  const now = Date.now();
  const elapsed = Math.round((now - startMs) / 1000);
  const rate = ((m.counts.requests - lastRequests.n) * 1000) / Math.max(1, now - lastRequests.at);
  lastRequests.n = m.counts.requests;
  lastRequests.at = now;
  const errors = m.counts.requests > 0 ? (100 * m.counts.requestsFailed) / m.counts.requests : 0;
  return `[${elapsed}s/${plan.durationS}s] registered ${m.counts.registered}/${plan.clusters}, heartbeats ${m.counts.heartbeats}, ${rate.toFixed(0)} req/s, ${errors.toFixed(2)} % errors`;
}

export async function runScale(flags: RunFlags, io: RunIo): Promise<RunResult> {
  const started = new Date();
  const plan0 = resolvePlan(config, flags, started);
  const reportDir = resolve(io.root, plan0.reportsDir, plan0.runId);
  await mkdir(reportDir, { recursive: true });
  const log: WriteStream = createWriteStream(join(reportDir, 'run.log'));
  const logLine = (line: string): void => {
    log.write(`${line}\n`);
  };
  const say = (line: string): void => {
    io.say(line);
    logLine(line);
  };

  const measurements = new Measurements(plan0.slos);
  const abort = new AbortController();
  let interrupted = false;
  let plan = plan0;
  let engine: LoadEngine | undefined;
  let simulator: SimulatorHandle | undefined;
  let exporter: Exporter | undefined;
  let engineExit: number | null = null;
  let failure: FleetloadError | undefined;
  let progress: NodeJS.Timeout | undefined;
  const uninstall = (io.onInterrupt ?? defaultInterrupts(io.say))(() => {
    interrupted = true;
    abort.abort();
  });

  try {
    engine = selectEngine(plan.engine, io.root, reportDir, {
      ...(plan.k6PrometheusRw !== undefined ? { prometheusRw: plan.k6PrometheusRw } : {}),
      // testid is the convention of k6's remote-write dashboards; release lets runs be compared.
      tags: { testid: plan.runId, release: plan.release },
    });
    say(`fleetload run ${plan.runId}: ${plan.clusters} clusters, ${plan.durationS}s, profile ${plan.profile}, ${plan.vus} VUs with up to ${plan.agentsPerVu} agent${plan.agentsPerVu === 1 ? '' : 's'} each, engine ${engine.version}`);
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
        say(`metrics: ${await exporter.listen(plan.metrics.host, plan.metrics.port)}`);
      } catch (err) {
        throw new UsageError('--metrics-addr', `cannot listen on ${plan.metrics.host}:${plan.metrics.port} (${(err as { code?: string }).code ?? errorMessage(err)})`, 'choose another with --metrics-addr HOST:PORT, or --no-metrics');
      }
    }

    if (plan.target === undefined) {
      simulator = await startSimulatorProcess({ root: io.root, args: simulatorArgs(plan), onLog: logLine });
      say(`target: built-in simulator at ${simulator.url} (pid ${simulator.pid})`);
    }
    const targetUrl = plan.target ?? simulator!.url;
    await checkTarget(targetUrl);
    if (plan.target !== undefined) say(`target: ${targetUrl}`);
    plan = withTarget(plan, targetUrl);

    const env = {
      FLEETLOAD_PLAN: JSON.stringify(plan.scenario),
      FLEETLOAD_OPTIONS: JSON.stringify(k6OptionsFor(plan)),
      FLEETLOAD_RUN_ID: plan.runId,
    };
    const loadStart = Date.now();
    measurements.startWarmup(plan.slos, loadStart, plan.sloWarmupS);
    const last = { n: 0, at: loadStart };
    progress = setInterval(() => say(progressLine(plan, measurements, loadStart, last)), 10_000);
    progress.unref();
    const outcome = await engine.run({ bundlePath: bundle, env, onSamples: measurements.ingest, wanted: isRouted, onLog: logLine, signal: abort.signal });
    engineExit = outcome.exitCode;
    if (!interrupted && !K6_COMPLETED.has(outcome.exitCode)) {
      const meaning = K6_EXIT_MEANING[outcome.exitCode] ?? 'unexpected exit';
      throw new EngineError(`the ${engine.name} engine exited with ${outcome.exitCode} (${meaning}); see ${join(reportDir, 'run.log')}`);
    }
  } catch (err) {
    failure = err instanceof FleetloadError ? err : new EngineError(`unexpected failure: ${errorMessage(err)}`);
    if (!(err instanceof FleetloadError) && err instanceof Error && err.stack) logLine(err.stack);
  } finally {
    if (progress) clearInterval(progress);
    uninstall();
  }

  // Usage errors found before any load leave no report behind: there is nothing measured to keep.
  if (failure instanceof UsageError && measurements.counts.samples === 0) {
    await exporter?.close();
    await simulator?.stop();
    log.end();
    throw failure;
  }

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
    if (engineExit === 99 && breached.length === 0) disagreements.push(`${engine?.name} judged a threshold failed, the runner found every SLO met (the runner excludes warm-up and judges exact percentiles)`);
    if (engineExit === 0 && breached.length > 0) disagreements.push(`${engine?.name} judged every threshold met, the runner found ${breached.join(', ')} breached`);
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
    engine: { name: engine?.name ?? 'none', version: engine?.version ?? '', exitCode: engineExit, thresholdsPassed },
    target: { url: plan.scenario.target, kind: plan.target === undefined ? 'simulator' : 'external' },
    clusters: {
      requested: plan.clusters,
      registered: measurements.counts.registered,
      reregistered: measurements.counts.reregistered,
      failed: measurements.counts.registrationFailed,
    },
    counts: { ...measurements.counts },
    failures: failureList(measurements.failures),
    slos: verdicts.map(serialisable),
    disagreements,
    runner: { peakRssBytes: usage.maxRSS * 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 },
  };
  const summaryPath = await writeSummary(reportDir, summary);

  await exporter?.close();
  await simulator?.stop();

  say('');
  say(verdictTable(verdicts));
  say('');
  say(`registered ${summary.clusters.registered}/${plan.clusters} clusters; ${measurements.counts.requests} requests, ${measurements.counts.requestsFailed} failed`);
  for (const f of summary.failures.slice(0, 5)) say(`  ${f.count} × ${f.status === '0' ? 'no answer' : f.status} ${f.name}`);
  for (const d of disagreements) say(`note: ${d}`);
  if (failure) say(`error: ${failure.message}`);
  const outcomeText: Record<RunStatus, string> = {
    passed: 'every SLO met',
    'slo-violated': violation?.message ?? '',
    failed: 'the run failed (harness, engine or target), see the error above',
    interrupted: 'interrupted; the partial report holds what was measured',
  };
  say(`${outcomeText[status]} (exit ${exitCode}); summary: ${summaryPath}`);
  await new Promise<void>((r) => log.end(r));
  return { exitCode, summaryPath, summary };
}

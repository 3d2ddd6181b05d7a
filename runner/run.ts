// One scale run as a pipeline of named stages: plan → preflight → load → verdict → report. Every
// way out once the load has started (pass, breach, harness failure, Ctrl-C) writes the reports of
// what was measured; a run that stops before the load writes nothing.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import defaultConfig, { type FleetloadConfig } from '../k6.config';
import type { ProtocolRegistry } from '../scenarios/lib/protocol';
import { PROTOCOLS } from '../scenarios/protocols/index';
import { resolvePlan, type RunFlags } from './config/resolve';
import { selectEngine } from './engines/select';
import { EXIT, type ExitCode } from './exit-codes';
import { UsageError } from './errors';
import { GeneratorHealthSampler } from './health/sampler';
import { Measurements } from './ingest/measurements';
import { processInterrupts, type InstallInterrupts } from './pipeline/interrupts';
import { closingLines } from './pipeline/closing';
import { runLoad } from './pipeline/load';
import { preflight, type Prepared } from './pipeline/preflight';
import { RunLog } from './pipeline/run-log';
import { Timeline } from './pipeline/timeline';
import { buildSummary } from './pipeline/summary';
import { concludeRun } from './pipeline/verdict';
import { checkFdLimit } from './preflight/fd-limit';
import { planText } from './preflight/plan-text';
import { ProgressClock } from './progress/snapshot';
import { viewFor, type ProgressMode } from './progress/views';
import { writeReports } from './report/writers';
import type { RunSummary } from './report/summary';
import { probeTarget } from './target/probe';
import { agentMinutes, computeFidelity, fidelityLines, operatorCalls, requestCounts } from './target/fidelity';
import { readTargetMetrics, scrapeServerView } from './target/server-view';

export type { ProgressMode } from './progress/views';

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
  onInterrupt?: InstallInterrupts;
  /** The configuration; k6.config.ts unless a test hands in its own. */
  config?: FleetloadConfig;
  /** The protocols; scenarios/protocols unless a test registers one more. */
  protocols?: ProtocolRegistry;
  /** A scenario entry other than scenarios/agents.ts, built and run instead (a test's own). */
  scenarioEntry?: string;
}

export interface RunResult {
  exitCode: ExitCode;
  summaryPath: string | undefined;
  summary: RunSummary | undefined;
}

export async function runScale(flags: RunFlags, io: RunIo): Promise<RunResult> {
  const startedAt = new Date();
  const view = viewFor(io.progress ?? 'auto', io.isTty, io.write);
  const say = (line: string): void => view.log(line);
  const protocols = io.protocols ?? PROTOCOLS;

  // Plan: configuration, engine and limits, printed before anything starts.
  const plan = resolvePlan(io.config ?? defaultConfig, flags, startedAt, protocols);
  const protocol = protocols.get(plan.protocol)!;
  const reportDir = resolve(io.root, plan.reportsDir, plan.runId);
  const engine = selectEngine(
    plan.engine,
    io.root,
    reportDir,
    // testid is the convention of k6's remote-write dashboards; release lets runs be compared.
    // Only then: on every sample they would lengthen each JSON line the runner reads.
    plan.k6PrometheusRw !== undefined ? { prometheusRw: plan.k6PrometheusRw, tags: { testid: plan.runId, release: plan.release } } : {},
  );
  if (protocol.targetKind === 'kube' && engine.k6Modules.websockets !== 'k6/websockets') {
    // The experimental module of older k6 differs from k6/websockets (what the engine conforms to).
    throw new UsageError('--engine', `protocol ${protocol.name} watches over k6/websockets, which ${engine.version} does not have (k6 v1.6 or later has it)`, 'build the pinned k6 with npm run k6:build, point K6_BIN at k6 v1.6+, or use --engine embedded');
  }
  const fd = checkFdLimit(plan);
  say(planText(plan, engine.version, plan.target ?? 'the built-in simulator on a free loopback port', fd));
  if (!fd.ok) throw new UsageError('file-descriptor limit', `the run needs about ${fd.needed} open files, the limit is ${fd.limit?.soft}`, fd.advice);
  if (io.dryRun) {
    if (plan.target !== undefined) say(`target ${plan.target} answers: ${await probeTarget(protocol, { url: plan.target, ...plan.credentials }, protocols.names())}`);
    say('dry run: no load sent, nothing written');
    return { exitCode: EXIT.ok, summaryPath: undefined, summary: undefined };
  }

  const log = new RunLog();
  const sayAndLog = (line: string): void => {
    say(line);
    log.line(line);
  };
  const measurements = new Measurements(plan.slos);
  const health = new GeneratorHealthSampler();
  const timeline = new Timeline(measurements, health);
  const clock = new ProgressClock(plan, measurements, health);
  const abort = new AbortController();
  let interrupted = false;
  const uninstall = (io.onInterrupt ?? processInterrupts)(() => {
    interrupted = true;
    abort.abort();
  }, sayAndLog);

  let prepared: Prepared | undefined;
  try {
    // Preflight: everything that can fail before load; on failure nothing is written.
    clock.phase = 'starting target';
    prepared = await preflight({
      root: io.root,
      plan,
      protocol,
      registered: protocols.names(),
      engine,
      measurements,
      loadStartMs: () => clock.loadStartMs,
      health,
      ...(io.scenarioEntry ? { scenarioEntry: io.scenarioEntry } : {}),
      say: sayAndLog,
      log: log.line,
    });
    await mkdir(reportDir, { recursive: true });
    log.open(reportDir);

    // The target's request counter before the load, for the fidelity check after it.
    const reference = protocol.callReference;
    const countsBefore = reference === undefined ? undefined : await readTargetMetrics(prepared.targetUrl, reference.path);

    // Load.
    const load = await runLoad({ plan, engine, bundle: prepared.bundle, targetUrl: prepared.targetUrl, measurements, clock, view, signal: abort.signal, log: log.line, logPath: join(reportDir, 'run.log'), health, timeline });
    clock.phase = 'reporting';
    view.stop();

    // Verdict, read while the target is still up: its own latency view beside the agents'.
    const targetView = measurements.counts.requests > 0 ? await scrapeServerView(prepared.targetUrl, protocol.serverMetrics, measurements.slis) : undefined;
    const verdict = concludeRun({ plan, measurements, engineName: engine.name, engineExit: load.engineExit, failure: load.failure, interrupted, targetView, health: health.windows, engineCapacityCores: engine.capacityCores, targetUrl: prepared.targetUrl });

    // What the agents sent, as the target counted it, beside a real agent's idle rates.
    const countsAfter = reference === undefined || countsBefore === undefined ? undefined : await readTargetMetrics(prepared.targetUrl, reference.path);
    const fidelity =
      reference === undefined || countsBefore === undefined || countsAfter === undefined
        ? undefined
        : computeFidelity({
            reference,
            before: requestCounts(countsBefore, reference.family),
            after: requestCounts(countsAfter, reference.family),
            operator: operatorCalls(timeline.windows),
            agents: plan.clusters,
            agentMinutes: agentMinutes(plan.clusters, plan.durationS, plan.agent.registrationRatePerS),
          });
    if (fidelity !== undefined) for (const line of fidelityLines(fidelity)) sayAndLog(line);

    // Report.
    const summary = buildSummary({ plan, engine, engineExit: load.engineExit, targetUrl: prepared.targetUrl, measurements, verdict, targetView, timeline: timeline.windows, engineCapacityCores: engine.capacityCores, root: io.root, startedAt, fidelity });
    const written = await writeReports(reportDir, summary);
    await prepared.release();
    for (const line of closingLines(summary, verdict, reportDir)) sayAndLog(line);
    return { exitCode: verdict.exitCode, summaryPath: written['summary.json'], summary };
  } finally {
    // Whatever went wrong after preflight, the exporter and the simulator do not outlive the run.
    await prepared?.release();
    view.stop();
    uninstall();
    await log.close();
  }
}

// Everything that can fail before load, done before the report directory exists: the exporter's
// port, the bundle, the target (the built-in simulator started, or the user's probed). On any
// failure what was started is stopped again and nothing is written.
import { join } from 'node:path';
import type { Protocol } from '../../scenarios/lib/protocol';
import { buildScenarios, k6ModulesDirName } from '../build/scenarios';
import type { RunPlan } from '../config/resolve';
import type { LoadEngine } from '../engines/engine';
import { EngineFailure, errorMessage, TargetError, UsageError } from '../errors';
import type { Measurements } from '../ingest/measurements';
import type { GeneratorHealthSampler } from '../health/sampler';
import { Exporter } from '../metrics/exporter';
import { fleetProgress } from '../verdict/fleet-progress';
import { probeTarget } from '../target/probe';
import { rememberServerViewAccess } from '../target/server-view';
import { SimulatorStartError, startSimulatorProcess, type SimulatorHandle } from '../../simulator/process';

export interface PreflightInput {
  root: string;
  plan: RunPlan;
  protocol: Protocol;
  registered: readonly string[];
  engine: LoadEngine;
  measurements: Measurements;
  /** When the load starts (0 before): the live verdict's clock. */
  loadStartMs: () => number;
  /** The generator's health, exported live. */
  health: GeneratorHealthSampler;
  /** A scenario entry other than scenarios/agents.ts (tests with their own protocol). */
  scenarioEntry?: string;
  say: (line: string) => void;
  log: (line: string) => void;
}

export interface Prepared {
  bundle: string;
  targetUrl: string;
  exporter: Exporter | undefined;
  simulator: SimulatorHandle | undefined;
  /** Stops the exporter and the simulator; safe to call twice. */
  release(): Promise<void>;
}

/** The simulator's lease must outlast the agents' heartbeat interval with room for jitter and backoff. */
function simulatorArgs(plan: RunPlan): string[] {
  const lease = Math.max(40, Math.ceil(plan.agent.heartbeatIntervalS * 4));
  return ['--lease-duration', String(lease), '--registration-token', plan.credentials.registrationToken, '--operator-token', plan.credentials.operatorToken];
}

export async function preflight(input: PreflightInput): Promise<Prepared> {
  const { plan, measurements, say, log } = input;
  let exporter: Exporter | undefined;
  let simulator: SimulatorHandle | undefined;
  let forgetAccess = (): void => undefined;
  const release = async (): Promise<void> => {
    const e = exporter;
    const s = simulator;
    exporter = undefined;
    simulator = undefined;
    forgetAccess();
    await e?.close();
    await s?.stop();
  };
  try {
    if (plan.metrics.enabled) {
      exporter = new Exporter({
        slos: plan.slos,
        measurements,
        progress: () => fleetProgress(plan, measurements.counts, input.loadStartMs() > 0 ? Date.now() - input.loadStartMs() : 0),
        health: () => input.health.current(),
        run: { runId: plan.runId, release: plan.release, profile: plan.profile, engine: input.engine.name, clusters: plan.clusters, protocol: plan.protocol },
      });
      try {
        say(`metrics: ${await exporter.listen(plan.metrics.host, plan.metrics.port)}`);
      } catch (err) {
        exporter = undefined;
        throw new UsageError('--metrics-addr', `cannot listen on ${plan.metrics.host}:${plan.metrics.port} (${(err as { code?: string }).code ?? errorMessage(err)})`, 'choose another with --metrics-addr HOST:PORT, or --no-metrics');
      }
      measurements.observe(exporter);
    }

    const bundle = await buildBundle(input);

    let targetUrl = plan.target;
    if (targetUrl === undefined) {
      try {
        simulator = await startSimulatorProcess({ root: input.root, args: simulatorArgs(plan), onLog: (line) => log(`[simulator] ${line}`) });
      } catch (err) {
        throw err instanceof SimulatorStartError ? new TargetError(`the built-in simulator did not start: ${err.message}`) : err;
      }
      targetUrl = simulator.url;
      say(`target: built-in simulator at ${targetUrl} (pid ${simulator.pid})`);
    }
    const spec = { url: targetUrl, ...plan.credentials };
    const what = await probeTarget(input.protocol, spec, input.registered);
    if (plan.target !== undefined) say(`target: ${targetUrl} (${what})`);
    // The end-of-run /metrics read of a Kubernetes target needs its CA and identity too.
    if (spec.kube !== undefined) forgetAccess = rememberServerViewAccess(targetUrl, { target: spec, warn: say });
    return { bundle, targetUrl, exporter, simulator, release };
  } catch (err) {
    await release();
    throw err;
  }
}

async function buildBundle(input: PreflightInput): Promise<string> {
  const entry = input.scenarioEntry;
  try {
    // Another entry goes to a folder of its own, so dist/k6 holds exactly the product's bundles.
    const modules = input.engine.k6Modules;
    const custom = entry ? { entries: [entry], outDir: join(input.root, 'dist', 'entries', k6ModulesDirName(modules)) } : {};
    const { bundles } = await buildScenarios({ root: input.root, modules, ...custom });
    const bundle = entry ? Object.values(bundles)[0] : bundles.agents;
    if (!bundle) throw new EngineFailure('scenarios/agents.ts is missing: nothing to run');
    return bundle;
  } catch (err) {
    if (err instanceof EngineFailure) throw err;
    throw new EngineFailure(`the scenarios did not build: ${errorMessage(err)}`);
  }
}

// One RunSummary from the plan, the measurements and the verdict: what every report writer reads.
import type { RunPlan } from '../config/resolve';
import type { LoadEngine } from '../engines/engine';
import type { Measurements } from '../ingest/measurements';
import { failureList, serialisable, SUMMARY_SCHEMA, type RunSummary, type TimelineWindow } from '../report/summary';
import { HEALTH_WINDOW_S } from '../health/sampler';
import type { CallFidelity } from '../target/fidelity';
import type { ServerView } from '../target/server-view';
import { fleetloadVersionOf, gitCommitOf, hostOf } from '../report/provenance';
import type { RunVerdict } from './verdict';

export interface SummaryInput {
  plan: RunPlan;
  engine: Pick<LoadEngine, 'name' | 'version'>;
  engineExit: number | null;
  targetUrl: string;
  measurements: Measurements;
  verdict: RunVerdict;
  targetView: ServerView | undefined;
  timeline: readonly TimelineWindow[];
  engineCapacityCores: number;
  /** The package root: the version and the commit are read from it. */
  root: string;
  startedAt: Date;
  endedAt?: Date;
  fidelity?: CallFidelity;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function buildSummary(input: SummaryInput): RunSummary {
  const { plan, measurements: m, verdict } = input;
  const ended = input.endedAt ?? new Date();
  const usage = process.resourceUsage();
  return {
    schema: SUMMARY_SCHEMA,
    runId: plan.runId,
    release: plan.release,
    profile: plan.profile,
    status: verdict.status,
    exitCode: verdict.exitCode,
    ...((verdict.status === 'failed' || verdict.status === 'inconclusive') && verdict.reason ? { error: verdict.reason.message } : {}),
    startedAt: input.startedAt.toISOString(),
    endedAt: ended.toISOString(),
    wallSeconds: (ended.getTime() - input.startedAt.getTime()) / 1000,
    plan: { clusters: plan.clusters, durationS: plan.durationS, sloWarmupS: plan.sloWarmupS, vus: plan.vus, agentsPerVu: plan.agentsPerVu },
    engine: { name: input.engine.name, version: input.engine.version, exitCode: input.engineExit, thresholdsPassed: verdict.thresholdsPassed },
    host: hostOf(),
    gitCommit: gitCommitOf(input.root),
    fleetloadVersion: fleetloadVersionOf(input.root),
    target: { url: input.targetUrl, kind: plan.target === undefined ? 'simulator' : 'external', protocol: plan.protocol },
    clusters: { requested: plan.clusters, registered: m.counts.registered, reregistered: m.counts.reregistered, failed: m.counts.registrationFailed },
    counts: { ...m.counts },
    failures: failureList(m.failures),
    outages: m.outages.outages().map((o) => ({
      startedAt: iso(o.startMs),
      endedAt: iso(o.endMs),
      seconds: o.seconds,
      recoveredAt: o.recoveredAtMs === null ? null : iso(o.recoveredAtMs),
      recoverySeconds: o.recoverySeconds,
    })),
    slos: verdict.verdicts.map((v) => serialisable(v, m.recorder(v.sli).encoded())),
    timeline: { windowS: HEALTH_WINDOW_S, windows: [...input.timeline] },
    disagreements: verdict.disagreements,
    generator: { saturated: verdict.generator.saturated, reasons: verdict.generator.reasons, engineCapacityCores: input.engineCapacityCores, unhealthyWindows: verdict.generator.unhealthyWindows },
    ...(input.targetView ? { targetView: input.targetView } : {}),
    ...(input.fidelity ? { fidelity: input.fidelity } : {}),
    warnings: verdict.warnings,
    runner: { peakRssBytes: usage.maxRSS * 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 },
  };
}

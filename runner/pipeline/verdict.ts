// The run's conclusion from what was measured: a verdict per SLO (the one judge), then the status
// and exit code, where k6's own threshold verdict disagrees, and what changes how to read it.
import type { RunPlan } from '../config/resolve';
import { k6RunCompleted, K6_EXIT } from '../engines/engine';
import { EXIT, type ExitCode } from '../exit-codes';
import { FleetloadError, GeneratorSaturated, SloViolation, UsageError } from '../errors';
import { judgeGenerator, type GeneratorVerdict } from '../health/judge';
import type { HealthWindow } from '../health/sampler';
import type { Measurements } from '../ingest/measurements';
import type { RunStatus } from '../report/summary';
import type { ServerView } from '../target/server-view';
import { fleetProgress } from '../verdict/fleet-progress';
import { judgeAll, type SloVerdict } from '../verdict/judge';

export interface RunVerdict {
  verdicts: SloVerdict[];
  status: RunStatus;
  exitCode: ExitCode;
  /** The harness failure, or the breach, that decided the status; undefined when it passed. */
  reason: FleetloadError | undefined;
  /** Whether real k6 (or the embedded engine) judged its thresholds met; null when it never finished. */
  thresholdsPassed: boolean | null;
  generator: GeneratorVerdict;
  disagreements: string[];
  warnings: string[];
}

export interface VerdictInput {
  plan: RunPlan;
  measurements: Measurements;
  engineName: string;
  engineExit: number | null;
  failure: FleetloadError | undefined;
  interrupted: boolean;
  targetView: ServerView | undefined;
  health: readonly HealthWindow[];
  /** Cores the engine can use: the embedded engine's threads, or the host's cores for k6. */
  engineCapacityCores: number;
  /** Where the load went; a target on this machine shares its CPU with the generator. */
  targetUrl?: string;
}

/** Whether the target runs on this machine (loopback), where a busy host starves it too. */
export function sharesHost(targetUrl: string | undefined): boolean {
  if (targetUrl === undefined) return true;
  try {
    const host = new URL(targetUrl).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || host.startsWith('127.');
  } catch {
    return false;
  }
}

/**
 * Not one agent registered and the target answered (almost) every failed call with 401/403: the
 * run's credentials are wrong. That is the user's configuration, not a finding about the target.
 */
export function credentialsRejected(m: Measurements): boolean {
  if (m.counts.registered > 0 || m.counts.requestsFailed === 0) return false;
  let denied = 0;
  for (const [key, n] of m.failures) if (key.startsWith('401 ') || key.startsWith('403 ')) denied += n;
  return denied >= 0.9 * m.counts.requestsFailed;
}

/**
 * Why a breach is the target's whatever the generator's health, or undefined. A saturated
 * generator can slow what the agents see; it cannot make the target's own histogram slow, nor
 * make the target answer with server errors.
 */
export function confirmedByTarget(v: SloVerdict, server: ServerView | undefined, m: Measurements, trustServerView = true): string | undefined {
  const own = server?.[v.sli];
  if (trustServerView && own && own.p99Ms !== null && own.count > 0 && own.p99Ms > v.objectiveMs) return `the target's own P99 was ${Math.round(own.p99Ms)} ms`;
  if (v.missing > 0) {
    let serverErrors = 0;
    for (const [key, n] of m.failures) if (key.startsWith('5')) serverErrors += n;
    if (serverErrors > 0) return `${v.missing} never completed while the target answered ${serverErrors} call(s) with a server error`;
  }
  return undefined;
}

export function concludeRun(input: VerdictInput): RunVerdict {
  const { plan, measurements: m } = input;
  const verdicts = judgeAll(m, plan.slos, fleetProgress(plan, m.counts));
  const breached = verdicts.filter((v) => v.status === 'fail').map((v) => v.sli);
  const generator = judgeGenerator(input.health, plan.generator, input.engineCapacityCores, verdicts, input.targetView);
  // A target on this machine, with the host's CPU saturated, was starved by the generator too:
  // its own histogram then shows the harness's load as much as its own slowness.
  const hostBusy = input.health.some((w) => w.hostBusy > plan.generator.maxHostBusy);
  const trustServerView = !(hostBusy && sharesHost(input.targetUrl));
  const confirmed = verdicts.flatMap((v) => {
    const why = v.status === 'fail' ? confirmedByTarget(v, input.targetView, m, trustServerView) : undefined;
    return why === undefined ? [] : [{ sli: v.sli, why }];
  });

  let failure = input.failure;
  if (!failure && !input.interrupted && credentialsRejected(m)) {
    failure = new UsageError('--registration-token', `the target rejected the agents' credentials (every failed call was 401 or 403, no agent registered)`, 'pass the tokens the target expects with --registration-token and --operator-token');
  }
  let status: RunStatus;
  let reason: FleetloadError | undefined;
  if (input.interrupted) {
    status = 'interrupted';
    reason = undefined;
  } else if (failure) {
    status = 'failed';
    reason = failure;
  } else if (breached.length > 0 && generator.saturated && confirmed.length === 0) {
    // A breach the harness may have caused is no finding about the target.
    status = 'inconclusive';
    reason = new GeneratorSaturated(breached, generator.reasons);
  } else if (generator.saturated && confirmed.length > 0) {
    // The target's own evidence shows these breaches: a finding, whatever else the generator did.
    status = 'slo-violated';
    reason = new SloViolation(confirmed.map((c) => c.sli));
  } else if (breached.length > 0) {
    status = 'slo-violated';
    reason = new SloViolation(breached);
  } else {
    status = 'passed';
    reason = undefined;
  }
  const exitCode: ExitCode = status === 'interrupted' ? EXIT.interrupted : (reason?.exitCode ?? EXIT.ok);

  const exit = input.engineExit;
  const thresholdsPassed = exit === null || !k6RunCompleted(exit) ? null : exit !== K6_EXIT.thresholdsFailed;
  const disagreements: string[] = [];
  if (thresholdsPassed !== null && status !== 'interrupted' && status !== 'failed') {
    if (!thresholdsPassed && breached.length === 0) disagreements.push(`${input.engineName} judged a threshold failed, the runner found every SLO met (the runner excludes warm-up and judges exact percentiles)`);
    if (thresholdsPassed && breached.length > 0) disagreements.push(`${input.engineName} judged every threshold met, the runner found ${breached.join(', ')} breached`);
  }

  const warnings: string[] = [];
  if (generator.saturated && status === 'slo-violated') {
    const unconfirmed = breached.filter((b) => !confirmed.some((c) => c.sli === b));
    warnings.push(`the load generator was saturated (${generator.reasons.join('; ')}); the breach of ${confirmed.map((c) => `${c.sli} (${c.why})`).join(', ')} is the target's own${unconfirmed.length > 0 ? `; ${unconfirmed.join(', ')} may be the harness's (inconclusive)` : ''}`);
  } else if (generator.saturated && status !== 'inconclusive') {
    warnings.push(`the load generator was saturated (${generator.reasons.join('; ')}); client-side latencies include its queueing, so the margins under each SLO are smaller than they look`);
  }
  if (m.counts.malformed > 0) warnings.push(`${m.counts.malformed} sample line(s) from the engine could not be read and were left out; see the run log`);
  return { verdicts, status, exitCode, reason, thresholdsPassed, generator, disagreements, warnings };
}

// The run's conclusion from what was measured: a verdict per SLO (the one judge), then the status
// and exit code, where k6's own threshold verdict disagrees, and what changes how to read it.
import type { RunPlan } from '../config/resolve';
import { k6RunCompleted, K6_EXIT } from '../engines/engine';
import { EXIT, type ExitCode } from '../exit-codes';
import { FleetloadError, SloViolation, UsageError } from '../errors';
import type { Measurements } from '../ingest/measurements';
import type { RunStatus } from '../report/summary';
import { looksSaturated, type ServerView } from '../target/server-view';
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

export function concludeRun(input: VerdictInput): RunVerdict {
  const { plan, measurements: m } = input;
  const verdicts = judgeAll(m, plan.slos, fleetProgress(plan, m.counts));
  const breached = verdicts.filter((v) => v.status === 'fail').map((v) => v.sli);

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
  for (const v of verdicts) {
    const server = input.targetView?.[v.sli];
    if (v.status === 'fail' && server && looksSaturated(v.valueMs, server)) {
      warnings.push(
        `${v.sli}: the agents saw P${v.percentile} ${Math.round(v.valueMs)} ms, the target served P99 ${Math.round(server.p99Ms!)} ms; the difference is queueing on the load-generating side (engine CPU, or the machine it shares with the target), not the target. Give the engine more CPU or split the fleet over machines before trusting this breach.`,
      );
    }
  }
  if (m.counts.malformed > 0) warnings.push(`${m.counts.malformed} sample line(s) from the engine could not be read and were left out; see the run log`);
  return { verdicts, status, exitCode, reason, thresholdsPassed, disagreements, warnings };
}

// How many registrations were due, for the judge's never-completed rule: at the end of a run the
// whole fleet; while it runs, the agents that started registering longer ago than the objective
// (agent i starts at i / registrationRatePerS), so a live verdict fails as soon as, and only when,
// the final one would count those agents as infinitely slow.
import type { RunCounts } from '../ingest/measurements';
import type { RunPlan } from '../config/resolve';
import type { FleetProgress } from './judge';

export function fleetProgress(plan: Pick<RunPlan, 'clusters' | 'agent' | 'slos'>, counts: Pick<RunCounts, 'registered'>, elapsedMs?: number): FleetProgress {
  if (elapsedMs === undefined) return { dueRegistrations: plan.clusters, registered: counts.registered };
  const overdueForMs = elapsedMs - plan.slos.registration.thresholdMs;
  const due = overdueForMs <= 0 ? 0 : Math.min(plan.clusters, Math.floor((plan.agent.registrationRatePerS * overdueForMs) / 1000));
  return { dueRegistrations: due, registered: counts.registered };
}

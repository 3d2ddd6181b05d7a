// What the run looks like right now, computed from the measurements once per refresh.
import type { RunPlan } from '../config/resolve';
import type { GeneratorHealthSampler, HealthWindow } from '../health/sampler';
import type { Measurements } from '../ingest/measurements';
import { fleetProgress } from '../verdict/fleet-progress';
import { judgeAll } from '../verdict/judge';

export type Phase = 'building' | 'starting target' | 'ramping' | 'steady' | 'rolling out' | 'draining' | 'reporting';

export interface SliNow {
  sli: string;
  count: number;
  /** The judged percentile over the samples so far (after warm-up); null before any sample. */
  valueMs: number | null;
  objectiveMs: number;
  ok: boolean | null;
}

export interface ProgressSnapshot {
  phase: Phase;
  elapsedS: number;
  remainingS: number;
  clusters: { total: number; registered: number; reregistered: number; failed: number };
  requestsPerS: number;
  /** Failed requests over all requests of the last interval, in percent. */
  errorPercent: number;
  slis: SliNow[];
  /** The load generator's last 10 s window, once there is one. */
  generator?: Pick<HealthWindow, 'engineCores' | 'eventLoopP99Ms' | 'hostBusy'>;
}

/** Rates over the interval since the previous snapshot. */
export class ProgressClock {
  private lastRequests = 0;
  private lastFailed = 0;
  private lastAt: number;
  phase: Phase = 'building';
  loadStartMs = 0;

  constructor(
    private readonly plan: RunPlan,
    private readonly m: Measurements,
    private readonly health?: GeneratorHealthSampler,
    now = Date.now(),
  ) {
    this.lastAt = now;
  }

  private loadPhase(elapsedS: number): Phase {
    const c = this.m.counts;
    if (elapsedS >= this.plan.durationS) return 'draining';
    const { rollout } = this.plan;
    const rolloutsDone = c.rolloutsCompleted + c.rolloutsIncomplete;
    if (rollout.count > 0 && elapsedS >= rollout.startAfterS && rolloutsDone < rollout.count) return 'rolling out';
    if (c.registered < this.plan.clusters) return 'ramping';
    return 'steady';
  }

  snapshot(now = Date.now()): ProgressSnapshot {
    const c = this.m.counts;
    const dt = Math.max(1, now - this.lastAt) / 1000;
    const requests = c.requests - this.lastRequests;
    const failed = c.requestsFailed - this.lastFailed;
    this.lastRequests = c.requests;
    this.lastFailed = c.requestsFailed;
    this.lastAt = now;
    const elapsedS = this.loadStartMs > 0 ? (now - this.loadStartMs) / 1000 : 0;
    const phase = this.loadStartMs > 0 && (this.phase === 'ramping' || this.phase === 'steady' || this.phase === 'rolling out') ? this.loadPhase(elapsedS) : this.phase;
    if (phase !== this.phase && this.loadStartMs > 0 && this.phase !== 'reporting') this.phase = phase;
    const g = this.health?.current();
    return {
      ...(g ? { generator: { engineCores: Math.round(g.engineCores * 100) / 100, eventLoopP99Ms: Math.round(g.eventLoopP99Ms), hostBusy: Math.round(g.hostBusy * 100) / 100 } } : {}),
      phase,
      elapsedS: Math.round(elapsedS),
      remainingS: Math.max(0, Math.round(this.plan.durationS - elapsedS)),
      clusters: { total: this.plan.clusters, registered: c.registered, reregistered: c.reregistered, failed: c.registrationFailed },
      requestsPerS: Math.round(requests / dt),
      errorPercent: requests > 0 ? Math.round((10_000 * failed) / requests) / 100 : 0,
      slis: judgeAll(this.m, this.plan.slos, fleetProgress(this.plan, c, this.loadStartMs > 0 ? now - this.loadStartMs : 0)).map((v) => ({
        sli: v.sli,
        count: v.stats.count,
        valueMs: v.status === 'no-data' ? null : v.valueMs,
        objectiveMs: v.objectiveMs,
        ok: v.status === 'no-data' ? null : v.status === 'pass',
      })),
    };
  }
}

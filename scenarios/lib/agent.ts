// One virtual agent: register and wait for Ready, then heartbeat with jitter, watch (or poll) its
// deployments, apply and report them, send node health and events, until its deadline. It backs
// off on 429/5xx (Retry-After as a floor, plus jitter) and registers again on 401 (the control
// plane lost it). Between actions an agent is plain data with due times in its VU's Scheduler,
// so a VU holds hundreds of idle agents cheaply; only an action in flight holds promises.
import { isRetryable, retryDelayMs } from './backoff';
import type { ControlPlane, Credentials, Deployment, NodeReport } from './control-plane';
import type { CallResult } from './http-types';
import type { AgentIdentity } from './identity';
import {
  agentsFailed,
  agentsRegistered,
  agentsReregistered,
  agentTransitions,
  backoffs,
  deploymentsFailed,
  deploymentsReady,
  distributionDuration,
  heartbeats,
  registrationDuration,
} from './metrics';
import type { AgentPlan } from './plan';
import type { Scheduler } from './scheduler';
import { waitUntil } from './timers';

const GIB = 1024 ** 3;

function ok(r: CallResult<unknown>): boolean {
  return r.status >= 200 && r.status < 300;
}

export class Agent {
  private creds: Credentials | undefined;
  private registering = false;
  private registeredOnce = false;
  /** Bumped by every registration: actions of an older epoch end quietly instead of repeating. */
  private epoch = 0;
  private since = 0;
  private applied: Map<string, number> | undefined;
  /** Reports still due from the last watch answer; the next watch waits for them (one connection). */
  private pendingReports = 0;
  private attempt = 0;
  /** Set by a failed heartbeat, cleared by the next good one: the runner derives recovery time from these. */
  private degraded = false;

  constructor(
    private readonly cp: ControlPlane,
    private readonly id: AgentIdentity,
    private readonly plan: AgentPlan,
    private readonly s: Scheduler,
    private readonly random: () => number = Math.random,
  ) {}

  start(atMs: number): void {
    this.s.at(atMs, () => this.register());
  }

  private live(): boolean {
    return Date.now() < this.s.deadlineMs;
  }

  private jittered(seconds: number): number {
    const j = this.plan.heartbeatJitter;
    return seconds * 1000 * (1 + j * (2 * this.random() - 1));
  }

  private current(e: number): Credentials | undefined {
    return e === this.epoch ? this.creds : undefined;
  }

  private async register(): Promise<void> {
    if (this.registering || this.creds) return;
    this.registering = true;
    try {
      await this.registerNow();
    } finally {
      this.registering = false;
    }
  }

  private async registerNow(): Promise<void> {
    const started = Date.now();
    const again = this.registeredOnce;
    const deadline = this.s.deadlineMs;
    while (this.live()) {
      const r = await this.cp.register(this.id);
      if (!r.body) {
        if (!isRetryable(r.status)) {
          agentsFailed.add(1, { status: String(r.status) });
          return;
        }
        backoffs.add(1, { reason: 'register' });
        await waitUntil(deadline, retryDelayMs(this.plan.backoff, this.attempt++, r.retryAfterMs, this.random));
        continue;
      }
      let reg = r.body;
      while (!reg.credentials && this.live()) {
        const waitS = Math.max(1, Math.min(this.plan.registrationWaitS, Math.ceil((deadline - Date.now()) / 1000)));
        const w = await this.cp.awaitRegistration(this.id, reg.id, waitS);
        if (w.body) {
          reg = w.body;
        } else if (w.status === 404 || w.status === 401) {
          break; // The control plane forgot the registration (restart): start over.
        } else if (isRetryable(w.status)) {
          backoffs.add(1, { reason: 'register-wait' });
          await waitUntil(deadline, retryDelayMs(this.plan.backoff, this.attempt++, w.retryAfterMs, this.random));
        } else {
          agentsFailed.add(1, { status: String(w.status) });
          return;
        }
      }
      if (reg.credentials) {
        this.creds = reg.credentials;
        this.attempt = 0;
        registrationDuration.add(Date.now() - started, { kind: again ? 'reregister' : 'initial' });
        if (again) agentsReregistered.add(1);
        else agentsRegistered.add(1);
        this.registeredOnce = true;
        this.begin(again);
        return;
      }
    }
  }

  /** The recurring actions of a new epoch. After a re-registration the lease is renewed at once. */
  private begin(again: boolean): void {
    const e = ++this.epoch;
    const now = Date.now();
    const { deployments, heartbeatIntervalS, healthIntervalS } = this.plan;
    this.since = 0;
    this.applied = undefined;
    this.pendingReports = 0;
    // The first renewal lands somewhere in the first interval, so registration bursts do not
    // turn into heartbeat bursts.
    this.s.at(again ? now : now + this.random() * heartbeatIntervalS * 1000, () => this.heartbeat(e));
    this.s.at(deployments.mode === 'watch' || again ? now : now + this.random() * deployments.pollIntervalS * 1000, () => this.deployments(e));
    // Health too: a fleet that has been up a while sends its reports (a kubelet's 5-minute node
    // status) spread over the interval, not all one interval after the run's start.
    if (healthIntervalS > 0 && this.id.nodes.length > 0) this.s.at(again ? now + this.jittered(healthIntervalS) : now + this.random() * healthIntervalS * 1000, () => this.health(e));
  }

  /** 401: register again (its new epoch restarts every action); 429/5xx: back off, then `retry`. */
  private failed(r: CallResult<unknown>, reason: string, retry: () => Promise<void>): void {
    if (r.status === 401) {
      this.creds = undefined;
      this.s.at(Date.now(), () => this.register());
      return;
    }
    if (isRetryable(r.status)) {
      backoffs.add(1, { reason });
      this.s.at(Date.now() + retryDelayMs(this.plan.backoff, this.attempt++, r.retryAfterMs, this.random), retry);
      return;
    }
    // A 4xx the agent cannot fix: wait one interval rather than hammer the control plane.
    this.s.at(Date.now() + this.plan.heartbeatIntervalS * 1000, retry);
  }

  private nodeReports(): NodeReport[] {
    return this.id.nodes.map((name) => ({
      name,
      conditions: { Ready: 'True', MemoryPressure: 'False', DiskPressure: 'False', PIDPressure: 'False' },
      capacity: { cpu: 4, memoryBytes: 16 * GIB, pods: 110 },
      usage: { cpu: Math.round(this.random() * 400) / 100, memoryBytes: Math.round(this.random() * 12 * GIB), pods: Math.floor(this.random() * 80) },
    }));
  }

  private async heartbeat(e: number): Promise<void> {
    const creds = this.current(e);
    if (!creds) return;
    const piggyBack = this.plan.healthIntervalS === 0 && this.id.nodes.length > 0;
    const r = await this.cp.heartbeat(this.id, creds, piggyBack ? this.nodeReports() : undefined);
    if (e !== this.epoch) return;
    if (ok(r)) {
      heartbeats.add(1);
      if (this.degraded) {
        this.degraded = false;
        agentTransitions.add(1, { state: 'recovered' });
      }
      this.attempt = 0;
      this.s.at(Date.now() + this.jittered(this.plan.heartbeatIntervalS), () => this.heartbeat(e));
      return;
    }
    if (!this.degraded) {
      this.degraded = true;
      agentTransitions.add(1, { state: 'degraded' });
    }
    this.failed(r, 'heartbeat', () => this.heartbeat(e));
  }

  private async health(e: number): Promise<void> {
    const creds = this.current(e);
    if (!creds) return;
    const r = await this.cp.reportHealth(this.id, creds, this.nodeReports());
    if (e !== this.epoch) return;
    if (ok(r)) this.s.at(Date.now() + this.jittered(this.plan.healthIntervalS), () => this.health(e));
    else this.failed(r, 'health', () => this.health(e));
  }

  private async deployments(e: number): Promise<void> {
    const creds = this.current(e);
    if (!creds) return;
    const { mode, pollIntervalS, watchTimeoutS } = this.plan.deployments;
    const remainingS = Math.floor((this.s.deadlineMs - Date.now()) / 1000);
    if (mode === 'watch' && remainingS < 1) return;
    const r = await this.cp.deployments(this.id, creds, this.since, mode === 'watch' ? Math.min(watchTimeoutS, remainingS) : 0);
    if (e !== this.epoch) return;
    if (!r.body) {
      this.failed(r, 'deployments', () => this.deployments(e));
      return;
    }
    this.since = r.body.revision;
    const applied = (this.applied ??= new Map<string, number>());
    const { min, max } = this.plan.applyMs;
    for (const d of r.body.items) {
      if ((applied.get(d.bundle) ?? 0) >= d.generation) continue;
      applied.set(d.bundle, d.generation);
      this.pendingReports++;
      const appliedAt = Date.now();
      const state = this.random() < this.plan.applyFailureRate ? 'Failed' : 'Ready';
      // Applying takes simulated time; the report goes out when it is done.
      this.s.at(appliedAt + min + (max - min) * this.random(), () => this.report(e, d, state, appliedAt, 0));
    }
    if (mode === 'poll') this.s.at(Date.now() + this.jittered(pollIntervalS), () => this.deployments(e));
    else if (this.pendingReports === 0) this.s.at(Date.now(), () => this.deployments(e));
  }

  private async report(e: number, d: Deployment, state: 'Ready' | 'Failed', appliedAt: number, attempt: number): Promise<void> {
    const creds = this.current(e);
    if (!creds) return;
    const readyAt = Date.now();
    const r = await this.cp.reportDeployment(this.id, creds, d, state, appliedAt, readyAt);
    if (e !== this.epoch) return;
    if (!ok(r)) {
      if (isRetryable(r.status) && this.live()) {
        this.s.at(Date.now() + retryDelayMs(this.plan.backoff, attempt, r.retryAfterMs, this.random), () => this.report(e, d, state, appliedAt, attempt + 1));
        return;
      }
      this.reported(e);
      return;
    }
    if (state === 'Failed') {
      deploymentsFailed.add(1);
    } else {
      deploymentsReady.add(1);
      // Control-plane clock to agent clock: exact on loopback; on a remote target it includes skew.
      distributionDuration.add(readyAt - d.createdAt);
    }
    const message = `${state === 'Ready' ? 'applied' : 'failed to apply'} ${d.bundle} generation ${d.generation}`.padEnd(this.plan.eventMessageBytes, '.');
    await this.cp.sendEvents(this.id, creds, [{ type: state === 'Failed' ? 'Warning' : 'Normal', reason: state === 'Failed' ? 'Failed' : 'Applied', message, bundle: d.bundle }]);
    this.reported(e);
  }

  /** In watch mode the next watch starts once the last report of the previous answer is out. */
  private reported(e: number): void {
    if (e !== this.epoch) return;
    this.pendingReports--;
    if (this.pendingReports === 0 && this.plan.deployments.mode === 'watch') this.s.at(Date.now(), () => this.deployments(e));
  }
}

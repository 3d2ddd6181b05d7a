// One virtual agent: register and wait for Ready, then heartbeat with jitter, watch (or poll) its
// deployments, apply and report them, send node health and events, until its deadline. It backs
// off on 429/5xx (honouring Retry-After) and registers again on 401 (the control plane lost it).
import { isRetryable, retryDelayMs } from './backoff';
import type { ControlPlane, Credentials, Deployment, NodeReport } from './control-plane';
import type { CallResult } from './http';
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
import { waitUntil } from './timers';

const GIB = 1024 ** 3;

export class Agent {
  private creds: Credentials | undefined;
  private registering: Promise<boolean> | undefined;
  private readonly applied = new Map<string, number>();
  private registeredOnce = false;
  private attempt = 0;
  /** Set by a failed heartbeat, cleared by the next good one: the runner derives recovery time from these. */
  private degraded = false;

  constructor(
    private readonly cp: ControlPlane,
    private readonly id: AgentIdentity,
    private readonly plan: AgentPlan,
    private readonly deadlineMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  private live(): boolean {
    return Date.now() < this.deadlineMs;
  }

  /** Runs the whole lifecycle; resolves by the deadline (plus at most one request's timeout). */
  async run(startAtMs: number): Promise<void> {
    await waitUntil(this.deadlineMs, startAtMs - Date.now());
    if (!this.live()) return;
    if (!(await this.ensureRegistered())) return;
    const loops = [this.heartbeatLoop(), this.deploymentLoop()];
    if (this.plan.healthIntervalS > 0 && this.id.nodes.length > 0) loops.push(this.healthLoop());
    await Promise.all(loops);
  }

  /** One registration at a time per agent: loops that hit 401 together share it. */
  private ensureRegistered(): Promise<boolean> {
    if (this.creds) return Promise.resolve(true);
    if (!this.registering) {
      this.registering = this.register().then((ok) => {
        this.registering = undefined;
        return ok;
      });
    }
    return this.registering;
  }

  private async pause(r: CallResult<unknown>, reason: string): Promise<void> {
    backoffs.add(1, { reason });
    await waitUntil(this.deadlineMs, retryDelayMs(this.plan.backoff, this.attempt++, r.retryAfterMs, this.random));
  }

  private async register(): Promise<boolean> {
    const started = Date.now();
    const again = this.registeredOnce;
    while (this.live()) {
      const r = await this.cp.register(this.id);
      if (!r.body) {
        if (isRetryable(r.status)) {
          await this.pause(r, 'register');
          continue;
        }
        agentsFailed.add(1, { status: String(r.status) });
        return false;
      }
      let reg = r.body;
      while (!reg.credentials && this.live()) {
        const waitS = Math.max(1, Math.min(this.plan.registrationWaitS, Math.ceil((this.deadlineMs - Date.now()) / 1000)));
        const w = await this.cp.awaitRegistration(this.id, reg.id, waitS);
        if (w.body) {
          reg = w.body;
        } else if (w.status === 404 || w.status === 401) {
          break; // The control plane forgot the registration (restart): start over.
        } else if (isRetryable(w.status)) {
          await this.pause(w, 'register-wait');
        } else {
          agentsFailed.add(1, { status: String(w.status) });
          return false;
        }
      }
      if (reg.credentials) {
        this.creds = reg.credentials;
        this.attempt = 0;
        registrationDuration.add(Date.now() - started, { kind: again ? 'reregister' : 'initial' });
        if (again) agentsReregistered.add(1);
        else agentsRegistered.add(1);
        this.registeredOnce = true;
        return true;
      }
    }
    return false;
  }

  private async handleFailure(r: CallResult<unknown>, reason: string): Promise<void> {
    if (r.status === 401) {
      this.creds = undefined;
      this.applied.clear();
      await this.ensureRegistered();
    } else if (isRetryable(r.status)) {
      await this.pause(r, reason);
    } else {
      // A 4xx the agent cannot fix: wait one interval rather than hammer the control plane.
      await waitUntil(this.deadlineMs, this.plan.heartbeatIntervalS * 1000);
    }
  }

  private jittered(seconds: number): number {
    const j = this.plan.heartbeatJitter;
    return seconds * 1000 * (1 + j * (2 * this.random() - 1));
  }

  private nodeReports(): NodeReport[] {
    return this.id.nodes.map((name) => ({
      name,
      conditions: { Ready: 'True', MemoryPressure: 'False', DiskPressure: 'False', PIDPressure: 'False' },
      capacity: { cpu: 4, memoryBytes: 16 * GIB, pods: 110 },
      usage: { cpu: Math.round(this.random() * 400) / 100, memoryBytes: Math.round(this.random() * 12 * GIB), pods: Math.floor(this.random() * 80) },
    }));
  }

  private async heartbeatLoop(): Promise<void> {
    // The first renewal lands somewhere in the first interval, so registration bursts do not
    // turn into heartbeat bursts.
    let next = Date.now() + this.random() * this.plan.heartbeatIntervalS * 1000;
    const piggyBack = this.plan.healthIntervalS === 0 && this.id.nodes.length > 0;
    while (this.live()) {
      await waitUntil(this.deadlineMs, next - Date.now());
      if (!this.live()) return;
      const creds = this.creds;
      if (!creds) {
        if (!(await this.ensureRegistered())) return;
        continue;
      }
      const r = await this.cp.heartbeat(this.id, creds, piggyBack ? this.nodeReports() : undefined);
      if (r.status >= 200 && r.status < 300) {
        heartbeats.add(1);
        if (this.degraded) {
          this.degraded = false;
          agentTransitions.add(1, { state: 'recovered' });
        }
        this.attempt = 0;
        next = Date.now() + this.jittered(this.plan.heartbeatIntervalS);
      } else {
        if (!this.degraded) {
          this.degraded = true;
          agentTransitions.add(1, { state: 'degraded' });
        }
        await this.handleFailure(r, 'heartbeat');
        next = Date.now();
      }
    }
  }

  private async healthLoop(): Promise<void> {
    while (this.live()) {
      await waitUntil(this.deadlineMs, this.jittered(this.plan.healthIntervalS));
      const creds = this.creds;
      if (!this.live() || !creds) continue;
      const r = await this.cp.reportHealth(this.id, creds, this.nodeReports());
      if (r.status >= 300) await this.handleFailure(r, 'health');
    }
  }

  private async deploymentLoop(): Promise<void> {
    const { mode, pollIntervalS, watchTimeoutS } = this.plan.deployments;
    let since = 0;
    while (this.live()) {
      const creds = this.creds;
      if (!creds) {
        if (!(await this.ensureRegistered())) return;
        since = 0;
        continue;
      }
      const remainingS = Math.floor((this.deadlineMs - Date.now()) / 1000);
      if (mode === 'watch' && remainingS < 1) return;
      const r = await this.cp.deployments(this.id, creds, since, mode === 'watch' ? Math.min(watchTimeoutS, remainingS) : 0);
      if (!r.body) {
        await this.handleFailure(r, 'deployments');
        if (r.status === 401) since = 0;
        continue;
      }
      since = r.body.revision;
      const fresh = r.body.items.filter((d) => (this.applied.get(d.bundle) ?? 0) < d.generation);
      for (const d of fresh) this.applied.set(d.bundle, d.generation);
      if (fresh.length > 0) await Promise.all(fresh.map((d) => this.apply(creds, d)));
      if (mode === 'poll') await waitUntil(this.deadlineMs, this.jittered(pollIntervalS));
    }
  }

  private async apply(creds: Credentials, d: Deployment): Promise<void> {
    const appliedAt = Date.now();
    const { min, max } = this.plan.applyMs;
    await waitUntil(this.deadlineMs + 5000, min + (max - min) * this.random());
    const failed = this.random() < this.plan.applyFailureRate;
    const readyAt = Date.now();
    const state = failed ? 'Failed' : 'Ready';
    for (let attempt = 0; ; attempt++) {
      const r = await this.cp.reportDeployment(this.id, creds, d, state, appliedAt, readyAt);
      if (r.status >= 200 && r.status < 300) break;
      if (!isRetryable(r.status) || !this.live()) return;
      await waitUntil(this.deadlineMs, retryDelayMs(this.plan.backoff, attempt, r.retryAfterMs, this.random));
    }
    if (failed) {
      deploymentsFailed.add(1);
    } else {
      deploymentsReady.add(1);
      // Control-plane clock to agent clock: exact on loopback; on a remote target it includes skew.
      distributionDuration.add(readyAt - d.createdAt);
    }
    const message = `${state === 'Ready' ? 'applied' : 'failed to apply'} ${d.bundle} generation ${d.generation}`.padEnd(this.plan.eventMessageBytes, '.');
    await this.cp.sendEvents(this.id, creds, [{ type: failed ? 'Warning' : 'Normal', reason: failed ? 'Failed' : 'Applied', message, bundle: d.bundle }]);
  }
}

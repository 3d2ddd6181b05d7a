// The virtual agent under Node: the real Agent on the real Scheduler, against a fake control plane
// that answers from a small model of one (or from scripted answers) and records every call, on
// vitest's fake clock. k6/metrics and k6/timers resolve to test/shims/k6 (vitest.config.ts), so the
// metrics the agent records can be read back. Assertions are about calls, their order and
// arguments, and metric values; times are those of the fake clock, exact and reproducible.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { metricSamples, resetMetricSamples, samplesOf, sumOf } from '../../test/shims/k6/metrics';
import { Agent } from './agent';
import type { AgentEvent, ControlPlane, Credentials, Deployment, DeploymentPage, NodeReport, Registration } from './control-plane';
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
import { Scheduler } from './scheduler';

// ---------------------------------------------------------------------------------------------
// A fake control plane

type Method = 'register' | 'awaitRegistration' | 'heartbeat' | 'reportHealth' | 'sendEvents' | 'deployments' | 'reportDeployment';

/** What a ControlPlane call resolves to (the shape of CallResult). */
interface Answer<T = unknown> {
  status: number;
  body: T | undefined;
  retryAfterMs: number | undefined;
  error: string;
}

function answer<T = unknown>(status: number, body?: T, retryAfterMs?: number): Answer<T> {
  return { status, body, retryAfterMs, error: status === 0 ? 'connection refused' : '' };
}

interface Call {
  method: Method;
  /** Fake-clock time the agent made the call. */
  at: number;
  args: unknown[];
  /** Set when the answer is given. */
  answeredAt?: number;
  status?: number;
}

type Rule = (call: Call) => Answer | undefined;

/**
 * Answers like the reference simulator: registration is Ready `registrationDelayMs` after the
 * register call (awaitRegistration long-polls for it), tokens are checked (401 once forgotten), a
 * poll returns the whole list, a watch returns it at once when its revision is newer than `since`
 * and otherwise holds until a bundle changes or watchS runs out, a status report of a generation
 * that is not the current one is a 409. Scripted answers come first: `next` (one-shot, in order),
 * then `when` (a rule; undefined falls through to the model).
 */
class FakeControlPlane implements ControlPlane {
  readonly calls: Call[] = [];
  latencyMs = 5;
  registrationDelayMs = 1500;
  revision = 0;
  private readonly bundles = new Map<string, Deployment>();
  private readonly regs = new Map<string, { readyAt: number; token: string | undefined }>();
  private readonly tokens = new Set<string>();
  private readonly watchers = new Set<() => void>();
  private regCount = 0;
  private tokenCount = 0;
  private readonly queued = new Map<Method, Answer[]>();
  private readonly rules = new Map<Method, Rule>();

  next(method: Method, ...answers: Answer[]): void {
    this.queued.set(method, [...(this.queued.get(method) ?? []), ...answers]);
  }

  when(method: Method, rule: Rule): void {
    this.rules.set(method, rule);
  }

  of(method: Method): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Creates the bundle, or its next generation, now; wakes the watches. */
  publish(bundle: string, payloadBytes = 2048): Deployment {
    const d: Deployment = { bundle, generation: (this.bundles.get(bundle)?.generation ?? 0) + 1, createdAt: Date.now(), payloadBytes };
    this.bundles.set(bundle, d);
    this.revision++;
    for (const wake of [...this.watchers]) wake();
    return d;
  }

  /** The control plane loses every agent (a restart without state): old tokens answer 401. */
  forget(): void {
    this.tokens.clear();
    this.regs.clear();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  private async handle<T>(method: Method, args: unknown[], creds: Credentials | undefined, model: (call: Call) => Answer<T> | Promise<Answer<T>>): Promise<Answer<T>> {
    const call: Call = { method, at: Date.now(), args };
    this.calls.push(call);
    await this.sleep(this.latencyMs);
    let a: Answer<unknown> | undefined = this.queued.get(method)?.shift();
    a ??= this.rules.get(method)?.(call);
    a ??= creds !== undefined && !this.tokens.has(creds.token) ? answer(401) : await model(call);
    call.answeredAt = Date.now();
    call.status = a.status;
    return a as Answer<T>;
  }

  private list(): DeploymentPage {
    return { revision: this.revision, items: [...this.bundles.values()].map((d) => ({ ...d })) };
  }

  register(agent: AgentIdentity): Promise<Answer<Registration>> {
    return this.handle('register', [agent], undefined, () => {
      const id = `reg-${++this.regCount}`;
      this.regs.set(id, { readyAt: Date.now() + this.registrationDelayMs, token: undefined });
      return answer<Registration>(201, { id, credentials: undefined });
    });
  }

  awaitRegistration(agent: AgentIdentity, id: string, waitS: number): Promise<Answer<Registration>> {
    return this.handle('awaitRegistration', [agent, id, waitS], undefined, async () => {
      const reg = this.regs.get(id);
      if (!reg) return answer<Registration>(404);
      const waitMs = reg.readyAt - Date.now();
      if (reg.token === undefined && waitMs > waitS * 1000) {
        await this.sleep(waitS * 1000);
        return answer<Registration>(200, { id, credentials: undefined });
      }
      if (waitMs > 0) await this.sleep(waitMs);
      if (reg.token === undefined) {
        reg.token = `tok-${++this.tokenCount}`;
        this.tokens.add(reg.token);
      }
      return answer<Registration>(200, { id, credentials: { token: reg.token } });
    });
  }

  heartbeat(agent: AgentIdentity, creds: Credentials, nodes: NodeReport[] | undefined): Promise<Answer> {
    return this.handle('heartbeat', [agent, creds, nodes], creds, () => answer(200, { phase: 'Ready' }));
  }

  reportHealth(agent: AgentIdentity, creds: Credentials, nodes: NodeReport[]): Promise<Answer> {
    return this.handle('reportHealth', [agent, creds, nodes], creds, () => answer(204));
  }

  sendEvents(agent: AgentIdentity, creds: Credentials, events: AgentEvent[]): Promise<Answer> {
    return this.handle('sendEvents', [agent, creds, events], creds, () => answer(204));
  }

  deployments(agent: AgentIdentity, creds: Credentials, since: number, watchS: number): Promise<Answer<DeploymentPage>> {
    return this.handle('deployments', [agent, creds, since, watchS], creds, async () => {
      if (watchS > 0 && this.revision <= since) {
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            clearTimeout(timer);
            this.watchers.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, watchS * 1000);
          this.watchers.add(wake);
        });
      }
      return answer(200, this.list());
    });
  }

  reportDeployment(agent: AgentIdentity, creds: Credentials, d: Deployment, state: 'Ready' | 'Failed', appliedAt: number, readyAt: number): Promise<Answer> {
    return this.handle('reportDeployment', [agent, creds, d, state, appliedAt, readyAt], creds, () => {
      const current = this.bundles.get(d.bundle);
      if (!current) return answer(404);
      if (current.generation !== d.generation) return answer(409);
      return answer(204);
    });
  }

  private readonly operatorOnly = (): Promise<never> => Promise.reject(new Error('an agent made an operator call'));
  createBundle = this.operatorOnly;
  bundleProgress = this.operatorOnly;
  getCluster = this.operatorOnly;
  listClusters = this.operatorOnly;
  patchLabels = this.operatorOnly;
}

// ---------------------------------------------------------------------------------------------
// The harness

const T0 = Date.UTC(2030, 0, 1);

const IDENTITY: AgentIdentity = {
  index: 0,
  name: 'edge-0000000',
  namespace: 'tenant-000',
  labels: { region: 'eu-west' },
  nodes: ['edge-0000000-node-0', 'edge-0000000-node-1'],
};

const PLAN: AgentPlan = {
  heartbeatIntervalS: 10,
  heartbeatJitter: 0.25,
  deployments: { mode: 'watch', pollIntervalS: 15, watchTimeoutS: 30 },
  nodesPerCluster: 2,
  healthIntervalS: 0,
  namespaces: 1,
  labels: { region: ['eu-west'] },
  registrationRatePerS: 100,
  registrationWaitS: 10,
  backoff: { baseMs: 500, maxMs: 8000, jitter: 0.5 },
  applyMs: { min: 200, max: 800 },
  applyFailureRate: 0,
  eventMessageBytes: 96,
};

/** A reproducible Math.random (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function harness(plan: Partial<AgentPlan> = {}, durationS = 120, seed = 42) {
  const cp = new FakeControlPlane();
  const errors: unknown[] = [];
  const deadline = T0 + durationS * 1000;
  const s = new Scheduler(deadline, (err) => errors.push(err));
  new Agent(cp, IDENTITY, { ...PLAN, ...plan }, s, seeded(seed)).start(T0);
  let drained = false;
  return {
    cp,
    /** Runs the fake clock to T0 + ms. */
    until: (ms: number) => vi.advanceTimersByTimeAsync(T0 + ms - Date.now()),
    /** True once the scheduler has nothing due and nothing running. */
    drained: async () => {
      void s.drained().then(() => {
        drained = true;
      });
      await vi.advanceTimersByTimeAsync(0);
      return drained;
    },
    /** Runs past the deadline: the agent must end by itself, with no action having thrown. */
    finish: async () => {
      void s.drained().then(() => {
        drained = true;
      });
      await vi.advanceTimersByTimeAsync(deadline + 60_000 - Date.now());
      expect(errors).toEqual([]);
      expect(drained).toBe(true);
      expect(s.size).toBe(0);
    },
  };
}

/** Wait before each call after the first: from the answer to the previous call to this call. */
function gaps(calls: Call[]): number[] {
  return calls.slice(1).map((c, i) => c.at - (calls[i] as Call).answeredAt!);
}

function tagsOf(metric: object): Record<string, string>[] {
  return samplesOf(metric).map((s) => s.tags);
}

/**
 * `t` is "at once" after `after`: the scheduler runs what is due now on a 0 ms timer, which the
 * fake clock (like Node's) fires 1 ms later when it is set from inside a running timer.
 */
function expectAtOnce(t: number | undefined, after: number | undefined): void {
  expect(t).toBeDefined();
  expect(after).toBeDefined();
  expect(t!).toBeGreaterThanOrEqual(after!);
  expect(t!).toBeLessThanOrEqual(after! + 1);
}

function one<T>(xs: T[]): T {
  expect(xs).toHaveLength(1);
  return xs[0] as T;
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  resetMetricSamples();
});

afterEach(() => {
  vi.useRealTimers();
});

// ---------------------------------------------------------------------------------------------

describe('Agent in watch mode', () => {
  it('registers, heartbeats at the interval within its jitter, applies a new deployment and reports it Ready', async () => {
    const h = harness();
    const { cp } = h;
    await h.until(40_000);
    const d = cp.publish('bundle-a');
    await h.finish();

    // Registration: register, then a long poll until the credentials are issued.
    const [reg, wait] = cp.calls;
    expect(reg).toMatchObject({ method: 'register', at: T0, args: [IDENTITY] });
    expect(wait).toMatchObject({ method: 'awaitRegistration', args: [IDENTITY, 'reg-1', PLAN.registrationWaitS], status: 200 });
    const credsAt = wait!.answeredAt!;
    expect(one(cp.of('register'))).toBe(reg);
    expect(one(cp.of('awaitRegistration'))).toBe(wait);
    expect(samplesOf(registrationDuration).map((s) => [s.value, s.tags])).toEqual([[credsAt - T0, { kind: 'initial' }]]);
    expect(sumOf(agentsRegistered)).toBe(1);
    expect(samplesOf(agentsReregistered)).toEqual([]);

    // Heartbeats: the first within the first interval, then one interval apart within ±jitter,
    // each with the token and the node reports (no separate health interval).
    const hb = cp.of('heartbeat');
    expect(hb[0]!.at).toBeGreaterThanOrEqual(credsAt);
    expect(hb[0]!.at).toBeLessThan(credsAt + 10_000);
    const g = gaps(hb);
    for (const x of g) {
      expect(x).toBeGreaterThanOrEqual(10_000 * (1 - PLAN.heartbeatJitter));
      expect(x).toBeLessThanOrEqual(10_000 * (1 + PLAN.heartbeatJitter));
    }
    expect(new Set(g).size).toBeGreaterThan(1); // jittered, not a fixed period
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    expect(mean).toBeGreaterThan(8500);
    expect(mean).toBeLessThan(11_500);
    expect(hb.length).toBeGreaterThanOrEqual(Math.floor((120_000 - credsAt + T0) / 12_500));
    expect(hb.length).toBeLessThanOrEqual(Math.ceil((120_000 - credsAt + T0) / 7_500) + 1);
    for (const c of hb) {
      expect(c.status).toBe(200);
      expect(c.args[1]).toEqual({ token: 'tok-1' });
      expect((c.args[2] as NodeReport[]).map((n) => n.name)).toEqual(IDENTITY.nodes);
    }
    expect(sumOf(heartbeats)).toBe(hb.length);
    expect(cp.of('reportHealth')).toEqual([]);

    // Deployments: watched from the moment of registration, never polled.
    const watches = cp.of('deployments');
    expect(watches[0]!.args).toEqual([IDENTITY, { token: 'tok-1' }, 0, 30]);
    expectAtOnce(watches[0]!.at, credsAt);
    for (const w of watches) expect(w.args[3]).toBeGreaterThan(0);
    // The watch that brought the bundle, the report after the simulated apply, the event, then
    // the next watch from the new revision: one connection at a time.
    const brought = one(watches.filter((w) => w.answeredAt === d.createdAt));
    const report = one(cp.of('reportDeployment'));
    expect(report.args.slice(0, 4)).toEqual([IDENTITY, { token: 'tok-1' }, d, 'Ready']);
    const [appliedAt, readyAt] = report.args.slice(4) as [number, number];
    expect(appliedAt).toBe(brought.answeredAt);
    expect(readyAt).toBe(report.at);
    expect(readyAt - appliedAt).toBeGreaterThanOrEqual(PLAN.applyMs.min);
    expect(readyAt - appliedAt).toBeLessThanOrEqual(PLAN.applyMs.max);
    expect(report.status).toBe(204);
    const event = one(cp.of('sendEvents'));
    expect(event.at).toBe(report.answeredAt);
    const [ev] = event.args[2] as AgentEvent[];
    expect(ev).toMatchObject({ type: 'Normal', reason: 'Applied', bundle: 'bundle-a' });
    expect(ev!.message.startsWith('applied bundle-a generation 1')).toBe(true);
    expect(ev!.message).toHaveLength(PLAN.eventMessageBytes);
    const after = watches.filter((w) => w.at > brought.at);
    expect(after[0]!.args).toEqual([IDENTITY, { token: 'tok-1' }, 1, 30]);
    expectAtOnce(after[0]!.at, event.answeredAt);

    // The order of everything but the heartbeats.
    const order = cp.calls.filter((c) => c.method !== 'heartbeat').map((c) => c.method);
    expect(order.slice(0, 4)).toEqual(['register', 'awaitRegistration', 'deployments', 'deployments']);
    expect(order.slice(order.indexOf('reportDeployment'), order.indexOf('reportDeployment') + 3)).toEqual(['reportDeployment', 'sendEvents', 'deployments']);
    expect(order.slice(order.indexOf('sendEvents') + 1).every((m) => m === 'deployments')).toBe(true);
    // Long polls that time out, not a spin: at most one per watchTimeoutS plus the ones that answered.
    expect(watches.length).toBeLessThanOrEqual(120 / 30 + 3);

    // Metrics of the apply: Ready once, distribution from the bundle's creation to the report.
    expect(sumOf(deploymentsReady)).toBe(1);
    expect(samplesOf(deploymentsFailed)).toEqual([]);
    expect(samplesOf(distributionDuration).map((s) => s.value)).toEqual([readyAt - d.createdAt]);
    expect(samplesOf(backoffs)).toEqual([]);
    expect(samplesOf(agentsFailed)).toEqual([]);
    expect(samplesOf(agentTransitions)).toEqual([]);
  });

  it.each([
    { rate: 1, state: 'Failed', type: 'Warning', reason: 'Failed', message: 'failed to apply bundle-a generation 1' },
    { rate: 0, state: 'Ready', type: 'Normal', reason: 'Applied', message: 'applied bundle-a generation 1' },
  ] as const)('reports $state with applyFailureRate $rate, and counts it', async ({ rate, state, type, reason, message }) => {
    const h = harness({ applyFailureRate: rate });
    await h.until(10_000);
    const d = h.cp.publish('bundle-a');
    await h.finish();

    const report = one(h.cp.of('reportDeployment'));
    expect(report.args[3]).toBe(state);
    expect(report.status).toBe(204);
    const [ev] = one(h.cp.of('sendEvents')).args[2] as AgentEvent[];
    expect(ev).toMatchObject({ type, reason, bundle: 'bundle-a' });
    expect(ev!.message.startsWith(message)).toBe(true);
    if (state === 'Failed') {
      expect(sumOf(deploymentsFailed)).toBe(1);
      expect(samplesOf(deploymentsReady)).toEqual([]);
      expect(samplesOf(distributionDuration)).toEqual([]);
    } else {
      expect(sumOf(deploymentsReady)).toBe(1);
      expect(samplesOf(deploymentsFailed)).toEqual([]);
      expect(samplesOf(distributionDuration).map((s) => s.value)).toEqual([report.at - d.createdAt]);
    }
    // Either way the agent goes on watching from the new revision.
    expect(h.cp.of('deployments').some((w) => w.at >= report.answeredAt! && w.args[2] === 1)).toBe(true);
  });

  it('on a 409 for a generation replaced mid-apply, applies and reports the newer one, once each', async () => {
    const h = harness({ applyMs: { min: 2000, max: 2000 } });
    const { cp } = h;
    await h.until(20_000);
    const g1 = cp.publish('bundle-a');
    await h.until(21_000); // gen 1 is being applied (2 s): the bundle changes meanwhile
    const g2 = cp.publish('bundle-a');
    await h.finish();

    const reports = cp.of('reportDeployment');
    expect(reports.map((r) => [(r.args[2] as Deployment).generation, r.args[3], r.status])).toEqual([
      [1, 'Ready', 409],
      [2, 'Ready', 204],
    ]);
    expect(reports[0]!.args[2]).toEqual(g1);
    expect(reports[1]!.args[2]).toEqual(g2);
    // The newer generation came from the watch that followed the 409, answered at once.
    const next = cp.of('deployments').find((w) => w.at >= reports[0]!.answeredAt!);
    expect(next!.args).toEqual([IDENTITY, { token: 'tok-1' }, 1, 30]);
    expectAtOnce(next!.at, reports[0]!.answeredAt);
    expect(reports[1]!.at - next!.answeredAt!).toBe(2000);
    // Only the applied generation is counted and announced.
    expect(sumOf(deploymentsReady)).toBe(1);
    expect(samplesOf(deploymentsFailed)).toEqual([]);
    expect(samplesOf(distributionDuration).map((s) => s.value)).toEqual([reports[1]!.at - g2.createdAt]);
    const events = cp.of('sendEvents').map((e) => (e.args[2] as AgentEvent[])[0]!.message);
    expect(events).toHaveLength(1);
    expect(events[0]!.startsWith('applied bundle-a generation 2')).toBe(true);
    // No retry loop: the rest of the run is quiet long polls.
    expect(cp.of('deployments').length).toBeLessThanOrEqual(120 / 30 + 4);
    expect(samplesOf(backoffs)).toEqual([]);
  });

  it('on a 401 to a heartbeat, registers again, renews at once with the new token and restarts its watch', async () => {
    const h = harness();
    const { cp } = h;
    // The control plane loses the agent just as a heartbeat comes in after 25 s.
    let forgotAt: number | undefined;
    cp.when('heartbeat', (c) => {
      if (forgotAt !== undefined || c.at < T0 + 25_000) return undefined;
      forgotAt = c.at;
      cp.forget();
      return answer(401);
    });
    await h.finish();

    const hb401 = one(cp.of('heartbeat').filter((c) => c.status === 401));
    expect(hb401.args[1]).toEqual({ token: 'tok-1' });
    const regs = cp.of('register');
    expect(regs).toHaveLength(2);
    expectAtOnce(regs[1]!.at, hb401.answeredAt);
    const waits = cp.of('awaitRegistration');
    expect(waits.map((w) => [w.args[1], w.status])).toEqual([
      ['reg-1', 200],
      ['reg-2', 200],
    ]);
    const creds2At = waits[1]!.answeredAt!;

    expect(tagsOf(registrationDuration)).toEqual([{ kind: 'initial' }, { kind: 'reregister' }]);
    expect(samplesOf(registrationDuration)[1]!.value).toBe(creds2At - regs[1]!.at);
    expect(sumOf(agentsRegistered)).toBe(1);
    expect(sumOf(agentsReregistered)).toBe(1);
    expect(tagsOf(agentTransitions)).toEqual([{ state: 'degraded' }, { state: 'recovered' }]);

    // After the new credentials: a heartbeat at once, then only good ones with the new token.
    const later = cp.of('heartbeat').filter((c) => c.at > hb401.at);
    expectAtOnce(later[0]!.at, creds2At);
    expect(later.length).toBeGreaterThan(3);
    for (const c of later) expect([c.args[1], c.status]).toEqual([{ token: 'tok-2' }, 200]);
    // The watch restarts from scratch with the new token; the old one is not renewed.
    const watches = cp.of('deployments');
    const rewatch = watches.find((w) => w.at >= creds2At)!;
    expect(rewatch.args).toEqual([IDENTITY, { token: 'tok-2' }, 0, 30]);
    expectAtOnce(rewatch.at, creds2At);
    expect(watches.filter((w) => (w.args[1] as Credentials).token === 'tok-1').every((w) => w.at < forgotAt!)).toBe(true);
    expect(samplesOf(backoffs)).toEqual([]);
    expect(samplesOf(agentsFailed)).toEqual([]);
  });

  it('sends node health on its own interval when healthIntervalS > 0, not on heartbeats', async () => {
    const h = harness({ healthIntervalS: 30 });
    await h.finish();
    for (const c of h.cp.of('heartbeat')) expect(c.args[2]).toBeUndefined();
    const health = h.cp.of('reportHealth');
    expect(health.length).toBeGreaterThanOrEqual(3);
    for (const c of health) expect((c.args[2] as NodeReport[]).map((n) => n.name)).toEqual(IDENTITY.nodes);
    for (const x of gaps(health)) {
      expect(x).toBeGreaterThanOrEqual(30_000 * 0.75);
      expect(x).toBeLessThanOrEqual(30_000 * 1.25);
    }
  });
});

describe('Agent in poll mode', () => {
  const poll: Partial<AgentPlan> = { deployments: { mode: 'poll', pollIntervalS: 15, watchTimeoutS: 30 } };

  it('polls with watchS 0 every pollIntervalS, applies each new generation exactly once, never watches', async () => {
    const h = harness(poll, 300);
    const { cp } = h;
    await h.until(40_000);
    const g1 = cp.publish('bundle-a');
    await h.until(150_000);
    const g2 = cp.publish('bundle-a');
    await h.finish();

    const credsAt = one(cp.of('awaitRegistration')).answeredAt!;
    const polls = cp.of('deployments');
    for (const p of polls) {
      expect(p.args[3]).toBe(0); // no watch, ever
      expect(p.status).toBe(200);
    }
    // The first poll lands within the first interval, then one interval (±jitter) apart.
    expect(polls[0]!.at).toBeGreaterThanOrEqual(credsAt);
    expect(polls[0]!.at).toBeLessThan(credsAt + 15_000);
    expect(polls[0]!.args[2]).toBe(0);
    for (const x of gaps(polls)) {
      expect(x).toBeGreaterThanOrEqual(15_000 * 0.75);
      expect(x).toBeLessThanOrEqual(15_000 * 1.25);
    }
    expect(polls.length).toBeGreaterThanOrEqual(Math.floor((300_000 - 15_000) / 18_750));
    expect(polls.length).toBeLessThanOrEqual(Math.ceil(300_000 / 11_250) + 1);

    // Every poll answers the whole list, so gen 1 is seen again and again: reported once.
    const reports = cp.of('reportDeployment');
    expect(reports.map((r) => [r.args[2], r.args[3], r.status])).toEqual([
      [g1, 'Ready', 204],
      [g2, 'Ready', 204],
    ]);
    const seenAgain = polls.filter((p) => p.at > reports[0]!.at && p.at < g2.createdAt);
    expect(seenAgain.length).toBeGreaterThanOrEqual(2);
    // Each is applied after the first poll that saw it: within one interval and the apply time.
    for (const [r, g] of [
      [reports[0]!, g1],
      [reports[1]!, g2],
    ] as const) {
      const sawIt = polls.find((p) => p.answeredAt! >= g.createdAt)!;
      expect(r.args[4]).toBe(sawIt.answeredAt);
      expect(r.at - g.createdAt).toBeLessThanOrEqual(15_000 * 1.25 + PLAN.applyMs.max + 2 * 5);
    }
    expect(sumOf(deploymentsReady)).toBe(2);
    expect(samplesOf(distributionDuration).map((s) => s.value)).toEqual([reports[0]!.at - g1.createdAt, reports[1]!.at - g2.createdAt]);
    expect(cp.of('sendEvents')).toHaveLength(2);
  });
});

describe('Agent registration hiccups', () => {
  it('starts over with a new register call when the control plane forgot the registration (404)', async () => {
    const h = harness();
    const { cp } = h;
    cp.next('awaitRegistration', answer(404));
    await h.finish();

    const regs = cp.of('register');
    const waits = cp.of('awaitRegistration');
    expect(waits.map((w) => [w.args[1], w.status])).toEqual([
      ['reg-1', 404],
      ['reg-2', 200],
    ]);
    expect(regs).toHaveLength(2);
    expect(regs[1]!.at).toBe(waits[0]!.answeredAt);
    // One registration, measured from the first register call; nothing failed, no backoff.
    expect(samplesOf(registrationDuration).map((s) => [s.value, s.tags])).toEqual([[waits[1]!.answeredAt! - T0, { kind: 'initial' }]]);
    expect(sumOf(agentsRegistered)).toBe(1);
    expect(samplesOf(agentsFailed)).toEqual([]);
    expect(samplesOf(backoffs)).toEqual([]);
    expect(cp.of('heartbeat').every((c) => (c.args[1] as Credentials).token === 'tok-1')).toBe(true);
  });

  it('backs off on a 503 while waiting for Ready (Retry-After as a floor), then waits on the same registration', async () => {
    const h = harness();
    const { cp } = h;
    cp.next('awaitRegistration', answer(503, undefined, 3000));
    await h.finish();

    expect(cp.of('register')).toHaveLength(1);
    const waits = cp.of('awaitRegistration');
    expect(waits.map((w) => [w.args[1], w.status])).toEqual([
      ['reg-1', 503],
      ['reg-1', 200],
    ]);
    const [wait] = gaps(waits);
    expect(wait).toBeGreaterThanOrEqual(3000);
    expect(wait).toBeLessThanOrEqual(3000 * (1 + PLAN.backoff.jitter));
    expect(tagsOf(backoffs)).toEqual([{ reason: 'register-wait' }]);
    expect(samplesOf(agentsFailed)).toEqual([]);
    expect(sumOf(agentsRegistered)).toBe(1);
  });
});

describe('Agent registration failing for good', () => {
  it('keeps retrying a 500 with growing waits capped at backoff.maxMs, counts each backoff, never heartbeats', async () => {
    const h = harness();
    const { cp } = h;
    cp.when('register', () => answer(500));
    await h.finish();

    const regs = cp.of('register');
    expect(regs.length).toBeGreaterThan(10);
    const { baseMs, maxMs, jitter } = PLAN.backoff;
    gaps(regs).forEach((x, k) => {
      const ceiling = Math.min(maxMs, baseMs * 2 ** k);
      expect(x).toBeGreaterThanOrEqual(Math.floor(ceiling * (1 - jitter)));
      expect(x).toBeLessThanOrEqual(ceiling);
    });
    const g = gaps(regs);
    expect(g[4]!).toBeGreaterThan(g[0]!);
    expect(Math.max(...g)).toBeLessThanOrEqual(maxMs);
    // Every refusal is a backoff; a retryable refusal is not a failed agent (it is still trying:
    // the registration SLI counts it as never completed).
    expect(sumOf(backoffs)).toBe(regs.length);
    expect(tagsOf(backoffs).every((t) => t.reason === 'register')).toBe(true);
    expect(samplesOf(agentsFailed)).toEqual([]);
    expect(samplesOf(agentsRegistered)).toEqual([]);
    expect(samplesOf(registrationDuration)).toEqual([]);
    expect(cp.calls.every((c) => c.method === 'register')).toBe(true);
  });

  it('gives up on a 403 at once: one failed agent tagged with the status, no retries, no heartbeats', async () => {
    const h = harness();
    const { cp } = h;
    cp.when('register', () => answer(403));
    await h.until(1000);
    expect(await h.drained()).toBe(true);
    await h.finish();

    expect(cp.calls.map((c) => [c.method, c.status])).toEqual([['register', 403]]);
    expect(samplesOf(agentsFailed).map((s) => [s.value, s.tags])).toEqual([[1, { status: '403' }]]);
    expect(samplesOf(backoffs)).toEqual([]);
    expect(samplesOf(agentsRegistered)).toEqual([]);
    expect(samplesOf(registrationDuration)).toEqual([]);
  });

  it('long-polls a registration that never becomes Ready, without backoff or failure', async () => {
    const h = harness({}, 60);
    h.cp.registrationDelayMs = 10 * 60_000;
    await h.finish();

    expect(h.cp.of('register')).toHaveLength(1);
    const waits = h.cp.of('awaitRegistration');
    expect(waits.length).toBeGreaterThanOrEqual(5);
    for (const w of waits) expect([w.args[1], w.status]).toEqual(['reg-1', 200]);
    expect(waits.slice(0, 5).map((w) => w.args[2])).toEqual([10, 10, 10, 10, 10]);
    expect(gaps(waits).every((x) => x === 0)).toBe(true);
    expect(metricSamples).toEqual([]);
    expect(h.cp.of('heartbeat')).toEqual([]);
  });
});

describe('Agent and Retry-After', () => {
  it('on a 429 to register, waits at least Retry-After (plus at most its jitter) before registering again', async () => {
    const h = harness();
    const { cp } = h;
    cp.next('register', answer(429, undefined, 7000));
    await h.finish();

    const regs = cp.of('register');
    expect(regs.map((r) => r.status)).toEqual([429, 201]);
    const [wait] = gaps(regs);
    expect(wait).toBeGreaterThanOrEqual(7000);
    expect(wait).toBeLessThanOrEqual(7000 * (1 + PLAN.backoff.jitter));
    expect(tagsOf(backoffs)).toEqual([{ reason: 'register' }]);
    // It then registers; the wait is part of the registration latency.
    const credsAt = one(cp.of('awaitRegistration')).answeredAt!;
    expect(samplesOf(registrationDuration).map((s) => s.value)).toEqual([credsAt - T0]);
    expect(credsAt - T0).toBeGreaterThan(7000);
    expect(cp.of('heartbeat').length).toBeGreaterThan(0);
  });

  it('on a 429 to a heartbeat, renews no earlier than Retry-After, then recovers', async () => {
    const h = harness();
    const { cp } = h;
    cp.next('heartbeat', answer(429, undefined, 20_000));
    await h.finish();

    const hb = cp.of('heartbeat');
    expect(hb[0]!.status).toBe(429);
    const [wait, ...rest] = gaps(hb);
    // A normal renewal would come within 12.5 s; Retry-After 20 s is a floor.
    expect(wait).toBeGreaterThanOrEqual(20_000);
    expect(wait).toBeLessThanOrEqual(20_000 * (1 + PLAN.backoff.jitter));
    expect(hb.slice(1).every((c) => c.status === 200)).toBe(true);
    for (const x of rest) expect(x).toBeLessThanOrEqual(12_500);
    expect(tagsOf(backoffs)).toEqual([{ reason: 'heartbeat' }]);
    expect(tagsOf(agentTransitions)).toEqual([{ state: 'degraded' }, { state: 'recovered' }]);
    expect(sumOf(heartbeats)).toBe(hb.length - 1);
  });

  it('on a 429 to a deployment report, reports again no earlier than Retry-After, once Ready', async () => {
    const h = harness();
    const { cp } = h;
    cp.next('reportDeployment', answer(429, undefined, 5000));
    await h.until(10_000);
    const d = cp.publish('bundle-a');
    await h.finish();

    const reports = cp.of('reportDeployment');
    expect(reports.map((r) => [r.args[2], r.args[3], r.status])).toEqual([
      [d, 'Ready', 429],
      [d, 'Ready', 204],
    ]);
    const [wait] = gaps(reports);
    expect(wait).toBeGreaterThanOrEqual(5000);
    expect(wait).toBeLessThanOrEqual(5000 * (1 + PLAN.backoff.jitter));
    // Same apply time in both reports; the watch waits for the report to be through.
    expect(reports[1]!.args[4]).toBe(reports[0]!.args[4]);
    const event = one(cp.of('sendEvents'));
    expect(event.at).toBe(reports[1]!.answeredAt);
    expect(cp.of('deployments').filter((w) => w.at > reports[0]!.at && w.at < event.answeredAt!)).toEqual([]);
    expect(sumOf(deploymentsReady)).toBe(1);
    expect(samplesOf(distributionDuration).map((s) => s.value)).toEqual([reports[1]!.at - d.createdAt]);
  });
});

// The agent lifecycle end to end against a real server: register, long-poll to Ready, lease,
// deployments (plain and watch), status, and the bundle's counts; leases lapsing and recovering;
// bundles reaching exactly the clusters their selectors match.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  BundleStatus,
  ClusterList,
  ClusterView,
  DeploymentList,
  LeaseResponse,
  RegistrationStatus,
} from './api';
import type { RunningSimulator } from './server';
import { call, clusterPath, OP, REG, registerReady, start, waitFor } from './test-helpers';

let sim: RunningSimulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
  vi.useRealTimers();
});

describe('agent lifecycle', () => {
  it('registers, heartbeats, receives a bundle and reports it Ready', async () => {
    sim = await start({ registrationCostMs: 5 });
    const u = sim.url;
    const reg = await call<RegistrationStatus>(u, 'POST', '/api/v1/registrations', {
      token: REG,
      body: { clusterName: 'edge-1', namespace: 'fleet', labels: { env: 'prod' }, requestedAt: Date.now() },
    });
    expect(reg.status).toBe(202);
    expect(reg.body.phase).toBe('Pending');
    expect(reg.body.credentials).toBeUndefined();

    const ready = await call<RegistrationStatus>(u, 'GET', `/api/v1/registrations/${reg.body.id}?waitSeconds=300`, { token: REG });
    expect(ready.status).toBe(200);
    expect(ready.body.phase).toBe('Ready');
    expect(ready.body.readyAt).toBeGreaterThanOrEqual(ready.body.createdAt);
    const token = ready.body.credentials?.token as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{16,}$/);

    const lease = await call<LeaseResponse>(u, 'PUT', `${clusterPath('fleet', 'edge-1')}/lease`, { token, body: {} });
    expect(lease.status).toBe(200);
    expect(lease.body).toMatchObject({ phase: 'Ready', leaseDurationSeconds: 40 });

    const empty = await call<DeploymentList>(u, 'GET', `${clusterPath('fleet', 'edge-1')}/deployments`, { token });
    expect(empty.body).toEqual({ revision: 0, items: [] });

    const created = await call<BundleStatus>(u, 'POST', '/api/v1/namespaces/fleet/bundles', {
      token: OP,
      body: { name: 'app', selector: { matchLabels: { env: 'prod' } }, payloadBytes: 100 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ generation: 1, desired: 1, applied: 0, ready: 0, failed: 0 });

    const deps = await call<DeploymentList>(u, 'GET', `${clusterPath('fleet', 'edge-1')}/deployments?watch=1&since=0&timeoutSeconds=5`, { token });
    expect(deps.body.items).toHaveLength(1);
    const d = deps.body.items[0];
    expect(d).toMatchObject({ bundle: 'app', namespace: 'fleet', generation: 1, state: 'Pending' });
    expect(d?.payload).toHaveLength(100);
    expect(deps.body.revision).toBe(d?.revision);

    const statusPath = `${clusterPath('fleet', 'edge-1')}/deployments/app/status`;
    expect((await call(u, 'PUT', statusPath, { token, body: { generation: 1, state: 'Applied', appliedAt: Date.now() } })).status).toBe(204);
    let b = await call<BundleStatus>(u, 'GET', '/api/v1/namespaces/fleet/bundles/app', { token: OP });
    expect(b.body).toMatchObject({ desired: 1, applied: 1, ready: 0 });
    expect(b.body.readyTimes).toBeUndefined();

    expect((await call(u, 'PUT', statusPath, { token, body: { generation: 1, state: 'Ready', readyAt: Date.now() } })).status).toBe(204);
    b = await call<BundleStatus>(u, 'GET', '/api/v1/namespaces/fleet/bundles/app?detail=1', { token: OP });
    expect(b.body).toMatchObject({ desired: 1, applied: 1, ready: 1, failed: 0 });
    expect(Object.keys(b.body.readyTimes ?? {})).toEqual(['edge-1']);

    // A stale generation is a conflict, not a silent success.
    const stale = await call<{ error: { field: string } }>(u, 'PUT', statusPath, { token, body: { generation: 2, state: 'Ready' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.field).toBe('generation');

    // Updating the bundle bumps the generation and resets the counts.
    const updated = await call<BundleStatus>(u, 'POST', '/api/v1/namespaces/fleet/bundles', {
      token: OP,
      body: { name: 'app', selector: 'env=prod', payload: 'v2' },
    });
    expect(updated.body).toMatchObject({ generation: 2, desired: 1, applied: 0, ready: 0 });
    const deps2 = await call<DeploymentList>(u, 'GET', `${clusterPath('fleet', 'edge-1')}/deployments?watch=1&since=${deps.body.revision}`, { token });
    expect(deps2.body.items[0]).toMatchObject({ generation: 2, payload: 'v2', state: 'Pending' });
    expect(deps2.body.revision).toBeGreaterThan(deps.body.revision);

    expect((await call(u, 'POST', `${clusterPath('fleet', 'edge-1')}/health`, {
      token,
      body: { nodes: [{ name: 'n1', conditions: { Ready: 'True' }, capacity: { cpu: 4, memoryBytes: 8e9, pods: 110 }, usage: { cpu: 1, memoryBytes: 1e9, pods: 10 } }] },
    })).status).toBe(204);
    const health = await call<{ nodes: unknown[] }>(u, 'GET', `${clusterPath('fleet', 'edge-1')}/health`, { token: OP });
    expect(health.body.nodes).toHaveLength(1);
    expect((await call(u, 'POST', `${clusterPath('fleet', 'edge-1')}/events`, {
      token,
      body: { events: [{ type: 'Normal', reason: 'Applied', message: 'ok', bundle: 'app' }] },
    })).status).toBe(204);
    const events = await call<{ items: { cluster: string; reason: string }[] }>(u, 'GET', '/api/v1/namespaces/fleet/events', { token: OP });
    expect(events.body.items).toMatchObject([{ cluster: 'edge-1', reason: 'Applied' }]);

    // Deleting the bundle empties the cluster's list; the revision still moves forward.
    expect((await call(u, 'DELETE', '/api/v1/namespaces/fleet/bundles/app', { token: OP })).status).toBe(204);
    const deps3 = await call<DeploymentList>(u, 'GET', `${clusterPath('fleet', 'edge-1')}/deployments?watch=1&since=${deps2.body.revision}&timeoutSeconds=5`, { token });
    expect(deps3.body.items).toEqual([]);
    expect(deps3.body.revision).toBeGreaterThan(deps2.body.revision);
  });

  it('re-registering an existing name re-issues credentials and revokes the old token', async () => {
    sim = await start();
    const u = sim.url;
    const t1 = await registerReady(u, 'fleet', 'edge-1');
    const t2 = await registerReady(u, 'fleet', 'edge-1');
    expect(t2).not.toBe(t1);
    expect((await call(u, 'PUT', `${clusterPath('fleet', 'edge-1')}/lease`, { token: t1 })).status).toBe(401);
    expect((await call(u, 'PUT', `${clusterPath('fleet', 'edge-1')}/lease`, { token: t2 })).status).toBe(200);
    const list = await call<ClusterList>(u, 'GET', '/api/v1/clusters', { token: OP });
    expect(list.body.total).toBe(1);
  });

  it('answers Pending when waitSeconds passes before a worker is free', async () => {
    sim = await start({ registrationWorkers: 1, registrationCostMs: 600_000 });
    const r = await call<RegistrationStatus>(sim.url, 'POST', '/api/v1/registrations', { token: REG, body: { clusterName: 'a', namespace: 'fleet' } });
    const t0 = Date.now();
    const s = await call<RegistrationStatus>(sim.url, 'GET', `/api/v1/registrations/${r.body.id}?waitSeconds=0.2`, { token: REG });
    expect(s.status).toBe(200);
    expect(s.body.phase).toBe('Pending');
    expect(s.body.credentials).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
  });

  it('queues registrations behind a bounded worker pool', async () => {
    // The only worker needs ten minutes per credential: what is queued stays queued for the whole test.
    sim = await start({ registrationWorkers: 1, registrationCostMs: 600_000 });
    const u = sim.url;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await call<RegistrationStatus>(u, 'POST', '/api/v1/registrations', { token: REG, body: { clusterName: `c${i}`, namespace: 'q' } });
      expect(r.status).toBe(202);
      ids.push(r.body.id);
    }
    const pending = await call<ClusterList>(u, 'GET', '/api/v1/namespaces/q/clusters?labelSelector=', { token: OP });
    expect(pending.body.items.map((c) => c.phase)).toEqual(['Pending', 'Pending', 'Pending', 'Pending']);
    const metrics = await call<string>(u, 'GET', '/metrics');
    expect(metrics.body).toMatch(/^fleetsim_registration_queue_depth\{state="queued"\} 3$/m);
    expect(metrics.body).toMatch(/^fleetsim_registration_queue_depth\{state="in_progress"\} 1$/m);
    const last = await call<RegistrationStatus>(u, 'GET', `/api/v1/registrations/${ids[3] as string}`, { token: REG });
    expect(last.body.phase).toBe('Pending');
  });

  it('drains the queue: every queued registration becomes Ready', async () => {
    sim = await start({ registrationWorkers: 1, registrationCostMs: 30 });
    const u = sim.url;
    const posted = await Promise.all(
      [0, 1, 2, 3].map((i) => call<RegistrationStatus>(u, 'POST', '/api/v1/registrations', { token: REG, body: { clusterName: `c${i}`, namespace: 'q' } })),
    );
    const done = await Promise.all(posted.map((r) => call<RegistrationStatus>(u, 'GET', `/api/v1/registrations/${r.body.id}?waitSeconds=300`, { token: REG })));
    expect(done.map((r) => r.body.phase)).toEqual(['Ready', 'Ready', 'Ready', 'Ready']);
    const metrics = await call<string>(u, 'GET', '/metrics');
    expect(metrics.body).toMatch(/^fleetsim_registration_wait_seconds_count 4$/m);
    expect(metrics.body).toMatch(/^fleetsim_registration_queue_depth\{state="queued"\} 0$/m);
  });
});

describe('registration cost modes', () => {
  it("burns the simulator's own CPU in cpu mode", async () => {
    sim = await start({ registrationCostMs: 40, registrationCostMode: 'cpu' });
    const before = process.cpuUsage();
    for (const name of ['a', 'b', 'c']) await registerReady(sim.url, 'fleet', name);
    const used = process.cpuUsage(before);
    // Three credentials at 40 ms of CPU time each (the server runs in this process).
    expect((used.user + used.system) / 1000).toBeGreaterThanOrEqual(120);
  });
});

// Leases on a frozen clock: Date is faked (and only Date, so sockets and the sweep's own interval
// run for real). The server's clock moves only when the test moves it, so a loaded machine can
// neither lapse a lease early nor keep it alive late.
describe('leases', () => {
  it('marks a silent cluster Unknown and Ready again on renewal', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    sim = await start({ leaseDurationSeconds: 0.2, leaseGrace: 1.5 });
    const u = sim.url;
    const token = await registerReady(u, 'fleet', 'edge-1');
    const get = async (): Promise<ClusterView> => (await call<ClusterView>(u, 'GET', clusterPath('fleet', 'edge-1'), { token: OP })).body;
    expect((await get()).phase).toBe('Ready');
    vi.setSystemTime(Date.now() + 301); // past 0.2 s x 1.5
    // The server's own periodic sweep notices.
    await waitFor('the lease controller to mark the cluster Unknown', async () => (await get()).phase === 'Unknown');
    const metrics = await call<string>(u, 'GET', '/metrics');
    expect(metrics.body).toMatch(/^fleetsim_lease_expiries_total 1$/m);
    const renewed = await call<LeaseResponse>(u, 'PUT', `${clusterPath('fleet', 'edge-1')}/lease`, { token });
    expect(renewed.body.phase).toBe('Ready');
    const view = await get();
    expect(view.phase).toBe('Ready');
    expect(view.lastHeartbeatAt).toBe(renewed.body.renewedAt);
  });

  it('keeps a heartbeating cluster Ready', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    sim = await start({ leaseDurationSeconds: 0.5, leaseGrace: 1.5 });
    const s = sim;
    const u = s.url;
    const token = await registerReady(u, 'fleet', 'edge-1');
    // Eight renewals 700 ms apart against a 750 ms timeout: 5.6 s in all, far past one timeout.
    for (let i = 0; i < 8; i++) {
      vi.setSystemTime(Date.now() + 700);
      expect(s.sim.leases.sweep()).toBe(0);
      expect((await call<ClusterView>(u, 'GET', clusterPath('fleet', 'edge-1'), { token: OP })).body.phase).toBe('Ready');
      expect((await call<LeaseResponse>(u, 'PUT', `${clusterPath('fleet', 'edge-1')}/lease`, { token })).status).toBe(200);
    }
    expect((await call<string>(u, 'GET', '/metrics')).body).toMatch(/^fleetsim_lease_expiries_total 0$/m);
    // The same silence without the renewal lapses it: the renewals above are what kept it Ready.
    vi.setSystemTime(Date.now() + 751);
    expect(s.sim.leases.sweep()).toBe(1);
  });
});

describe('bundles and selectors', () => {
  it('reach exactly the clusters the selector matches, including ones that register later or are relabelled', async () => {
    sim = await start();
    const u = sim.url;
    const labels: Record<string, Record<string, string>> = {
      a: { env: 'prod', region: 'eu' },
      b: { env: 'prod', region: 'us' },
      c: { env: 'dev', region: 'eu' },
      d: { region: 'eu' },
    };
    const tokens: Record<string, string> = {};
    for (const [name, l] of Object.entries(labels)) tokens[name] = await registerReady(u, 'fleet', name, l);
    tokens.other = await registerReady(u, 'other', 'a', { env: 'prod', region: 'eu' });

    const b = await call<BundleStatus>(u, 'POST', '/api/v1/namespaces/fleet/bundles', {
      token: OP,
      body: { name: 'eu-not-dev', selector: 'region in (eu), env notin (dev)' },
    });
    expect(b.body.desired).toBe(2); // a and d; not c (dev), not b (us), not other/a (other namespace)
    const has = async (ns: string, name: string): Promise<boolean> =>
      (await call<DeploymentList>(u, 'GET', `${clusterPath(ns, name)}/deployments`, { token: tokens[ns === 'other' ? 'other' : name] as string })).body.items.length > 0;
    expect(await has('fleet', 'a')).toBe(true);
    expect(await has('fleet', 'b')).toBe(false);
    expect(await has('fleet', 'c')).toBe(false);
    expect(await has('fleet', 'd')).toBe(true);
    expect(await has('other', 'a')).toBe(false);

    tokens.e = await registerReady(u, 'fleet', 'e', { region: 'eu', env: 'staging' });
    expect(await has('fleet', 'e')).toBe(true);
    await call(u, 'PATCH', clusterPath('fleet', 'a'), { token: OP, body: { labels: { env: 'dev' } } });
    expect(await has('fleet', 'a')).toBe(false);
    await call(u, 'PATCH', clusterPath('fleet', 'c'), { token: OP, body: { labels: { env: null } } });
    expect(await has('fleet', 'c')).toBe(true);
    const status = await call<BundleStatus>(u, 'GET', '/api/v1/namespaces/fleet/bundles/eu-not-dev', { token: OP });
    expect(status.body.desired).toBe(3); // c, d, e

    const all = await call<BundleStatus>(u, 'POST', '/api/v1/namespaces/fleet/bundles', { token: OP, body: { name: 'all' } });
    expect(all.body.desired).toBe(5);
  });

  it('lists with selectors and pages through with continue', async () => {
    sim = await start();
    const u = sim.url;
    for (let i = 0; i < 7; i++) await registerReady(u, i < 5 ? 'p' : 'q', `c${i}`, { tier: i % 2 === 0 ? 'even' : 'odd' });
    const seen: string[] = [];
    let cont: string | undefined;
    let pages = 0;
    do {
      const r = await call<ClusterList>(u, 'GET', `/api/v1/clusters?labelSelector=tier%3Deven&limit=2${cont ? `&continue=${cont}` : ''}`, { token: OP });
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(4);
      seen.push(...r.body.items.map((c) => c.name));
      cont = r.body.continue;
      pages++;
    } while (cont !== undefined && pages < 10);
    expect(seen).toEqual(['c0', 'c2', 'c4', 'c6']);
    expect(pages).toBe(2);
    const ns = await call<ClusterList>(u, 'GET', '/api/v1/namespaces/p/clusters?labelSelector=!tier', { token: OP });
    expect(ns.body).toEqual({ items: [], total: 0 });
    const odd = await call<ClusterList>(u, 'GET', '/api/v1/namespaces/p/clusters?labelSelector=tier,tier!=even', { token: OP });
    expect(odd.body.items.map((c) => c.name)).toEqual(['c1', 'c3']);
  });
});

describe('deployment watch', () => {
  it('answers a parked watch at the timeout without a change, and on the change with one', async () => {
    sim = await start();
    const s = sim;
    const u = s.url;
    const token = await registerReady(u, 'fleet', 'edge-1', { env: 'prod' });
    const t0 = Date.now();
    const idle = await call<DeploymentList>(u, 'GET', `${clusterPath('fleet', 'edge-1')}/deployments?watch=1&since=0&timeoutSeconds=0.3`, { token });
    expect(idle.status).toBe(200);
    expect(idle.body.items).toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);

    // A watch that outlasts the test can only come back because of the change.
    const watch = call<DeploymentList>(u, 'GET', `${clusterPath('fleet', 'edge-1')}/deployments?watch=1&since=0&timeoutSeconds=300`, { token });
    await waitFor('the watch to park', () => s.sim.hub.parked === 1);
    await call(u, 'POST', '/api/v1/namespaces/fleet/bundles', { token: OP, body: { name: 'app', selector: 'env=prod' } });
    // Woken while the bundle was created, before its 201 was sent: not by a later timer.
    expect(s.sim.hub.parked).toBe(0);
    const r = await watch;
    expect(r.body.items).toHaveLength(1);
  });

  it('wakes only the watches of clusters whose deployments changed', async () => {
    sim = await start();
    const s = sim;
    const u = s.url;
    const ta = await registerReady(u, 'fleet', 'a', { env: 'prod' });
    const tb = await registerReady(u, 'fleet', 'b', { env: 'dev' });
    let bDone = false;
    const wa = call<DeploymentList>(u, 'GET', `${clusterPath('fleet', 'a')}/deployments?watch=1&timeoutSeconds=300`, { token: ta });
    const wb = call<DeploymentList>(u, 'GET', `${clusterPath('fleet', 'b')}/deployments?watch=1&timeoutSeconds=300`, { token: tb }).then((r) => {
      bDone = true;
      return r;
    });
    await waitFor('both watches to park', () => s.sim.hub.parked === 2);
    await call(u, 'POST', '/api/v1/namespaces/fleet/bundles', { token: OP, body: { name: 'app', selector: 'env=prod' } });
    expect((await wa).body.items).toHaveLength(1);
    // b's watch is still parked: the prod bundle did not wake it.
    expect(s.sim.hub.parked).toBe(1);
    expect(bDone).toBe(false);
    await call(u, 'POST', '/api/v1/namespaces/fleet/bundles', { token: OP, body: { name: 'dev-app', selector: 'env=dev' } });
    expect((await wb).body.items.map((d) => d.bundle)).toEqual(['dev-app']);
  });
});

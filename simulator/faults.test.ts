// Limits and injected faults: 429 + Retry-After beyond --max-inflight (parked long polls exempt),
// 503 per route group, latency, all settable on a running server through PUT /admin/faults.
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorResponse } from './api';
import type { FaultsResponse } from './routes/system';
import type { RunningSimulator } from './server';
import { call, clusterPath, holdRequest, OP, registerReady, start, waitFor } from './test-helpers';

let sim: RunningSimulator | null = null;
afterEach(async () => {
  // close() is idempotent: tests that closed their server already are fine.
  await sim?.close();
  sim = null;
});

describe('max in-flight', () => {
  it('answers 429 with Retry-After when more requests are in flight than allowed', async () => {
    sim = await start({ faults: { latency: { kind: 'none' }, errorRate: {}, maxInflight: 2 } });
    const s = sim;
    const u = s.url;
    const held = ['h1', 'h2'].map((name) => holdRequest(u, 'POST', '/api/v1/namespaces/fleet/bundles', OP, { name }));
    await waitFor('two held requests in flight', () => s.sim.inflightCount === 2);
    const results = await Promise.all(Array.from({ length: 4 }, () => call<ErrorResponse>(u, 'GET', '/api/v1/clusters', { token: OP })));
    expect(results.map((r) => r.status)).toEqual([429, 429, 429, 429]);
    for (const r of results) {
      expect(r.headers.get('retry-after')).toBe('1');
      expect(r.body.error.code).toBe('overloaded');
    }
    // Health and metrics stay reachable on an overloaded server.
    expect((await call(u, 'GET', '/healthz')).status).toBe(200);
    expect((await call<string>(u, 'GET', '/metrics')).body).toMatch(/fleetsim_rejected_requests_total\{reason="overloaded"\} 4/);
    // The admitted requests were held, not dropped; once they finish there is room again.
    expect((await Promise.all(held.map((h) => h.release()))).map((r) => r.status)).toEqual([201, 201]);
    expect(s.sim.inflightCount).toBe(0);
    expect((await call(u, 'GET', '/api/v1/clusters', { token: OP })).status).toBe(200);
  });

  it('counts a request held by added latency as in flight', async () => {
    // The latency outlasts the test: the request is still in its delay however slow the machine.
    sim = await start({ faults: { latency: { kind: 'fixed', ms: 600_000, jitterMs: 0 }, errorRate: {}, maxInflight: 1 } });
    const s = sim;
    const slow = call(s.url, 'GET', '/api/v1/clusters', { token: OP }).catch((err: unknown) => err);
    await waitFor('the slow request in flight', () => s.sim.inflightCount === 1);
    const r = await call<ErrorResponse>(s.url, 'GET', '/api/v1/clusters', { token: OP });
    expect(r.status).toBe(429);
    expect(s.sim.inflightCount).toBe(1);
    // Closing cuts the delayed request's connection; its answer never comes.
    await s.close();
    expect(await slow).toBeInstanceOf(Error);
  });

  it('does not count parked watches as in flight', async () => {
    sim = await start({ faults: { latency: { kind: 'none' }, errorRate: {}, maxInflight: 1 } });
    const s = sim;
    const u = s.url;
    const names = ['a', 'b', 'c'];
    const tokens = await Promise.all(names.map((n) => registerReady(u, 'fleet', n)));
    // Watches far longer than the test: they can only end by being parked throughout, then woken at close.
    const watches = tokens.map((t, i) => call(u, 'GET', `${clusterPath('fleet', names[i] as string)}/deployments?watch=1&timeoutSeconds=300`, { token: t }));
    await waitFor('three parked watches', () => s.sim.hub.parked === 3);
    expect((await call(u, 'GET', '/api/v1/clusters', { token: OP })).status).toBe(200);
    expect(s.sim.hub.parked).toBe(3);
    await s.close();
    expect((await Promise.all(watches)).map((r) => r.status)).toEqual([200, 200, 200]);
  });
});

describe('run-time faults', () => {
  it('injects 503s into one route group through PUT /admin/faults and clears them again', async () => {
    sim = await start();
    const u = sim.url;
    const token = await registerReady(u, 'fleet', 'a');
    const set = await call<FaultsResponse>(u, 'PUT', '/admin/faults', { token: OP, body: { errorRate: { lease: 1 } } });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ latency: 'none', errorRate: { lease: 1 }, maxInflight: 0 });
    const lease = await call<ErrorResponse>(u, 'PUT', `${clusterPath('fleet', 'a')}/lease`, { token });
    expect(lease.status).toBe(503);
    expect(lease.body.error.code).toBe('unavailable');
    expect(lease.headers.get('retry-after')).toBe('1');
    // Other groups are untouched.
    expect((await call(u, 'GET', `${clusterPath('fleet', 'a')}/deployments`, { token })).status).toBe(200);
    await call(u, 'PUT', '/admin/faults', { token: OP, body: {} });
    expect((await call(u, 'PUT', `${clusterPath('fleet', 'a')}/lease`, { token })).status).toBe(200);
    const metrics = await call<string>(u, 'GET', '/metrics');
    expect(metrics.body).toMatch(/fleetsim_rejected_requests_total\{reason="injected"\} 1/);
  });

  it('injects 429s into a running server', async () => {
    sim = await start();
    const s = sim;
    const u = s.url;
    await call(u, 'PUT', '/admin/faults', { token: OP, body: { maxInflight: 1, latency: 'fixed:ms=1' } });
    const got = await call<FaultsResponse>(u, 'GET', '/admin/faults', { token: OP });
    expect(got.body).toMatchObject({ maxInflight: 1, latency: 'fixed:ms=1' });
    const held = holdRequest(u, 'POST', '/api/v1/namespaces/fleet/bundles', OP, { name: 'held' });
    await waitFor('the held request in flight', () => s.sim.inflightCount === 1);
    const codes = (await Promise.all([1, 2].map(() => call(u, 'GET', '/api/v1/clusters', { token: OP })))).map((r) => r.status);
    expect(codes).toEqual([429, 429]);
    expect((await held.release()).status).toBe(201);
    expect((await call(u, 'GET', '/api/v1/clusters', { token: OP })).status).toBe(200);
  });

  it('adds latency from a distribution', async () => {
    sim = await start({ faults: { latency: { kind: 'uniform', min: 80, max: 120 }, errorRate: {}, maxInflight: 0 } });
    const t0 = Date.now();
    expect((await call(sim.url, 'GET', '/api/v1/clusters', { token: OP })).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(75);
  });
});

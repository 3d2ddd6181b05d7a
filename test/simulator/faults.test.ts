// Limits and injected faults: 429 + Retry-After beyond --max-inflight (parked long polls exempt),
// 503 per route group, latency, all settable on a running server through PUT /admin/faults.
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorResponse } from '../../simulator/api';
import type { FaultsResponse } from '../../simulator/routes/system';
import type { RunningSimulator } from '../../simulator/server';
import { call, clusterPath, OP, registerReady, start, waitFor } from './helpers';

let sim: RunningSimulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('max in-flight', () => {
  it('answers 429 with Retry-After when more requests are in flight than allowed', async () => {
    // 1 s of latency holds the admitted requests long enough for the rest to arrive, even on a busy box.
    sim = await start({ faults: { latency: { kind: 'fixed', ms: 1000, jitterMs: 0 }, errorRate: {}, maxInflight: 2 } });
    const u = sim.url;
    const results = await Promise.all(Array.from({ length: 6 }, () => call<ErrorResponse>(u, 'GET', '/api/v1/clusters', { token: OP })));
    const codes = results.map((r) => r.status).sort();
    expect(codes.filter((c) => c === 200)).toHaveLength(2);
    expect(codes.filter((c) => c === 429)).toHaveLength(4);
    const rejected = results.find((r) => r.status === 429);
    expect(rejected?.headers.get('retry-after')).toBe('1');
    expect(rejected?.body.error.code).toBe('overloaded');
    // Health and metrics stay reachable on an overloaded server.
    expect((await call(u, 'GET', '/healthz')).status).toBe(200);
  });

  it('does not count parked watches as in flight', async () => {
    sim = await start({ faults: { latency: { kind: 'none' }, errorRate: {}, maxInflight: 1 } });
    const u = sim.url;
    const tokens = await Promise.all(['a', 'b', 'c'].map((n) => registerReady(u, 'fleet', n)));
    const watches = tokens.map((t, i) =>
      call(u, 'GET', `${clusterPath('fleet', ['a', 'b', 'c'][i] as string)}/deployments?watch=1&timeoutSeconds=0.5`, { token: t }),
    );
    await waitFor(() => sim?.sim.hub.parked === 3, 2000, 5);
    expect((await call(u, 'GET', '/api/v1/clusters', { token: OP })).status).toBe(200);
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
    const u = sim.url;
    await call(u, 'PUT', '/admin/faults', { token: OP, body: { maxInflight: 1, latency: 'fixed:ms=1000' } });
    const got = await call<FaultsResponse>(u, 'GET', '/admin/faults', { token: OP });
    expect(got.body).toMatchObject({ maxInflight: 1, latency: 'fixed:ms=1000' });
    const codes = (await Promise.all([1, 2, 3].map(() => call(u, 'GET', '/api/v1/clusters', { token: OP })))).map((r) => r.status).sort();
    expect(codes).toEqual([200, 429, 429]);
  });

  it('adds latency from a distribution', async () => {
    sim = await start({ faults: { latency: { kind: 'uniform', min: 80, max: 120 }, errorRate: {}, maxInflight: 0 } });
    const t0 = Date.now();
    expect((await call(sim.url, 'GET', '/api/v1/clusters', { token: OP })).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(75);
  });
});

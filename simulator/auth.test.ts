// 401 for no or a bad token, 403 for a valid token on the wrong route or another cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterList, ErrorResponse, RegistrationStatus } from './api';
import type { RunningSimulator } from './server';
import { call, clusterPath, holdRequest, OP, REG, registerReady, start, waitFor } from './test-helpers';

let sim: RunningSimulator;
let tokenA: string;
let tokenB: string;
beforeAll(async () => {
  sim = await start();
  tokenA = await registerReady(sim.url, 'fleet', 'a');
  tokenB = await registerReady(sim.url, 'fleet', 'b');
});
afterAll(async () => {
  await sim.close();
});

const agentRoutes: [string, string, unknown][] = [
  ['PUT', '/lease', {}],
  ['POST', '/health', { nodes: [] }],
  ['POST', '/events', { events: [] }],
  ['GET', '/deployments', undefined],
  ['PUT', '/deployments/x/status', { generation: 1, state: 'Ready' }],
];

describe('authentication and authorisation', () => {
  it.each(agentRoutes)('%s cluster%s: 401 without or with a bad token', async (method, suffix, body) => {
    for (const token of [undefined, 'nope', REG.toUpperCase()]) {
      const r = await call<ErrorResponse>(sim.url, method, clusterPath('fleet', 'a') + suffix, { token, body });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('unauthorized');
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it.each(agentRoutes)("%s cluster%s: 403 with another cluster's token or a non-cluster token", async (method, suffix, body) => {
    for (const token of [tokenB, OP, REG]) {
      const r = await call<ErrorResponse>(sim.url, method, clusterPath('fleet', 'a') + suffix, { token, body });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
    }
    // A name that does not exist is a 403 too: a token cannot probe for clusters.
    const r = await call(sim.url, method, clusterPath('fleet', 'ghost') + suffix, { token: tokenA, body });
    expect(r.status).toBe(403);
  });

  it('operator routes refuse cluster and registration tokens', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/v1/clusters', undefined],
      ['GET', clusterPath('fleet', 'a'), undefined],
      ['PATCH', clusterPath('fleet', 'a'), { labels: {} }],
      ['DELETE', clusterPath('fleet', 'b'), undefined],
      ['POST', '/api/v1/namespaces/fleet/bundles', { name: 'x' }],
      ['PUT', '/admin/faults', {}],
    ] as const) {
      expect((await call(sim.url, method, path, { body })).status).toBe(401);
      expect((await call(sim.url, method, path, { token: tokenA, body })).status).toBe(403);
      expect((await call(sim.url, method, path, { token: REG, body })).status).toBe(403);
    }
  });

  it('registration routes refuse the operator token', async () => {
    const r = await call(sim.url, 'POST', '/api/v1/registrations', { token: OP, body: { clusterName: 'x', namespace: 'y' } });
    expect(r.status).toBe(403);
    expect((await call(sim.url, 'POST', '/api/v1/registrations', { body: { clusterName: 'x', namespace: 'y' } })).status).toBe(401);
  });

  it('a deleted cluster loses its token', async () => {
    const t = await registerReady(sim.url, 'fleet', 'doomed');
    expect((await call(sim.url, 'DELETE', clusterPath('fleet', 'doomed'), { token: OP })).status).toBe(204);
    expect((await call(sim.url, 'PUT', `${clusterPath('fleet', 'doomed')}/lease`, { token: t })).status).toBe(401);
    expect((await call(sim.url, 'GET', clusterPath('fleet', 'doomed'), { token: OP })).status).toBe(404);
  });

  it('open routes need no token', async () => {
    expect((await call(sim.url, 'GET', '/healthz')).body).toEqual({ ok: true });
    expect((await call(sim.url, 'GET', '/api/v1/info')).status).toBe(200);
    expect((await call(sim.url, 'GET', '/metrics')).status).toBe(200);
  });
});

// The runner's preflight asks, before any load, whether the tokens it was given are accepted, with
// one read each (README: "Checking credentials"). Authentication comes before everything else a
// request can meet, so only 401/403 mean "rejected".
describe('credential checks', () => {
  const OPERATOR_CHECK = '/api/v1/clusters?limit=1';
  const REGISTRATION_CHECK = '/api/v1/registrations/fleetload-preflight-probe';

  it('the operator check: 200 for the operator token, 401 or 403 for anything else, and nothing changes', async () => {
    const before = sim.sim.store.mutations;
    const ok = await call<ClusterList>(sim.url, 'GET', OPERATOR_CHECK, { token: OP });
    expect(ok.status).toBe(200);
    expect(ok.body.items.length).toBeLessThanOrEqual(1);
    for (const token of [undefined, 'nope']) expect((await call(sim.url, 'GET', OPERATOR_CHECK, { token })).status).toBe(401);
    for (const token of [REG, tokenA]) expect((await call(sim.url, 'GET', OPERATOR_CHECK, { token })).status).toBe(403);
    expect(sim.sim.store.mutations).toBe(before);
  });

  it('the registration check: 404 for the registration token, 401 or 403 for anything else, and nothing changes', async () => {
    const before = sim.sim.store.mutations;
    const clusters = sim.sim.store.clusters.size;
    const ok = await call<ErrorResponse>(sim.url, 'GET', REGISTRATION_CHECK, { token: REG });
    expect(ok.status).toBe(404);
    expect(ok.body.error.code).toBe('not_found');
    expect(ok.body.error.message).toContain('registration');
    for (const token of [undefined, 'nope']) expect((await call(sim.url, 'GET', REGISTRATION_CHECK, { token })).status).toBe(401);
    for (const token of [OP, tokenA]) expect((await call(sim.url, 'GET', REGISTRATION_CHECK, { token })).status).toBe(403);
    expect(sim.sim.store.mutations).toBe(before);
    expect(sim.sim.store.clusters.size).toBe(clusters);
    expect(sim.sim.registrations.depth + sim.sim.registrations.inProgress).toBe(0);
  });

  it('never issues the id the registration check asks for', async () => {
    const r = await call<RegistrationStatus>(sim.url, 'POST', '/api/v1/registrations', { token: REG, body: { clusterName: 'idshape', namespace: 'fleet' } });
    // Issued ids start with "r" and a hex boot prefix; "fleetload-preflight-probe" never has that shape.
    expect(r.body.id).toMatch(/^r[0-9a-f]{8}-[0-9a-z]+$/);
  });

  it('tells a rejected token apart even when limits or injected faults answer the accepted one', async () => {
    const s = await start();
    try {
      s.setFaults({ latency: { kind: 'none' }, errorRate: { reads: 1, registration: 1 }, maxInflight: 0 });
      expect((await call(s.url, 'GET', OPERATOR_CHECK, { token: OP })).status).toBe(503);
      expect((await call(s.url, 'GET', REGISTRATION_CHECK, { token: REG })).status).toBe(503);
      expect((await call(s.url, 'GET', OPERATOR_CHECK, { token: 'nope' })).status).toBe(401);
      expect((await call(s.url, 'GET', REGISTRATION_CHECK, { token: OP })).status).toBe(403);

      s.setFaults({ latency: { kind: 'none' }, errorRate: {}, maxInflight: 1 });
      const held = holdRequest(s.url, 'POST', '/api/v1/namespaces/fleet/bundles', OP, { name: 'held' });
      await waitFor('the held request in flight', () => s.sim.inflightCount === 1);
      expect((await call(s.url, 'GET', OPERATOR_CHECK, { token: OP })).status).toBe(429);
      expect((await call(s.url, 'GET', REGISTRATION_CHECK, { token: REG })).status).toBe(429);
      expect((await call(s.url, 'GET', OPERATOR_CHECK, { token: REG })).status).toBe(403);
      expect((await call(s.url, 'GET', REGISTRATION_CHECK, { token: 'nope' })).status).toBe(401);
      expect((await held.release()).status).toBe(201);
    } finally {
      await s.close();
    }
  });
});

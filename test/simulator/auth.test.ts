// 401 for no or a bad token, 403 for a valid token on the wrong route or another cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorResponse } from '../../simulator/api';
import type { RunningSimulator } from '../../simulator/server';
import { call, clusterPath, OP, REG, registerReady, start } from './helpers';

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

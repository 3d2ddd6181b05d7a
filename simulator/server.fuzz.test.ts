// Property test: random JSON bodies, paths and query strings at every route, with every kind of
// token. No answer may be a 5xx (faults are off) and the server must stay up.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RunningSimulator } from './server';
import { call, OP, REG, registerReady, start } from './test-helpers';

let sim: RunningSimulator;
let token: string;
beforeAll(async () => {
  // Long polls are capped at 0.2 s so random watch/wait parameters cannot stall the run.
  sim = await start({ maxWaitSeconds: 0.2, defaultWatchSeconds: 0.1, maxBodyBytes: 64 * 1024 });
  token = await registerReady(sim.url, 'fleet', 'a', { env: 'prod' });
  await call(sim.url, 'POST', '/api/v1/namespaces/fleet/bundles', { token: OP, body: { name: 'app' } });
});
afterAll(async () => {
  await sim.close();
});

const segment = fc.oneof(
  fc.constantFrom('fleet', 'a', 'app', 'b', 'x', '', '..', '%2F', '%ZZ', 'A_B'),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const queryKey = fc.oneof(
  fc.constantFrom('watch', 'since', 'timeoutSeconds', 'waitSeconds', 'limit', 'continue', 'labelSelector', 'detail'),
  fc.string({ maxLength: 6 }),
);
const queryValue = fc.oneof(
  fc.constantFrom('1', '0', 'true', '-1', '0.1', '1e9', 'NaN', '', 'env=prod', 'env in (a', '!x', 'djE6Mw', '%', '%E0%A4%A'),
  fc.string({ maxLength: 20 }),
);
const query = fc
  .array(fc.tuple(queryKey, queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v.includes('%') ? v : encodeURIComponent(v)}`).join('&')}`));
const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 40 }),
  fc.record(
    {
      clusterName: fc.oneof(fc.constantFrom('c1', 'c2'), fc.string({ maxLength: 10 })),
      namespace: fc.oneof(fc.constant('fleet'), fc.string({ maxLength: 10 })),
      labels: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant(null))),
      name: fc.string({ maxLength: 10 }),
      selector: fc.oneof(fc.string({ maxLength: 20 }), fc.record({ matchLabels: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 })) })),
      generation: fc.oneof(fc.integer(), fc.double()),
      state: fc.constantFrom('Applied', 'Ready', 'Failed', 'Nope'),
      nodes: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }),
      events: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }),
      payloadBytes: fc.integer({ min: -10, max: 4096 }),
    },
    { requiredKeys: [] },
  ).map((v) => JSON.stringify(v)),
);

describe('fuzz', () => {
  it('never answers 5xx to random requests on any route', async () => {
    const templates = ROUTES.map((r) => ({ method: r.method, path: r.path }));
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...templates),
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', null),
        // Half the time the path names the real cluster and bundle, so the body and query checks behind authorisation are reached.
        fc.oneof(fc.constant(['fleet', 'a', 'app', 'app']), fc.array(segment, { minLength: 4, maxLength: 4 })),
        query,
        body,
        fc.constantFrom<string | undefined>(undefined, 'junk', OP, REG, 'cluster', 'cluster', 'cluster'),
        async (tpl, otherMethod, segs, qs, rawBody, who) => {
          let i = 0;
          const path = tpl.path.replace(/\{[a-z]+\}/g, () => segs[i++] ?? 'x');
          const method = otherMethod ?? tpl.method;
          const raw = method === 'GET' ? undefined : rawBody;
          const r = await call(sim.url, method, path + qs, { token: who === 'cluster' ? token : who, ...(raw === undefined ? {} : { raw }) });
          expect(r.status, `${method} ${path}${qs} ${raw ?? ''}`).toBeLessThan(500);
          expect(r.status).toBeGreaterThanOrEqual(200);
          seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
        },
      ),
      { numRuns: 800 },
    );
    expect((await call(sim.url, 'GET', '/healthz')).status).toBe(200);
    // The run reached the handlers, not only the auth gate.
    for (const status of [200, 400, 401, 403, 404]) expect(seen.get(status) ?? 0, JSON.stringify([...seen])).toBeGreaterThan(0);
    const metrics = await call<string>(sim.url, 'GET', '/metrics');
    expect(metrics.body).not.toMatch(/code="5\d\d"/);
  });
});

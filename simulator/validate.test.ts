// Every client mistake is a 4xx ErrorResponse naming the field; never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorResponse } from './api';
import type { RunningSimulator } from './server';
import { call, clusterPath, OP, REG, registerReady, start } from './test-helpers';

let sim: RunningSimulator;
let token: string;
beforeAll(async () => {
  sim = await start({ maxBodyBytes: 4096 });
  token = await registerReady(sim.url, 'fleet', 'a', { env: 'prod' });
  await call(sim.url, 'POST', '/api/v1/namespaces/fleet/bundles', { token: OP, body: { name: 'app' } });
});
afterAll(async () => {
  await sim.close();
});

type Case = [name: string, method: string, path: () => string, who: () => string, body: unknown, status: number, field: string | undefined];
const A = (): string => clusterPath('fleet', 'a');
const reg = (): string => REG;
const op = (): string => OP;
const cl = (): string => token;
const node = { name: 'n', conditions: { Ready: 'True' }, capacity: { cpu: 1, memoryBytes: 1, pods: 1 }, usage: { cpu: 0, memoryBytes: 0, pods: 0 } };

const cases: Case[] = [
  ['malformed JSON', 'POST', () => '/api/v1/registrations', reg, '{"clusterName":', 400, 'body'],
  ['empty body', 'POST', () => '/api/v1/registrations', reg, '', 400, 'body'],
  ['body not an object', 'POST', () => '/api/v1/registrations', reg, '[1,2]', 400, 'body'],
  ['missing clusterName', 'POST', () => '/api/v1/registrations', reg, { namespace: 'x' }, 400, 'clusterName'],
  ['clusterName wrong type', 'POST', () => '/api/v1/registrations', reg, { clusterName: 7, namespace: 'x' }, 400, 'clusterName'],
  ['clusterName not DNS', 'POST', () => '/api/v1/registrations', reg, { clusterName: 'Bad_Name', namespace: 'x' }, 400, 'clusterName'],
  ['namespace too long', 'POST', () => '/api/v1/registrations', reg, { clusterName: 'a', namespace: 'n'.repeat(64) }, 400, 'namespace'],
  ['unknown field', 'POST', () => '/api/v1/registrations', reg, { clusterName: 'a', namespace: 'x', colour: 'red' }, 400, 'colour'],
  ['label value wrong type', 'POST', () => '/api/v1/registrations', reg, { clusterName: 'a', namespace: 'x', labels: { region: 1 } }, 400, 'labels.region'],
  ['label key invalid', 'POST', () => '/api/v1/registrations', reg, { clusterName: 'a', namespace: 'x', labels: { 'bad key': 'v' } }, 400, 'labels["bad key"]'],
  ['requestedAt wrong type', 'POST', () => '/api/v1/registrations', reg, { clusterName: 'a', namespace: 'x', requestedAt: 'now' }, 400, 'requestedAt'],
  ['waitSeconds not a number', 'GET', () => '/api/v1/registrations/r1?waitSeconds=soon', reg, undefined, 400, 'waitSeconds'],
  ['unknown registration', 'GET', () => '/api/v1/registrations/nope', reg, undefined, 404, undefined],
  ['lease: nodes not an array', 'PUT', () => `${A()}/lease`, cl, { nodes: {} }, 400, 'nodes'],
  ['lease: deep field wrong', 'PUT', () => `${A()}/lease`, cl, { nodes: [node, node, { ...node, capacity: { cpu: 'x', memoryBytes: 1, pods: 1 } }] }, 400, 'nodes[2].capacity.cpu'],
  ['lease: condition value', 'PUT', () => `${A()}/lease`, cl, { nodes: [{ ...node, conditions: { Ready: 'Yes' } }] }, 400, 'nodes[0].conditions.Ready'],
  ['health: nodes missing', 'POST', () => `${A()}/health`, cl, {}, 400, 'nodes'],
  ['events: type invalid', 'POST', () => `${A()}/events`, cl, { events: [{ type: 'Fatal', reason: 'x', message: '' }] }, 400, 'events[0].type'],
  ['deployments: since negative', 'GET', () => `${A()}/deployments?watch=1&since=-1`, cl, undefined, 400, 'since'],
  ['deployments: timeoutSeconds negative', 'GET', () => `${A()}/deployments?watch=1&timeoutSeconds=-5`, cl, undefined, 400, 'timeoutSeconds'],
  ['deployments: watch not boolean', 'GET', () => `${A()}/deployments?watch=maybe`, cl, undefined, 400, 'watch'],
  ['status: state invalid', 'PUT', () => `${A()}/deployments/app/status`, cl, { generation: 1, state: 'Done' }, 400, 'state'],
  ['status: generation fractional', 'PUT', () => `${A()}/deployments/app/status`, cl, { generation: 1.5, state: 'Ready' }, 400, 'generation'],
  ['status: unknown bundle', 'PUT', () => `${A()}/deployments/nope/status`, cl, { generation: 1, state: 'Ready' }, 404, undefined],
  ['bundle: bad selector', 'POST', () => '/api/v1/namespaces/fleet/bundles', op, { name: 'b', selector: 'env in (prod' }, 400, 'selector'],
  ['bundle: selector wrong type', 'POST', () => '/api/v1/namespaces/fleet/bundles', op, { name: 'b', selector: 5 }, 400, 'selector'],
  ['bundle: matchLabels value', 'POST', () => '/api/v1/namespaces/fleet/bundles', op, { name: 'b', selector: { matchLabels: { a: true } } }, 400, 'selector.matchLabels.a'],
  ['bundle: payload and payloadBytes', 'POST', () => '/api/v1/namespaces/fleet/bundles', op, { name: 'b', payload: 'x', payloadBytes: 3 }, 400, 'payloadBytes'],
  ['bundle: payloadBytes negative', 'POST', () => '/api/v1/namespaces/fleet/bundles', op, { name: 'b', payloadBytes: -1 }, 400, 'payloadBytes'],
  ['bundle: namespace in path invalid', 'POST', () => '/api/v1/namespaces/Bad_NS/bundles', op, { name: 'b' }, 400, 'namespace'],
  ['bundle: unknown', 'GET', () => '/api/v1/namespaces/fleet/bundles/nope', op, undefined, 404, undefined],
  ['list: bad selector', 'GET', () => '/api/v1/clusters?labelSelector=a%3D%3D%3Db', op, undefined, 400, 'labelSelector'],
  ['list: bad limit', 'GET', () => '/api/v1/clusters?limit=0', op, undefined, 400, 'limit'],
  ['list: bad continue', 'GET', () => '/api/v1/clusters?continue=garbage', op, undefined, 400, 'continue'],
  ['list: bad percent-encoding', 'GET', () => '/api/v1/clusters?labelSelector=%E0%A4%A', op, undefined, 400, 'labelSelector'],
  ['patch: labels missing', 'PATCH', A, op, {}, 400, 'labels'],
  ['patch: label value wrong type', 'PATCH', A, op, { labels: { env: 3 } }, 400, 'labels.env'],
  ['admin: bad latency', 'PUT', () => '/admin/faults', op, { latency: 'gamma:k=2' }, 400, 'latency'],
  ['admin: bad group', 'PUT', () => '/admin/faults', op, { errorRate: { everything: 1 } }, 400, 'errorRate.everything'],
  ['unknown route', 'GET', () => '/api/v2/clusters', op, undefined, 404, undefined],
  ['wrong method', 'POST', () => '/api/v1/clusters', op, undefined, 405, undefined],
];

describe('bad input', () => {
  it.each(cases)('%s', async (_name, method, path, who, body, status, field) => {
    const r = await call<ErrorResponse>(sim.url, method, path(), typeof body === 'string' ? { token: who(), raw: body } : { token: who(), body });
    expect(r.status).toBe(status);
    expect(typeof r.body.error.code).toBe('string');
    expect(typeof r.body.error.message).toBe('string');
    expect(r.body.error.field).toBe(field);
  });

  it('answers 413 naming the body when it exceeds --max-body-bytes', async () => {
    const r = await call<ErrorResponse>(sim.url, 'POST', '/api/v1/registrations', {
      token: REG,
      body: { clusterName: 'a', namespace: 'x', labels: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'v'.repeat(60)])) },
    });
    expect(r.status).toBe(413);
    expect(r.body.error).toMatchObject({ code: 'payload_too_large', field: 'body' });
    // The server is still fine afterwards.
    expect((await call(sim.url, 'GET', '/healthz')).status).toBe(200);
  });

  it('names the Allow header on 405', async () => {
    const r = await call(sim.url, 'PUT', '/api/v1/namespaces/fleet/bundles', { token: OP });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST, GET');
  });
});

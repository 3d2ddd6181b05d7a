import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KubeClient, PATCH_CONTENT_TYPE, type PatchType } from './client';
import { isConflict, isTooManyRequests } from './errors';
import { FakeTransport, reply, status, type RecordedRequest } from './fakes';
import { RESOURCES } from './paths';
import { StopSignal } from './stop';
import type { Lease, Node } from './types';

const BASE = 'http://api.test:6443';
const T0 = Date.UTC(2025, 0, 1);

function client(t: FakeTransport, extra: Partial<ConstructorParameters<typeof KubeClient>[1]> = {}): KubeClient {
  return new KubeClient(t, { baseUrl: BASE, token: 'agent-token', random: () => 0.5, ...extra });
}

const lease = (rv: string, renewTime = 'old'): Lease => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'n1', namespace: 'kube-node-lease', resourceVersion: rv },
  spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime },
});
const leaseRef = { type: RESOURCES.leases, namespace: 'kube-node-lease', name: 'n1' };

beforeEach(() => {
  vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('KubeClient', () => {
  it('sends the bearer token, JSON, and each patch kind with its content type', async () => {
    const t = new FakeTransport(() => reply(200, { metadata: { name: 'n1' } }));
    const c = client(t);
    await c.get({ type: RESOURCES.nodes, name: 'n1' });
    await c.create({ type: RESOURCES.nodes }, { metadata: { name: 'n1' } });
    for (const kind of ['merge', 'json', 'strategic'] as PatchType[]) await c.patch({ type: RESOURCES.nodes, name: 'n1' }, kind, kind === 'json' ? [{ op: 'add', path: '/x', value: 1 }] : { x: 1 });
    const [get, post, merge, json, strategic] = t.requests as [RecordedRequest, RecordedRequest, RecordedRequest, RecordedRequest, RecordedRequest];
    expect(get.headers).toEqual({ Accept: 'application/json', Authorization: 'Bearer agent-token' });
    expect(get.body).toBeNull();
    expect(post.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(post.body!)).toEqual({ metadata: { name: 'n1' } });
    expect([merge, json, strategic].map((r) => [r.method, r.headers['Content-Type']])).toEqual([
      ['PATCH', 'application/merge-patch+json'],
      ['PATCH', 'application/json-patch+json'],
      ['PATCH', 'application/strategic-merge-patch+json'],
    ]);
    expect(PATCH_CONTENT_TYPE.strategic).toBe('application/strategic-merge-patch+json');
    expect(JSON.parse(json.body!)).toEqual([{ op: 'add', path: '/x', value: 1 }]);
    const other = c.withToken('other');
    await other.get({ type: RESOURCES.nodes, name: 'n1' });
    expect(t.requests.at(-1)!.headers.Authorization).toBe('Bearer other');
  });

  it("makes a kubelet's calls: register a Node, GET+PUT its Lease, GET the node at rv 0, patch node and pod status, list its pods", async () => {
    const t = new FakeTransport((r) => reply(r.method === 'POST' ? 201 : 200, r.method === 'GET' && r.path.endsWith('/leases/n1') ? lease('7') : { metadata: { name: 'n1', resourceVersion: '8' } }));
    const c = client(t);
    expect((await c.create<Node>({ type: RESOURCES.nodes }, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } })).ok).toBe(true);
    const got = await c.get<Lease>(leaseRef);
    if (!got.ok) throw new Error('lease GET failed');
    const put = await c.update<Lease>(leaseRef, { ...got.value, spec: { ...got.value.spec, renewTime: 'now' } });
    expect(put.ok).toBe(true);
    await c.get({ type: RESOURCES.nodes, name: 'n1' }, { resourceVersion: '0' });
    await c.patchStatus({ type: RESOURCES.nodes, name: 'n1' }, 'strategic', { status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    await c.patchStatus({ type: RESOURCES.pods, namespace: 'default', name: 'p1' }, 'strategic', { status: { phase: 'Running' } });
    await c.list({ type: RESOURCES.pods }, { fieldSelector: 'spec.nodeName=n1' });
    expect(t.requests.map((r) => `${r.method} ${r.path}${r.rawQuery === '' ? '' : `?${r.rawQuery}`} ${r.tags.sli} ${r.headers['Content-Type'] ?? ''}`.trim())).toEqual([
      'POST /api/v1/nodes mutating application/json',
      'GET /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1 read-resource',
      'PUT /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1 mutating application/json',
      'GET /api/v1/nodes/n1?resourceVersion=0 read-resource',
      'PATCH /api/v1/nodes/n1/status mutating application/strategic-merge-patch+json',
      'PATCH /api/v1/namespaces/default/pods/p1/status mutating application/strategic-merge-patch+json',
      'GET /api/v1/pods?fieldSelector=spec.nodeName%3Dn1 read-cluster',
    ]);
    // The PUT carries the object the GET returned: its resourceVersion is the optimistic lock.
    expect(JSON.parse(t.requests[2]!.body!)).toMatchObject({ metadata: { resourceVersion: '7' }, spec: { renewTime: 'now' } });
  });

  it('retries a conflicting update on a fresh GET, applying mutate again, at most 5 times 10-11 ms apart', async () => {
    let rv = 10;
    const at: number[] = [];
    const t = new FakeTransport((r) => {
      at.push(Date.now() - T0);
      return r.method === 'GET' ? reply(200, lease(String(++rv))) : reply(409, status(409, 'Conflict', 'the object has been modified'));
    });
    const c = client(t, { random: () => 1 });
    const seen: string[] = [];
    const p = c.updateWithRetry<Lease>(leaseRef, (cur) => {
      seen.push(cur.metadata!.resourceVersion!);
      return { ...cur, spec: { ...cur.spec, renewTime: 'now' } };
    });
    await vi.advanceTimersByTimeAsync(100);
    const r = await p;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(isConflict(r.error)).toBe(true);
    expect(t.requests.map((x) => x.method)).toEqual(['GET', 'PUT', 'GET', 'PUT', 'GET', 'PUT', 'GET', 'PUT', 'GET', 'PUT']);
    expect(seen).toEqual(['11', '12', '13', '14', '15']);
    // Each PUT carried the fresh object's resourceVersion.
    expect(t.requests.filter((x) => x.method === 'PUT').map((x) => (JSON.parse(x.body!) as Lease).metadata!.resourceVersion)).toEqual(['11', '12', '13', '14', '15']);
    // 4 waits of 10 ms × (1 + 0.1 jitter × 1), between a conflict and the next GET.
    expect(at).toEqual([0, 0, 11, 11, 22, 22, 33, 33, 44, 44]);
  });

  it('succeeds after one conflict, starting from a cached object (no first GET), and skips writing when mutate says so', async () => {
    let puts = 0;
    const t = new FakeTransport((r) => (r.method === 'GET' ? reply(200, lease('21')) : ++puts === 1 ? reply(409, status(409, 'Conflict')) : reply(200, JSON.parse(r.body!) as unknown)));
    const c = client(t);
    const p = c.updateWithRetry<Lease>(leaseRef, (cur) => ({ ...cur, spec: { ...cur.spec, renewTime: 'now' } }), { initial: lease('20') });
    await vi.advanceTimersByTimeAsync(50);
    const r = await p;
    expect(r.ok && r.value.metadata?.resourceVersion).toBe('21');
    expect(t.requests.map((x) => x.method)).toEqual(['PUT', 'GET', 'PUT']);

    const none = await c.updateWithRetry<Lease>(leaseRef, () => undefined);
    expect(none.ok && none.value.metadata?.resourceVersion).toBe('21');
    expect(t.requests.at(-1)!.method).toBe('GET');
  });

  it('does not retry other errors of an update, and writes status through PUT .../status', async () => {
    const t = new FakeTransport((r) => (r.method === 'GET' ? reply(200, lease('1')) : reply(422, status(422, 'Invalid'))));
    const r = await client(t).updateWithRetry<Lease>(leaseRef, (cur) => cur, { status: true });
    expect(r.ok).toBe(false);
    expect(t.requests.map((x) => `${x.method} ${x.path}`)).toEqual([
      'GET /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1',
      'PUT /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1/status',
    ]);
  });

  it('waits out 429 Retry-After exactly, then succeeds; the body is sent again unchanged', async () => {
    let n = 0;
    const t = new FakeTransport(() => (++n <= 2 ? reply(429, status(429, 'TooManyRequests'), { 'Retry-After': '3' }) : reply(200, { metadata: { name: 'n1' } })));
    const c = client(t);
    const p = c.patch({ type: RESOURCES.nodes, name: 'n1' }, 'merge', { a: 1 });
    await vi.advanceTimersByTimeAsync(2999);
    expect(t.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(3000);
    const r = await p;
    expect(r.ok).toBe(true);
    expect(t.requests).toHaveLength(3);
    expect(new Set(t.requests.map((x) => x.body))).toEqual(new Set(['{"a":1}']));
    expect(c.retries).toBe(2);
  });

  it('bounds 429 retries: by count, by the longest wait, by the deadline and by stop; none without Retry-After', async () => {
    const always = (h: Record<string, string>): FakeTransport => new FakeTransport(() => reply(429, status(429, 'TooManyRequests'), h));
    const t1 = always({ 'retry-after': '1' });
    const p1 = client(t1, { maxRetries: 3 }).get({ type: RESOURCES.nodes, name: 'n1' });
    await vi.advanceTimersByTimeAsync(10_000);
    const r1 = await p1;
    expect(t1.requests).toHaveLength(4);
    expect(!r1.ok && isTooManyRequests(r1.error) && r1.error.retryAfterSeconds).toBe(1);

    const t2 = always({ 'Retry-After': '3600' });
    const start = Date.now();
    const p2 = client(t2, { maxRetries: 1, maxRetryAfterMs: 5000 }).get({ type: RESOURCES.nodes, name: 'n1' });
    await vi.advanceTimersByTimeAsync(5000);
    await p2;
    expect(t2.requests).toHaveLength(2);
    expect(Date.now() - start).toBe(5000);

    const t3 = always({ 'Retry-After': '10' });
    const r3 = await client(t3, { deadlineMs: Date.now() + 5000 }).get({ type: RESOURCES.nodes, name: 'n1' });
    expect(r3.ok).toBe(false);
    expect(t3.requests).toHaveLength(1);

    const stop = new StopSignal();
    const t4 = always({ 'Retry-After': '10' });
    const p4 = client(t4, { signal: stop }).get({ type: RESOURCES.nodes, name: 'n1' });
    await vi.advanceTimersByTimeAsync(1000);
    stop.stop();
    expect((await p4).ok).toBe(false);
    expect(t4.requests).toHaveLength(1);

    const t5 = always({});
    await client(t5).get({ type: RESOURCES.nodes, name: 'n1' });
    expect(t5.requests).toHaveLength(1);
  });

  it('retries a 5xx only when it carries Retry-After', async () => {
    let n = 0;
    const t = new FakeTransport(() => (++n === 1 ? reply(503, status(503, 'ServiceUnavailable'), { 'Retry-After': '1' }) : n === 2 ? reply(500, status(500, 'InternalError')) : reply(200, {})));
    const p = client(t).get({ type: RESOURCES.nodes, name: 'n1' });
    await vi.advanceTimersByTimeAsync(1000);
    const r = await p;
    expect(r.ok).toBe(false);
    expect(r.status).toBe(500);
    expect(t.requests).toHaveLength(2);
  });

  it('lists page by page: limit kept, continue sent, resourceVersion only on the first page', async () => {
    const pages: Record<string, { items: { metadata: { name: string } }[]; metadata: { resourceVersion: string; continue?: string } }> = {
      '': { items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }], metadata: { resourceVersion: '100', continue: 'c1' } },
      c1: { items: [{ metadata: { name: 'c' } }, { metadata: { name: 'd' } }], metadata: { resourceVersion: '100', continue: 'c2' } },
      c2: { items: [{ metadata: { name: 'e' } }], metadata: { resourceVersion: '100' } },
    };
    const t = new FakeTransport((r) => reply(200, pages[r.query.continue ?? '']));
    const r = await client(t).list({ type: RESOURCES.pods, namespace: 'ns' }, { limit: 2, resourceVersion: '0', labelSelector: 'app=x' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.items.map((i) => i.metadata?.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(r.value).toMatchObject({ resourceVersion: '100', count: 5, pages: 3, paginated: true });
    expect(t.requests.map((x) => x.rawQuery)).toEqual(['labelSelector=app%3Dx&limit=2&resourceVersion=0', 'continue=c1&labelSelector=app%3Dx&limit=2', 'continue=c2&labelSelector=app%3Dx&limit=2']);
    expect(t.requests.every((x) => x.tags.sli === 'read-namespace' && x.tags.verb === 'LIST')).toBe(true);
  });

  it('lists the whole collection again, without a limit, when a continue token expires; hands items to `each` instead of keeping them', async () => {
    const t = new FakeTransport((r) => {
      if (r.query.continue === 'c1') return reply(410, status(410, 'Expired', 'The provided continue parameter is too old'));
      if (r.query.limit === undefined) return reply(200, { items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }, { metadata: { name: 'c' } }], metadata: { resourceVersion: '300' } });
      return reply(200, { items: [{ metadata: { name: 'a' } }], metadata: { resourceVersion: '200', continue: 'c1' } });
    });
    const names: string[] = [];
    const r = await client(t).list({ type: RESOURCES.pods }, { limit: 1, resourceVersion: '0' }, (p) => names.push(p.metadata!.name!));
    expect(t.requests.map((x) => x.rawQuery)).toEqual(['limit=1&resourceVersion=0', 'continue=c1&limit=1', 'resourceVersion=0']);
    expect(r.ok && r.value).toMatchObject({ resourceVersion: '300', count: 3, items: [] });
    expect(names).toEqual(['a', 'a', 'b', 'c']);
  });

  it('returns transport failures and undecodable bodies as errors, and sends DeleteOptions', async () => {
    const t = new FakeTransport((r) => (r.method === 'DELETE' ? reply(200, status(200, '')) : r.path.endsWith('/bad') ? reply(200, 'not json') : reply(0)));
    const c = client(t);
    const none = await c.get({ type: RESOURCES.nodes, name: 'n1' });
    expect(!none.ok && none.error.message).toContain('connection refused');
    const bad = await c.get({ type: RESOURCES.nodes, name: 'bad' });
    expect(!bad.ok && bad.error.reason).toBe('InvalidBody');
    await c.delete({ type: RESOURCES.pods, namespace: 'a', name: 'p' }, { preconditions: { uid: 'u1' }, gracePeriodSeconds: 0 });
    const del = t.requests.at(-1)!;
    expect(del.tags).toMatchObject({ sli: 'mutating', verb: 'DELETE', name: 'DELETE /api/v1/namespaces/{ns}/pods/{name}' });
    expect(JSON.parse(del.body!)).toEqual({ kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'u1' }, gracePeriodSeconds: 0 });
  });
});

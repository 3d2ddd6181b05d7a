// The kubelet protocol's calls, call for call, against the kube layer's fakes: what a real kubelet
// sends (../shared/reference/protocols.md) is what these requests must be.
import { describe, expect, it } from 'vitest';
import type { AgentIdentity } from '../../lib/identity';
import { OPERATOR_SUFFIX } from '../../lib/http-types';
import { bookmark, event, FakeSockets, FakeTransport, reply, status, type RecordedRequest } from '../../lib/kube/fakes';
import type { Transport } from '../../lib/protocol';
import { kubelet } from './index';
import { CREATED_AT_ANNOTATION, NAMESPACE_LABEL, ROLLOUT_LABEL, rolloutLabelValue } from './wire';

const AGENT: AgentIdentity = { index: 7, name: 'edge-0000007', namespace: 'tenant-003', labels: { region: 'eu-west', tier: 'edge' }, nodes: ['edge-0000007-node-0'] };
const TARGET = { url: 'https://api.test', registrationToken: 'agent-token', operatorToken: 'admin-token' };
const CREDS = { token: 'agent-token' };
const LEASES = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';

type Route = (req: RecordedRequest) => ReturnType<typeof reply> | undefined;

function setup(route: Route, sockets = new FakeSockets()) {
  let rv = 100;
  const fake = new FakeTransport((req) => {
    const r = route(req);
    if (r !== undefined) return r;
    // Echo writes back as the server would, with a new resourceVersion.
    if (req.body !== null && (req.method === 'POST' || req.method === 'PUT')) {
      const obj = JSON.parse(req.body) as { metadata: Record<string, unknown> };
      return reply(req.method === 'POST' ? 201 : 200, { ...obj, metadata: { ...obj.metadata, uid: `uid-${rv}`, resourceVersion: String(++rv) } });
    }
    return reply(200, { metadata: { resourceVersion: String(++rv) }, items: [] });
  });
  const t: Transport = { call: () => Promise.reject(new Error('the kubelet protocol sends through request')), request: fake.request.bind(fake), watchSockets: sockets.factory };
  return { fake, sockets, cp: kubelet.controlPlane(t, TARGET) };
}

const bodyOf = <T>(r: RecordedRequest): T => JSON.parse(r.body!) as T;
const line = (r: RecordedRequest): string => `${r.method} ${r.path}${r.rawQuery === '' ? '' : `?${r.rawQuery}`}`;

interface LeaseBody {
  metadata: { name: string; resourceVersion?: string; ownerReferences?: { kind: string; uid: string }[] };
  spec: { holderIdentity: string; leaseDurationSeconds: number; renewTime: string };
}


describe('the kubelet protocol, agent side', () => {
  it('registers: POST the Node, GET its Lease (404), POST the Lease owned by the Node', async () => {
    const { fake, cp } = setup((req) => (req.method === 'GET' && req.path.startsWith(LEASES) ? reply(404, status(404, 'NotFound')) : undefined));
    const r = await cp.register(AGENT);
    expect(r.body).toEqual({ id: AGENT.name, credentials: { token: 'agent-token' } });
    expect(fake.requests.map(line)).toEqual(['POST /api/v1/nodes', `GET ${LEASES}/edge-0000007`, `POST ${LEASES}`]);
    for (const q of fake.requests) expect(q.headers.Authorization).toBe('Bearer agent-token');
    const node = bodyOf<{ metadata: { name: string; labels: Record<string, string> }; status: { conditions: { type: string; status: string }[]; capacity: Record<string, string> } }>(fake.requests[0]!);
    expect(node.metadata.name).toBe(AGENT.name);
    expect(node.metadata.labels).toMatchObject({ region: 'eu-west', tier: 'edge', [NAMESPACE_LABEL]: 'tenant-003', 'kubernetes.io/hostname': AGENT.name });
    expect(node.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.status.capacity.pods).toBe('110');
    const lease = bodyOf<LeaseBody>(fake.requests[2]!);
    expect(lease.spec).toMatchObject({ holderIdentity: AGENT.name, leaseDurationSeconds: 40 });
    expect(lease.spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(lease.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Node', uid: 'uid-100' });
  });

  it('a restarted kubelet: an existing Node is read, an existing Lease renewed with PUT', async () => {
    const { fake, cp } = setup((req) => {
      if (req.method === 'POST' && req.path === '/api/v1/nodes') return reply(409, status(409, 'AlreadyExists'));
      if (req.method === 'GET' && req.path === '/api/v1/nodes/edge-0000007') return reply(200, { metadata: { name: AGENT.name, uid: 'old-uid', resourceVersion: '5' } });
      if (req.method === 'GET' && req.path.startsWith(LEASES)) return reply(200, { metadata: { name: AGENT.name, namespace: 'kube-node-lease', resourceVersion: '6' }, spec: { holderIdentity: AGENT.name, leaseDurationSeconds: 40, renewTime: '2020-01-01T00:00:00.000000Z' } });
      return undefined;
    });
    expect((await cp.register(AGENT)).body?.credentials).toBeDefined();
    expect(fake.requests.map(line)).toEqual(['POST /api/v1/nodes', 'GET /api/v1/nodes/edge-0000007', `GET ${LEASES}/edge-0000007`, `PUT ${LEASES}/edge-0000007`]);
    expect(bodyOf<LeaseBody>(fake.requests[3]!).metadata.resourceVersion).toBe('6');
  });

  it('heartbeats: PUT of the last returned Lease (only renewTime changes), then GET node from the cache; GET again only after an error', async () => {
    let phase: 'fresh' | 'conflict' | 'exists' = 'fresh';
    const { fake, cp } = setup((req) => {
      if (req.method === 'GET' && req.path.startsWith(LEASES)) return phase === 'fresh' ? reply(404, status(404, 'NotFound')) : reply(200, { metadata: { name: AGENT.name, resourceVersion: '900' }, spec: { holderIdentity: AGENT.name, leaseDurationSeconds: 40 } });
      if (req.method === 'PUT' && phase === 'conflict') {
        phase = 'exists';
        return reply(409, status(409, 'Conflict'));
      }
      return undefined;
    });
    await cp.register(AGENT);
    fake.requests.length = 0;
    await cp.heartbeat(AGENT, CREDS, undefined);
    await cp.heartbeat(AGENT, CREDS, undefined);
    expect(fake.requests.map(line)).toEqual([`PUT ${LEASES}/edge-0000007`, 'GET /api/v1/nodes/edge-0000007?resourceVersion=0', `PUT ${LEASES}/edge-0000007`, 'GET /api/v1/nodes/edge-0000007?resourceVersion=0']);
    const [first, second] = [bodyOf<LeaseBody>(fake.requests[0]!), bodyOf<LeaseBody>(fake.requests[2]!)];
    // Each PUT carries the resourceVersion the previous write returned: no GET in between.
    expect(Number(second.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
    expect({ ...second, metadata: {}, spec: { ...second.spec, renewTime: '' } }).toEqual({ ...first, metadata: {}, spec: { ...first.spec, renewTime: '' } });
    expect(fake.requests[0]!.tags).toMatchObject({ sli: 'mutating', verb: 'PUT', resource: 'leases' });
    expect(fake.requests[1]!.tags).toMatchObject({ sli: 'read-resource', verb: 'GET', resource: 'nodes' });

    phase = 'conflict';
    fake.requests.length = 0;
    expect((await cp.heartbeat(AGENT, CREDS, undefined)).status).toBe(409);
    await cp.heartbeat(AGENT, CREDS, undefined);
    // The node GET is the status loop's own and goes out either way.
    expect(fake.requests.map(line)).toEqual([`PUT ${LEASES}/edge-0000007`, 'GET /api/v1/nodes/edge-0000007?resourceVersion=0', `GET ${LEASES}/edge-0000007`, `PUT ${LEASES}/edge-0000007`, 'GET /api/v1/nodes/edge-0000007?resourceVersion=0']);
    expect(bodyOf<LeaseBody>(fake.requests[3]!).metadata.resourceVersion).toBe('900');
  });

  it('reports node status as a strategic-merge PATCH of nodes/<node>/status', async () => {
    const { fake, cp } = setup(() => reply(200, { metadata: { name: AGENT.name } }));
    await cp.reportHealth(AGENT, CREDS, []);
    const [p] = fake.requests;
    expect(line(p!)).toBe('PATCH /api/v1/nodes/edge-0000007/status');
    expect(p!.headers['Content-Type']).toBe('application/strategic-merge-patch+json');
    const body = bodyOf<{ status: { conditions: { type: string; lastHeartbeatTime: string }[] } }>(p!);
    expect(body.status.conditions.map((c) => c.type)).toEqual(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
  });

  it('watches its pods (LIST rv=0 then a WebSocket WATCH) and hands over a new pod as soon as it is ADDED, then patches it Running', async () => {
    const sockets = new FakeSockets((s) => s.open());
    const { fake, cp } = setup((req) => (req.method === 'GET' && req.path === '/api/v1/pods' ? reply(200, { metadata: { resourceVersion: '40' }, items: [] }) : undefined), sockets);
    const page = cp.deployments(AGENT, CREDS, 0, 30);
    await new Promise((r) => setTimeout(r, 10));
    expect(line(fake.requests[0]!)).toBe('GET /api/v1/pods?fieldSelector=spec.nodeName%3Dedge-0000007&limit=500&resourceVersion=0');
    const ws = sockets.last!;
    expect(ws.url).toMatch(/^wss:\/\/api\.test\/api\/v1\/pods\?allowWatchBookmarks=true&fieldSelector=spec\.nodeName%3Dedge-0000007&resourceVersion=40&timeoutSeconds=\d+&watch=true$/);
    expect(ws.headers.Authorization).toBe('Bearer agent-token');
    const pod = (name: string, phase: string | undefined) => ({ kind: 'Pod', metadata: { name, namespace: 'tenant-003', resourceVersion: '41', annotations: { [CREATED_AT_ANNOTATION]: '1700000000123' } }, spec: { nodeName: AGENT.name }, status: phase === undefined ? {} : { phase } });
    ws.send(bookmark('41'), event('MODIFIED', pod('old', 'Running')), event('ADDED', pod('web', 'Pending')));
    const got = await page;
    expect(got.body?.items).toEqual([{ bundle: 'tenant-003/web', generation: 1, createdAt: 1700000000123, payloadBytes: 0 }]);
    // A relist hands the same pod over again: it is not run twice.
    ws.send(event('ADDED', pod('web', 'Pending')));
    expect((await cp.deployments(AGENT, CREDS, 1, 0)).body?.items).toEqual([]);

    fake.requests.length = 0;
    await cp.reportDeployment(AGENT, CREDS, got.body!.items[0]!, 'Ready', Date.now() - 50, Date.now());
    const [p] = fake.requests;
    expect(line(p!)).toBe('PATCH /api/v1/namespaces/tenant-003/pods/web/status');
    expect(p!.headers['Content-Type']).toBe('application/strategic-merge-patch+json');
    expect(bodyOf<{ status: { phase: string } }>(p!).status.phase).toBe('Running');
    await cp.sendEvents(AGENT, CREDS, [{ type: 'Normal', reason: 'Applied', message: 'started', bundle: 'tenant-003/web' }]);
    expect(line(fake.requests[1]!)).toBe('POST /api/v1/namespaces/tenant-003/events');
    expect(bodyOf<{ involvedObject: { kind: string; name: string } }>(fake.requests[1]!).involvedObject).toMatchObject({ kind: 'Pod', name: 'web' });
    ws.serverClose();
  });
});

describe('the kubelet protocol, operator side', () => {
  it('a rollout: namespace and default ServiceAccount, LIST of the matching nodes, one pod per node bound by nodeName', async () => {
    const { fake, cp } = setup((req) => {
      if (req.method === 'GET' && req.path === '/api/v1/nodes') return reply(200, { metadata: { resourceVersion: '9' }, items: [{ metadata: { name: 'edge-0000003' } }, { metadata: { name: 'edge-0000007' } }] });
      return undefined;
    });
    const before = Date.now();
    expect((await cp.createBundle('tenant-003', 'rollout-0-run', 'region=eu-west', 16)).status).toBe(201);
    expect(fake.requests.map(line)).toEqual([
      'POST /api/v1/namespaces',
      'POST /api/v1/namespaces/tenant-003/serviceaccounts',
      `GET /api/v1/nodes?labelSelector=region%3Deu-west%2C${encodeURIComponent(NAMESPACE_LABEL)}%3Dtenant-003&limit=500`,
      'POST /api/v1/namespaces/tenant-003/pods',
      'POST /api/v1/namespaces/tenant-003/pods',
    ]);
    for (const q of fake.requests) {
      expect(q.headers.Authorization).toBe('Bearer admin-token');
      expect(q.tags.name.endsWith(OPERATOR_SUFFIX)).toBe(true);
    }
    const pods = fake.requests.slice(3).map((q) => bodyOf<{ metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> }; spec: { nodeName: string } }>(q));
    expect(pods.map((p) => [p.metadata.name, p.spec.nodeName])).toEqual([
      ['rollout-0-run-edge-0000003', 'edge-0000003'],
      ['rollout-0-run-edge-0000007', 'edge-0000007'],
    ]);
    for (const p of pods) {
      expect(p.metadata.labels[ROLLOUT_LABEL]).toBe(rolloutLabelValue('rollout-0-run'));
      expect(Number(p.metadata.annotations[CREATED_AT_ANNOTATION])).toBeGreaterThanOrEqual(before);
    }
    // The namespace is made once per run.
    fake.requests.length = 0;
    await cp.createBundle('tenant-003', 'rollout-1-run', '', 0);
    expect(fake.requests.map((q) => q.method + ' ' + q.path)[0]).toBe('GET /api/v1/nodes');
  });

  it('progress counts Running pods of the rollout; API load reads and patches nodes and lists pods', async () => {
    const { fake, cp } = setup((req) => {
      if (req.path === '/api/v1/namespaces/tenant-003/pods' && req.query.labelSelector !== undefined) {
        return reply(200, { metadata: { resourceVersion: '9' }, items: [{ status: { phase: 'Running' } }, { status: { phase: 'Pending' } }, { status: { phase: 'Failed' } }] });
      }
      if (req.path === '/api/v1/nodes') return reply(200, { metadata: { resourceVersion: '9', continue: 'next-page' }, items: [] });
      return reply(200, { metadata: { resourceVersion: '9' }, items: [] });
    });
    expect((await cp.bundleProgress('tenant-003', 'rollout-0-run')).body).toEqual({ desired: 3, ready: 1, failed: 1 });
    await cp.getCluster({ namespace: 'tenant-003', name: 'edge-0000007' });
    expect((await cp.listClusters(undefined, '', 500, undefined)).body).toEqual({ next: 'next-page' });
    await cp.listClusters('tenant-001', '', 500, undefined);
    await cp.patchLabels({ namespace: 'tenant-003', name: 'edge-0000007' }, { 'fleetload.dev/touched': '1' });
    expect(fake.requests.slice(1).map((q) => [line(q), q.tags.sli])).toEqual([
      ['GET /api/v1/nodes/edge-0000007', 'read-resource'],
      ['GET /api/v1/nodes?limit=500', 'read-cluster'],
      ['GET /api/v1/namespaces/tenant-001/pods?limit=500', 'read-namespace'],
      ['PATCH /api/v1/nodes/edge-0000007', 'mutating'],
    ]);
    expect(fake.requests[4]!.headers['Content-Type']).toBe('application/merge-patch+json');
  });
});

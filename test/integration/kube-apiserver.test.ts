// The real kube-apiserver that `npm run kube:build` builds from the pinned Go modules: it starts
// from test/helpers/kube.ts, reports the pinned version, authenticates and authorizes the way the
// agents' control planes will (bad token, no RBAC, kubelet-like agent rights), serves metrics,
// and streams watches both as chunked HTTP and over WebSocket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'undici';
import { kubeBinaries, startKubeApiServer, type KubeApiServer } from '../helpers/kube';

const bins = kubeBinaries();

interface WatchEvent {
  type: string;
  object: { kind: string; metadata: { name: string; resourceVersion: string } };
}

// MicroTime wants exactly six fractional digits; toISOString gives three.
const microNow = (): string => new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

const node = (name: string): unknown => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'fleetload.io/agent': name } } });

describe.skipIf(!bins)('a real kube-apiserver', () => {
  let kube: KubeApiServer;

  beforeAll(async () => {
    kube = await startKubeApiServer({ agentTokens: 3, binaries: bins! });
    process.stdout.write(`kube-apiserver ${bins!.version} ready in ${kube.startupMs} ms at ${kube.url}\n`);
  }, 90_000);

  afterAll(async () => {
    await kube?.stop();
  });

  it('answers /version with the pinned release', async () => {
    const res = await kube.request('GET', '/version');
    expect(res.status).toBe(200);
    expect(res.json<{ gitVersion: string }>().gitVersion).toBe(bins!.version);
  });

  it('rejects an unknown token with 401', async () => {
    const res = await kube.request('GET', '/api/v1/nodes', { token: 'not-a-token' });
    expect(res.status).toBe(401);
  });

  it('authorizes by RBAC: the no-rights user gets 403 where the admin gets 200', async () => {
    expect((await kube.request('GET', '/api/v1/nodes', { token: kube.tokens.noRights })).status).toBe(403);
    expect((await kube.request('GET', '/api/v1/nodes')).status).toBe(200);
  });

  it('serves /metrics to the admin, with the request latency histogram', async () => {
    const res = await kube.request('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('apiserver_request_duration_seconds_bucket');
    expect((await kube.request('GET', '/metrics', { token: kube.tokens.noRights })).status).toBe(403);
  });

  it('lets an agent register its node and renew its lease, in kube-node-lease only', async () => {
    const token = kube.tokens.agents[0]!;
    const created = await kube.request('POST', '/api/v1/nodes', { token, body: node('agent-0') });
    expect(created.status, created.text).toBe(201);

    const leases = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'agent-0', namespace: 'kube-node-lease' },
      spec: { holderIdentity: 'agent-0', leaseDurationSeconds: 40, renewTime: microNow() },
    };
    const posted = await kube.request('POST', leases, { token, body: lease });
    expect(posted.status, posted.text).toBe(201);
    const rv = posted.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
    const renewed = await kube.request('PUT', `${leases}/agent-0`, {
      token,
      body: { ...lease, metadata: { ...lease.metadata, resourceVersion: rv }, spec: { ...lease.spec, renewTime: microNow() } },
    });
    expect(renewed.status, renewed.text).toBe(200);

    const elsewhere = await kube.request('POST', '/apis/coordination.k8s.io/v1/namespaces/default/leases', {
      token,
      body: { ...lease, metadata: { name: 'agent-0', namespace: 'default' } },
    });
    expect(elsewhere.status).toBe(403);
  });

  it('streams a chunked HTTP watch: the ADDED event arrives before the watch ends', async () => {
    const rv = (await kube.request('GET', '/api/v1/nodes')).json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
    const res = await kube.dispatcher.request({
      origin: kube.url,
      path: `/api/v1/nodes?watch=true&resourceVersion=${rv}&timeoutSeconds=20`,
      method: 'GET',
      headers: { authorization: `Bearer ${kube.tokens.agents[1]!}` },
    });
    expect(res.statusCode).toBe(200);
    const created = await kube.request('POST', '/api/v1/nodes', { token: kube.tokens.agents[1]!, body: node('agent-1') });
    expect(created.status, created.text).toBe(201);

    let buffered = '';
    let added: WatchEvent | undefined;
    for await (const chunk of res.body) {
      buffered += (chunk as Buffer).toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      added = lines.map((l) => JSON.parse(l) as WatchEvent).find((e) => e.type === 'ADDED' && e.object.metadata.name === 'agent-1');
      if (added) break;
    }
    res.body.destroy();
    expect(added?.object.kind).toBe('Node');
  });

  // Node 20 has no global WebSocket, and the WHATWG one takes no headers; undici's (already a
  // dependency) takes both headers and a dispatcher that trusts the test CA.
  it('streams a watch over WebSocket with a bearer token and an Origin', async () => {
    const token = kube.tokens.agents[2]!;
    const rv = (await kube.request('GET', '/api/v1/nodes')).json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
    const ws = new WebSocket(`${kube.url.replace(/^https/, 'wss')}/api/v1/nodes?watch=true&resourceVersion=${rv}`, {
      dispatcher: kube.dispatcher,
      headers: { authorization: `Bearer ${token}`, origin: kube.url },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        ws.onopen = () => resolve();
        ws.onerror = () => reject(new Error('the WebSocket watch was refused'));
      });
      const event = new Promise<WatchEvent>((resolve, reject) => {
        ws.onmessage = (m) => {
          const text = typeof m.data === 'string' ? m.data : Buffer.from(m.data as ArrayBuffer).toString('utf8');
          const e = JSON.parse(text) as WatchEvent;
          if (e.type === 'ADDED' && e.object.metadata.name === 'agent-2') resolve(e);
        };
        ws.onclose = () => reject(new Error('the WebSocket watch closed before the ADDED event'));
      });
      const created = await kube.request('POST', '/api/v1/nodes', { token, body: node('agent-2') });
      expect(created.status, created.text).toBe(201);
      expect((await event).object.kind).toBe('Node');
    } finally {
      ws.close();
    }
  });
});

// The Kubernetes probe over real TLS: a tiny HTTPS API server on 127.0.0.1:0 with certificates made
// by the openssl CLI, reached through the Node transport as preflight reaches it.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TargetSpec } from '../../scenarios/lib/protocol';
import { makePki, METRICS_TEXT, startToyKube, type ToyKube, type ToyPki } from '../../test/e2e/toy/kube-server';
import { describeConnectFailure, kubeProbeResult, probeKube } from '../../scenarios/lib/kube/probe';
import { nodeTransportFor } from './node-transport';
import { kubeProbeError } from './probe';
import { rememberServerViewAccess, scrapeServerView } from './server-view';

let pki: ToyPki;
let kube: ToyKube;
beforeAll(() => {
  pki = makePki();
});

const servers: ToyKube[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function start(opts: Parameters<typeof startToyKube>[1]): Promise<ToyKube> {
  kube = await startToyKube(pki, opts);
  servers.push(kube);
  return kube;
}

function spec(url: string, token: string, tls: Partial<NonNullable<TargetSpec['kube']>> = {}): TargetSpec {
  return { url, registrationToken: '', operatorToken: token, kube: { caPem: pki.caPem, insecureSkipTlsVerify: false, context: 'toy', ...tls } };
}

const probe = (s: TargetSpec, requires?: Parameters<typeof probeKube>[2]): ReturnType<typeof probeKube> => probeKube(nodeTransportFor(s.kube), s, requires);

const TOKENS = { good: { name: 'alice', may: ['create nodes', 'get /metrics'] }, weak: { name: 'bob', may: [] } };

describe('the Kubernetes probe', () => {
  it('a good token: gitVersion from /version, the user from SelfSubjectReview, rights from SelfSubjectAccessReview', async () => {
    const k = await start({ tokens: TOKENS });
    const r = await probe(spec(k.url, 'good'), { requires: [{ verb: 'create', resource: 'nodes' }] });
    expect(r).toEqual({ kind: 'ok', gitVersion: 'v1.31.0-toy', user: 'alice' });
    expect(k.paths).toEqual(['/version', '/api', '/apis/authentication.k8s.io/v1/selfsubjectreviews', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']);
    expect(kubeProbeResult(r)).toEqual({ kind: 'ok', description: 'Kubernetes v1.31.0-toy as alice' });
  });

  it('a token the server does not know is 401', async () => {
    const k = await start({ tokens: TOKENS });
    const r = await probe(spec(k.url, 'stolen'));
    expect(r).toMatchObject({ kind: 'unauthorized', detail: 'GET /api answered 401' });
    expect(kubeProbeResult(r)).toMatchObject({ kind: 'rejected-credentials', status: 401 });
  });

  it('a known token without the right is 403 naming the verb and resource it lacked', async () => {
    const k = await start({ tokens: TOKENS });
    const r = await probe(spec(k.url, 'weak'), { requires: [{ verb: 'create', resource: 'nodes' }] });
    expect(r).toMatchObject({ kind: 'forbidden', verb: 'create', resource: 'nodes' });
    expect(kubeProbeResult(r)).toMatchObject({ kind: 'rejected-credentials', status: 403, detail: expect.stringMatching(/^may not create nodes/) });
  });

  it('no credential at all: anonymous gets /version but 403 on /api', async () => {
    const k = await start({ tokens: TOKENS });
    expect(await probe(spec(k.url, ''))).toMatchObject({ kind: 'forbidden', verb: 'get', resource: '/api' });
  });

  it('with anonymous auth off, /version is asked again with the credential', async () => {
    const k = await start({ tokens: TOKENS, anonymous: false });
    expect(await probe(spec(k.url, 'good'))).toMatchObject({ kind: 'ok', gitVersion: 'v1.31.0-toy' });
    expect(k.paths.slice(0, 2)).toEqual(['/version', '/version']);
    expect(await probe(spec(k.url, ''))).toMatchObject({ kind: 'unauthorized', detail: 'GET /version answered 401' });
  });

  it('the wrong CA, or none, is a TLS failure whose fix names the CA and --insecure-skip-tls-verify', async () => {
    const k = await start({ tokens: TOKENS });
    for (const tls of [{ caPem: pki.otherCaPem }, { caPem: undefined }]) {
      const r = await probe(spec(k.url, 'good', tls));
      expect(r).toMatchObject({ kind: 'unreachable', tls: true, problem: expect.stringMatching(/^certificate signed by unknown authority/) });
      if (r.kind === 'unreachable') expect(r.fix).toMatch(/CA in the kubeconfig .* or --insecure-skip-tls-verify/);
    }
  });

  it('--insecure-skip-tls-verify reaches a server whose CA is unknown', async () => {
    const k = await start({ tokens: TOKENS });
    expect(await probe(spec(k.url, 'good', { caPem: undefined, insecureSkipTlsVerify: true }))).toMatchObject({ kind: 'ok' });
  });

  it('a client certificate signed by the cluster CA is an identity of its own', async () => {
    const k = await start({ tokens: TOKENS, certUser: ['create nodes'] });
    const withCert = spec(k.url, '', { clientCertPem: pki.clientCertPem, clientKeyPem: pki.clientKeyPem });
    expect(await probe(withCert, { requires: [{ verb: 'create', resource: 'nodes' }] })).toEqual({ kind: 'ok', gitVersion: 'v1.31.0-toy', user: 'cert-user' });
    // The same run without the certificate is anonymous.
    expect(await probe(spec(k.url, ''))).toMatchObject({ kind: 'forbidden', resource: '/api' });
  });

  it('a closed port is connection refused, not TLS', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const r = await probe(spec(`https://127.0.0.1:${port}`, 'good'));
    expect(r).toMatchObject({ kind: 'unreachable', tls: false, problem: expect.stringMatching(/^connection refused/) });
  });

  it('names k6 (Go) failures as well as Node ones', () => {
    expect(describeConnectFailure('x509: certificate signed by unknown authority', 'https://h:6443')).toMatchObject({ tls: true });
    expect(describeConnectFailure('dial tcp 127.0.0.1:1: connect: connection refused', 'https://h:6443')).toMatchObject({ tls: false, problem: expect.stringMatching(/^connection refused/) });
    expect(describeConnectFailure('ERR_TLS_CERT_ALTNAME_INVALID', 'https://h:6443').problem).toMatch(/not for h:6443/);
  });
});

describe("the server view of a Kubernetes target's /metrics", () => {
  it('reads it with the CA and token preflight remembered', async () => {
    const k = await start({ tokens: TOKENS });
    const warnings: string[] = [];
    const forget = rememberServerViewAccess(k.url, { target: spec(k.url, 'good'), warn: (l) => warnings.push(l) });
    const view = await scrapeServerView(k.url, { path: '/metrics', family: 'apiserver_request_duration_seconds', verbLabel: 'verb', scopeLabel: 'scope' });
    forget();
    expect(METRICS_TEXT).toContain('apiserver_request_duration_seconds_bucket');
    expect(view?.['api-read-resource']?.count).toBe(10);
    expect(warnings).toEqual([]);
  });

  it('denied (no nonResourceURLs /metrics right): one warning line naming the RBAC, no view, no failure', async () => {
    const k = await start({ tokens: TOKENS });
    const warnings: string[] = [];
    const view = await scrapeServerView(k.url, { path: '/metrics', family: 'apiserver_request_duration_seconds', verbLabel: 'verb', scopeLabel: 'scope' }, undefined, 5000, {
      target: spec(k.url, 'weak'),
      warn: (l) => warnings.push(l),
    });
    expect(view).toBeUndefined();
    expect(warnings).toEqual(['warning: no server-side latency view: GET /metrics answered 403 to the identity of context "toy"; to have it, bind that identity a ClusterRole with nonResourceURLs: ["/metrics"], verbs: ["get"]']);
  });
});

describe('what preflight says of each failure (runner/target/probe.ts)', () => {
  const protocol = { name: 'kube-x', description: 'x', targetKind: 'kube' as const, probe: () => Promise.resolve({ kind: 'ok' as const, description: '' }), controlPlane: () => { throw new Error('unused'); } };
  const target: TargetSpec = { url: 'https://k:6443', registrationToken: '', operatorToken: 'tok', kube: { insecureSkipTlsVerify: false, context: 'prod' } };

  it('a 403 of a real identity names the verb, the resource and the RBAC that grants it', () => {
    const e = kubeProbeError({ kind: 'forbidden', verb: 'create', resource: 'leases.coordination.k8s.io in namespace fleet', detail: 'SelfSubjectAccessReview denied' }, target, protocol);
    expect([e.exitCode, e.message]).toEqual([2, '--kubeconfig: the identity of context "prod" may not create leases.coordination.k8s.io in namespace fleet on https://k:6443 (HTTP 403: SelfSubjectAccessReview denied); bind it a Role or ClusterRole with verbs: ["create"] on leases.coordination.k8s.io in namespace fleet, or pass --context with an identity that may']);
    const metrics = kubeProbeError({ kind: 'forbidden', verb: 'get', resource: '/api', detail: 'GET /api answered 403' }, target, protocol);
    expect(metrics.message).toContain('bind it a ClusterRole with nonResourceURLs: ["/api"], verbs: ["get"]');
  });

  it('something that is not Kubernetes is the target (exit 3), naming the context', () => {
    const e = kubeProbeError({ kind: 'not-kubernetes', detail: 'GET /version answered 404' }, target, protocol);
    expect([e.exitCode, e.message]).toEqual([3, 'https://k:6443 (context "prod") is not a Kubernetes API server (GET /version answered 404), which protocol kube-x needs; check the server of context "prod", or pass --context with another']);
  });
});

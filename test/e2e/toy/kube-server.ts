// A tiny stand-in for a Kubernetes API server over HTTPS, for the kubeconfig and kube-probe tests:
// the answers a preflight reads (/version, /api, SelfSubjectReview, SelfSubjectAccessReview,
// /metrics), bearer tokens and client certificates, 401 and 403 as kube-apiserver gives them.
// Certificates are made with the openssl CLI in a temp dir: a CA, a server certificate for
// 127.0.0.1 signed by it, a client certificate signed by it, and an unrelated CA.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { stringify } from 'yaml';

export interface ToyPki {
  dir: string;
  caFile: string;
  caPem: string;
  /** A CA that signed nothing here: trusting only it must fail verification. */
  otherCaFile: string;
  otherCaPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  clientCertFile: string;
  clientKeyFile: string;
  clientCertPem: string;
  clientKeyPem: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makePki(): ToyPki {
  const dir = mkdtempSync(join(tmpdir(), 'fleetload-pki-'));
  for (const ca of ['ca', 'other-ca']) openssl(dir, ['req', '-x509', ...EC, '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', `/CN=${ca}`]);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, cn] of [['server', '127.0.0.1'], ['client', 'cert-user']] as const) {
    openssl(dir, ['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`]);
  }
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    caPem: read('ca.crt'),
    otherCaFile: join(dir, 'other-ca.crt'),
    otherCaPem: read('other-ca.crt'),
    serverCertPem: read('server.crt'),
    serverKeyPem: read('server.key'),
    clientCertFile: join(dir, 'client.crt'),
    clientKeyFile: join(dir, 'client.key'),
    clientCertPem: read('client.crt'),
    clientKeyPem: read('client.key'),
  };
}

export interface ToyUser {
  name: string;
  /** "verb resource" pairs it may do, e.g. "create nodes", "get /metrics". */
  may: string[];
}

export interface ToyKubeOptions {
  /** Bearer tokens the server knows. */
  tokens?: Record<string, ToyUser>;
  /** Rights of the client certificate's user (CN cert-user). */
  certUser?: string[];
  /** kube-apiserver --anonymous-auth=false: /version needs a credential too. */
  anonymous?: boolean;
}

export interface ToyKube {
  url: string;
  /** Requests by path, to see what a probe asked. */
  paths: string[];
  close(): Promise<void>;
}

export const METRICS_TEXT = `apiserver_request_duration_seconds_bucket{verb="GET",scope="resource",le="0.1"} 9
apiserver_request_duration_seconds_bucket{verb="GET",scope="resource",le="+Inf"} 10
`;

export async function startToyKube(pki: ToyPki, opts: ToyKubeOptions = {}): Promise<ToyKube> {
  const tokens = opts.tokens ?? {};
  const paths: string[] = [];
  const server: Server = createServer({ key: pki.serverKeyPem, cert: pki.serverCertPem, ca: [pki.caPem], requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://toy');
    paths.push(url.pathname);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const status = (code: number, message: string): void => send(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code });
    // kube-apiserver: a bearer token it does not know is 401 even with anonymous auth on.
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const socket = req.socket as TLSSocket;
    let user: ToyUser | undefined;
    if (bearer !== undefined) {
      user = tokens[bearer];
      if (!user) return status(401, 'Unauthorized');
    } else if (socket.authorized && opts.certUser !== undefined) {
      user = { name: String(socket.getPeerCertificate().subject.CN), may: opts.certUser };
    }
    const anonymousName = 'system:anonymous';
    const may = (what: string): boolean => user?.may.includes(what) ?? false;
    if (url.pathname === '/version') {
      if (!user && opts.anonymous === false) return status(401, 'Unauthorized');
      return send(200, { major: '1', minor: '31', gitVersion: 'v1.31.0-toy' });
    }
    if (!user && opts.anonymous === false) return status(401, 'Unauthorized');
    if (url.pathname === '/api') {
      if (!user) return status(403, `forbidden: User "${anonymousName}" cannot get path "/api"`);
      return send(200, { kind: 'APIVersions', versions: ['v1'] });
    }
    if (url.pathname === '/metrics') {
      if (!may('get /metrics')) return status(403, `forbidden: User "${user?.name ?? anonymousName}" cannot get path "/metrics"`);
      return send(200, METRICS_TEXT);
    }
    if (!user) return status(403, 'forbidden');
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (url.pathname === '/apis/authentication.k8s.io/v1/selfsubjectreviews' && req.method === 'POST') {
        return send(201, { kind: 'SelfSubjectReview', status: { userInfo: { username: user.name } } });
      }
      if (url.pathname === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews' && req.method === 'POST') {
        const attrs = (JSON.parse(text) as { spec: { resourceAttributes: { verb: string; resource: string } } }).spec.resourceAttributes;
        const allowed = may(`${attrs.verb} ${attrs.resource}`);
        return send(201, { kind: 'SelfSubjectAccessReview', status: allowed ? { allowed } : { allowed, reason: '' } });
      }
      return status(404, 'the server could not find the requested resource');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    paths,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface KubeconfigSpec {
  server: string;
  context?: string;
  cluster?: Record<string, unknown>;
  user?: Record<string, unknown>;
  /** Extra top-level fields, or overrides (e.g. contexts naming a missing cluster). */
  extra?: Record<string, unknown>;
}

/** Writes a kubeconfig as kubectl does (one cluster, one user, one context); returns its path. */
export function writeKubeconfig(dir: string, file: string, spec: KubeconfigSpec): string {
  const ctx = spec.context ?? 'toy';
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: `${ctx}-cluster`, cluster: { server: spec.server, ...spec.cluster } }],
    users: [{ name: `${ctx}-user`, user: { ...spec.user } }],
    contexts: [{ name: ctx, context: { cluster: `${ctx}-cluster`, user: `${ctx}-user` } }],
    'current-context': ctx,
    ...spec.extra,
  };
  const path = join(dir, file);
  writeFileSync(path, stringify(doc));
  return path;
}

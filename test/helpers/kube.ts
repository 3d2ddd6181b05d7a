// A real kube-apiserver with its own etcd, on loopback ports, from the binaries `npm run kube:build`
// caches (or KUBE_APISERVER_BIN / ETCD_BIN). Locally a missing build skips with the reason printed;
// under CI=true it fails, since .ci/run builds it before the tests.
// Both processes never outlive the test process: they are killed on its 'exit', like the simulator.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, type Dispatcher } from 'undici';
import { cachedKubeBinaries, readKubePin } from '../../scripts/kube-paths';
import { inCi } from './ci';
import { ROOT } from './cli';
import { freePort } from './net';
import { processCpuSeconds } from '../../runner/health/proc';

export interface KubeBinariesFound {
  apiserver: string;
  etcd: string;
  /** The pinned kubernetes version (kube.pin.json), which the binary reports on /version. */
  version: string;
}

export interface KubeTokens {
  /** User `admin` in group system:masters. */
  admin: string;
  /** User `no-rights`: authenticated, bound to nothing, so every resource request is a 403. */
  noRights: string;
  /** `agents[i]` is user `agent-<i>` in group AGENT_GROUP (kubelet-like rights, see below). */
  agents: string[];
}

export interface KubeResponse {
  status: number;
  text: string;
  json<T>(): T;
}

export interface KubeApiServer {
  /** https://127.0.0.1:<port> */
  url: string;
  caFile: string;
  caPem: string;
  adminToken: string;
  tokens: KubeTokens;
  /** Contexts `fleetload` (admin, current) and `no-rights`. */
  kubeconfigPath: string;
  /** Trusts caPem: pass as `dispatcher` to undici's request/fetch. */
  dispatcher: Agent;
  /** From spawning etcd to /readyz answering ok. */
  startupMs: number;
  /** A request with `token` as bearer (the admin's by default); `body` is sent as JSON. */
  request(method: Dispatcher.HttpMethod, path: string, opts?: { token?: string; body?: unknown }): Promise<KubeResponse>;
  /** CPU seconds kube-apiserver and etcd have used so far (from /proc). */
  cpuSeconds(): number;
  /** SIGTERM both processes (SIGKILL after 5 s), then removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

export interface KubeOptions {
  /** Per-agent tokens to generate (users agent-0 … agent-<n-1>). Default 0. */
  agentTokens?: number;
  /** More kube-apiserver flags, appended last so they win. */
  extraArgs?: string[];
  binaries?: KubeBinariesFound;
  readyTimeoutMs?: number;
}

export const AGENT_GROUP = 'fleetload:agents';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The binaries to run, or undefined (skip) locally when they are not built; throws under CI. */
export function kubeBinaries(): KubeBinariesFound | undefined {
  const pin = readKubePin(ROOT);
  const cached = cachedKubeBinaries(ROOT, pin);
  const apiserver = process.env.KUBE_APISERVER_BIN || cached.apiserver;
  const etcd = process.env.ETCD_BIN || cached.etcd;
  const missing = [apiserver, etcd].filter((p) => !executable(p));
  if (missing.length === 0) return { apiserver, etcd, version: pin.kubernetes };
  const why = `no ${missing.join(' or ')} (run npm run kube:build, or set KUBE_APISERVER_BIN and ETCD_BIN)`;
  if (inCi()) throw new Error(`CI=true but the kube-apiserver build is missing: ${why}; .ci/run must run npm run kube:build first`);
  process.stdout.write(`skipping kube-apiserver tests: ${why}\n`);
  return undefined;
}

// One 'exit' listener for every server; 'exit' handlers are synchronous, so SIGKILL and a
// synchronous rm are all that can be done there.
const liveChildren = new Set<ChildProcess>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;
function cleanUpOnExit(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
}

function token(): string {
  return randomBytes(24).toString('base64url');
}

function openssl(args: string[], cwd: string): void {
  const res = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (res.error) throw new Error(`openssl could not start: ${res.error.message} (apt-get install openssl)`);
  if (res.status !== 0) throw new Error(`openssl ${args.join(' ')} exited with ${res.status}: ${res.stderr.trim()}`);
}

// Node cannot issue X.509 certificates, so openssl does: a throwaway CA and a serving cert for
// 127.0.0.1 signed by it, so clients trust exactly this server and nothing else.
function writeCerts(dir: string): { caFile: string; certFile: string; keyFile: string } {
  writeFileSync(
    join(dir, 'openssl.cnf'),
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      'CN = fleetload-test',
      '[ca]',
      'basicConstraints = critical,CA:TRUE',
      'keyUsage = critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier = hash',
      '[server]',
      'basicConstraints = critical,CA:FALSE',
      'keyUsage = critical,digitalSignature',
      'extendedKeyUsage = serverAuth',
      'subjectAltName = IP:127.0.0.1,DNS:localhost',
      'authorityKeyIdentifier = keyid',
      '',
    ].join('\n'),
  );
  // EC P-256: key generation in milliseconds, where RSA would cost a visible part of startup.
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-config', 'openssl.cnf'];
  openssl(['req', '-x509', ...key, '-extensions', 'ca', '-subj', '/CN=fleetload-test-ca', '-keyout', 'ca.key', '-out', 'ca.crt'], dir);
  openssl(['req', '-x509', ...key, '-extensions', 'server', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-subj', '/CN=kube-apiserver', '-keyout', 'server.key', '-out', 'server.crt'], dir);
  return { caFile: join(dir, 'ca.crt'), certFile: join(dir, 'server.crt'), keyFile: join(dir, 'server.key') };
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function exitedOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function terminate(child: ChildProcess, killAfterMs = 5000): Promise<void> {
  const exited = exitedOf(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(timer);
  liveChildren.delete(child);
}

/** Polls `probe` every 100 ms until it is true; fails early if `child` exits meanwhile. */
async function waitFor(what: string, child: ChildProcess, log: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail(log)}`);
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`${what} was not ready within ${timeoutMs} ms:\n${tail(log)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startChild(bin: string, args: string[], log: string): ChildProcess {
  const fd = openSync(log, 'a');
  try {
    // Logs go to a file in the temp dir: a pipe nobody reads would block the server once full.
    const child = spawn(bin, args, { stdio: ['ignore', fd, fd] });
    liveChildren.add(child);
    child.once('exit', () => liveChildren.delete(child));
    return child;
  } finally {
    closeSync(fd);
  }
}

// What a kubelet (or kwok) writes: its Node and status, pods and their status, events; leases
// only in kube-node-lease, through a RoleBinding there.
const AGENT_RULES = [
  { apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
  { apiGroups: [''], resources: ['nodes/status', 'pods/status'], verbs: ['get', 'update', 'patch'] },
  { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'update', 'patch'] },
];
const LEASE_RULES = [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }];

function rbacObjects(): Array<{ path: string; body: unknown }> {
  const subjects = [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: AGENT_GROUP }];
  const roleRef = (name: string): unknown => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name });
  const rbac = '/apis/rbac.authorization.k8s.io/v1';
  return [
    // The system namespaces controller creates kube-node-lease too, but maybe not before /readyz.
    { path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-node-lease' } } },
    { path: `${rbac}/clusterroles`, body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'fleetload:agent' }, rules: AGENT_RULES } },
    { path: `${rbac}/clusterroles`, body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'fleetload:agent-lease' }, rules: LEASE_RULES } },
    { path: `${rbac}/clusterrolebindings`, body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'fleetload:agents' }, subjects, roleRef: roleRef('fleetload:agent') } },
    {
      path: `${rbac}/namespaces/kube-node-lease/rolebindings`,
      body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'fleetload:agents', namespace: 'kube-node-lease' }, subjects, roleRef: roleRef('fleetload:agent-lease') },
    },
  ];
}

function kubeconfig(url: string, caFile: string, tokens: KubeTokens): string {
  const cluster = 'fleetload';
  const ctx = (name: string, user: string): unknown => ({ name, context: { cluster, user } });
  // JSON is YAML, so kubectl and client-go read this as is.
  return `${JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: cluster, cluster: { server: url, 'certificate-authority': caFile } }],
      users: [
        { name: 'admin', user: { token: tokens.admin } },
        { name: 'no-rights', user: { token: tokens.noRights } },
      ],
      contexts: [ctx('fleetload', 'admin'), ctx('no-rights', 'no-rights')],
      'current-context': 'fleetload',
    },
    null,
    2,
  )}\n`;
}

export async function startKubeApiServer(opts: KubeOptions = {}): Promise<KubeApiServer> {
  const bins = opts.binaries ?? kubeBinaries();
  if (!bins) throw new Error('kube-apiserver is not built: run npm run kube:build');
  const readyTimeoutMs = opts.readyTimeoutMs ?? 45_000;
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', cleanUpOnExit);
  }
  const dir = mkdtempSync(join(tmpdir(), 'fleetload-kube-'));
  liveDirs.add(dir);
  const children: ChildProcess[] = [];
  let dispatcher: Agent | undefined;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // Open watches would hold the apiserver's graceful shutdown until they time out.
    await dispatcher?.destroy().catch(() => undefined);
    // The apiserver first, so it does not log a storm of etcd errors while etcd goes away.
    for (const child of [...children].reverse()) await terminate(child);
    rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
  };

  try {
    const tokens: KubeTokens = {
      admin: token(),
      noRights: token(),
      agents: Array.from({ length: opts.agentTokens ?? 0 }, () => token()),
    };
    const tokenFile = join(dir, 'tokens.csv');
    writeFileSync(
      tokenFile,
      [
        `${tokens.admin},admin,admin,"system:masters"`,
        `${tokens.noRights},no-rights,no-rights`,
        ...tokens.agents.map((t, i) => `${t},agent-${i},agent-${i},"${AGENT_GROUP}"`),
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const { caFile, certFile, keyFile } = writeCerts(dir);
    const caPem = readFileSync(caFile, 'utf8');
    const saKeyFile = join(dir, 'service-account.key');
    writeFileSync(saKeyFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }), { mode: 0o600 });

    const started = Date.now();
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcdLog = join(dir, 'etcd.log');
    const etcd = startChild(
      bins.etcd,
      [
        '--name=fleetload',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=fleetload=${peerUrl}`,
        '--log-level=warn',
        // A throwaway store: fsync would only make latencies hostage to the shared disk.
        '--unsafe-no-fsync=true',
      ],
      etcdLog,
    );
    children.push(etcd);
    await waitFor('etcd', etcd, etcdLog, 15_000, async () => {
      const res = await fetch(`${etcdUrl}/health`);
      return res.ok && ((await res.json()) as { health?: string }).health === 'true';
    });

    const apiLog = join(dir, 'kube-apiserver.log');
    const apiserver = startChild(
      bins.apiserver,
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--cert-dir=${join(dir, 'certs')}`,
        `--tls-cert-file=${certFile}`,
        `--tls-private-key-file=${keyFile}`,
        `--token-auth-file=${tokenFile}`,
        '--authorization-mode=Node,RBAC',
        '--service-cluster-ip-range=10.0.0.0/24',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${saKeyFile}`,
        `--service-account-signing-key-file=${saKeyFile}`,
        ...(opts.extraArgs ?? []),
      ],
      apiLog,
    );
    children.push(apiserver);

    const url = `https://127.0.0.1:${apiPort}`;
    dispatcher = new Agent({ connect: { ca: caPem } });
    const agent = dispatcher;
    const request = async (method: Dispatcher.HttpMethod, path: string, o: { token?: string; body?: unknown } = {}): Promise<KubeResponse> => {
      const headers: Record<string, string> = { authorization: `Bearer ${o.token ?? tokens.admin}`, accept: 'application/json' };
      if (o.body !== undefined) headers['content-type'] = 'application/json';
      const res = await agent.request({ origin: url, path, method, headers, body: o.body === undefined ? null : JSON.stringify(o.body) });
      const text = await res.body.text();
      return { status: res.statusCode, text, json: <T>() => JSON.parse(text) as T };
    };
    await waitFor('kube-apiserver', apiserver, apiLog, readyTimeoutMs, async () => (await request('GET', '/readyz')).status === 200);
    const startupMs = Date.now() - started;

    for (const { path, body } of rbacObjects()) {
      const res = await request('POST', path, { body });
      // 409: kube-node-lease was created by the apiserver itself in the meantime.
      if (res.status !== 201 && res.status !== 409) throw new Error(`POST ${path}: ${res.status} ${res.text}`);
    }

    const kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, kubeconfig(url, caFile, tokens), { mode: 0o600 });
    const cpuSeconds = (): number => children.reduce((sum, c) => sum + (c.pid === undefined ? 0 : (processCpuSeconds(c.pid) ?? 0)), 0);
    return { url, caFile, caPem, adminToken: tokens.admin, tokens, kubeconfigPath, dispatcher: agent, startupMs, request, cpuSeconds, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

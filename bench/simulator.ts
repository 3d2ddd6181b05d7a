// Benchmark of the reference control plane: `npx tsx bench/simulator.ts [--quick]`.
//
// 1. Memory per registered cluster at 10,000 and 100,000 clusters, each in a fresh child
//    process. Clusters are created through an INTERNAL BULK PATH (store calls, the same records
//    the API creates: 3 labels, a token, a lease, one deployment of a bundle selecting all, a
//    heartbeat), because 100,000 API registrations take long on a shared 2-core box; 10,000
//    through the API in process (registration cost 0) cross-check the figure.
// 2. Against the built simulator (dist/node/simulator/main.js) as a child process, driven from
//    this process with undici keep-alive connections:
//    - registration of 10,000 clusters through the API (registrations/s with the defaults),
//    - 1,000 heartbeats/s for 10 s across those 10,000 clusters: simulator CPU share (from
//      /proc/PID/stat) and server-side P99 (from its /metrics histogram),
//    - open-loop steps of rising rate until server-side P99 exceeds 50 ms, errors appear, or the
//      driver cannot keep up: the highest rate sustained with P99 < 50 ms,
//    - a rollout's watch fan-out: 2,000 parked watches, one bundle, time to the last answer.
//    - the fleet mix (3. below), this build alone: requests per CPU-second of the simulator.
// 3. `--fleet`: the fleet mix of `npm run scale -- --clusters 10000` against this simulator
//    build, or with `--before DIR` against DIR's build too (a worktree of an older commit: `git
//    worktree add /tmp/before HEAD`, node_modules symlinked), alternating before/after/after/
//    before... (`--rounds N`, default 2) in one invocation, so both see the same noisy machine.
//    The mix, as the scenario with the k6.config.ts base, driven open-loop from a raw HTTP/1.1
//    client (cheap, so the driver leaves the cores to the simulator): registration POST + long-
//    poll GET at 500/s; per agent a deployment watch on its own connection and a lease PUT every
//    10 s +-25 % with 3 node reports; 5 s after the last registration a rollout (a bundle per
//    namespace, 4 KiB payload, every cluster) that wakes every watch, each agent then a status
//    PUT 20-200 ms later and an events POST, then a new watch; operator GET 5/s, PATCH 2/s,
//    namespace LIST 1/s and cluster LIST 0.2/s (every page of 500), bundle GET 1/s per namespace
//    while the rollout runs; 60 s (`--agents`, `--seconds`, `--rollouts` change it). Figures:
//    requests answered per CPU-second of the simulator process (utime + stime from /proc, the
//    whole run), client-side P99 per request kind, the rollout's fan-out, then fixed-rate lease
//    steps (`--fixed-rate 1000,3000,...`, `--fixed-seconds`; default 3,000/s for 5 s): P99 and
//    requests per CPU-second at a fixed rate. CPU per request falls as the rate rises (a busy
//    event loop handles several requests per wake-up), so compare figures at equal rates only.
//    `--cpu-prof-dir D` and `--node-arg F` (repeatable) profile the simulator children.
// Every loop is bounded in count and time; all traffic goes to 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Pool } from 'undici';
import { buildNode } from '../runner/build/node';
import { DEFAULT_TOKENS, type NodeHealth } from '../simulator/api';
import { parseSelector } from '../simulator/selectors';
import { startSimulator } from '../simulator/server';

const root = join(import.meta.dirname, '..');
const SELF = fileURLToPath(import.meta.url);
const REG_TOKEN = DEFAULT_TOKENS.registration;
const OP_TOKEN = DEFAULT_TOKENS.operator;
const quick = process.argv.includes('--quick');

// ---------------------------------------------------------------- memory (child process mode)

interface MemoryResult {
  clusters: number;
  heapBytesPerCluster: number;
  rssBytesPerCluster: number;
  bulkSeconds: number;
}

async function memoryChild(n: number, viaApi: boolean, nodes: number): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const settle = (): void => {
    for (let i = 0; i < 3; i++) gc();
  };
  const sim = await startSimulator({ port: 0, processMetrics: false, registrationWorkers: 64, registrationCostMs: 0 });
  const { store, leases } = sim.sim;
  const pool = viaApi ? new Pool(sim.url, { connections: 32 }) : null;
  settle();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const regions = ['eu', 'us', 'ap'];
  // Bundle first, so every cluster gets its deployment when it becomes Ready (as in a live fleet).
  store.upsertBundle('fleet', 'base', parseSelector('', 'selector'), 'x'.repeat(1024), 1024, Date.now());
  if (pool !== null) {
    // The same records through the API: register, wait for Ready, one heartbeat each.
    const { agents } = await registerAll(pool, n, 128);
    for (const a of agents) await (await pool.request({ method: 'PUT', path: a.path, headers: { authorization: a.auth } })).body.dump();
    await pool.close();
  } else {
    for (let i = 0; i < n; i++) {
      const now = Date.now();
      const c = store.register('fleet', `cluster-${i}`, { env: 'prod', region: regions[i % 3] as string, index: String(i) }, now);
      store.completeRegistration(c, `tok-${i.toString(36)}-${Math.random().toString(36).slice(2, 14)}`, now);
      leases.touch(c);
      store.renewLease(c, now);
      if (nodes > 0) c.setHealth(nodeReports(`cluster-${i}`, nodes), now);
    }
  }
  const bulkSeconds = (performance.now() - t0) / 1000;
  settle();
  const heap1 = process.memoryUsage().heapUsed;
  const rss1 = process.memoryUsage().rss;
  const result: MemoryResult = {
    clusters: store.clusters.size,
    heapBytesPerCluster: (heap1 - heap0) / n,
    rssBytesPerCluster: (rss1 - rss0) / n,
    bulkSeconds,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await sim.close();
}

/** What the agent scenario piggy-backs on heartbeats (scenarios/lib/agent.ts). */
function nodeReports(cluster: string, n: number): NodeHealth[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `${cluster}-node-${i}`,
    conditions: { Ready: 'True', MemoryPressure: 'False', DiskPressure: 'False', PIDPressure: 'False' },
    capacity: { cpu: 4, memoryBytes: 17179869184, pods: 110 },
    usage: { cpu: Math.round(Math.random() * 400) / 100, memoryBytes: Math.round(Math.random() * 12e9), pods: Math.floor(Math.random() * 80) },
  }));
}

function runMemory(n: number, viaApi: boolean, nodes = 0): Promise<MemoryResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, viaApi ? '--memory-child-api' : '--memory-child', String(n), String(nodes)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`memory child for ${n} exited ${String(code)}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() as string) as MemoryResult);
    });
  });
}

// ---------------------------------------------------------------- load (driver mode)

interface Server {
  child: ChildProcess;
  url: string;
  pid: number;
}

/** `--cpu-prof-dir DIR`: every simulator child writes a V8 CPU profile there when it exits. */
const cpuProfDir = ((i) => (i < 0 ? undefined : process.argv[i + 1]))(process.argv.indexOf('--cpu-prof-dir'));
/** `--node-arg FLAG` (repeatable): more node flags for the simulator children, e.g. --perf-basic-prof for perf. */
const extraNodeArgs = process.argv.flatMap((a, i) => (a === '--node-arg' && process.argv[i + 1] !== undefined ? [process.argv[i + 1] as string] : []));

async function launchSimulator(args: string[], mainJs = join(root, 'dist/node/simulator/main.js')): Promise<Server> {
  const nodeArgs = [...extraNodeArgs, ...(cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`])];
  const child = spawn(process.execPath, [...nodeArgs, mainJs, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulator exited ${String(code)}`)));
  });
  const msg = JSON.parse(line) as { url: string; pid: number };
  return { child, url: msg.url, pid: msg.pid };
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command: index 11 = utime, 12 = stime (clock ticks, 100 Hz on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

type Buckets = Map<number, number>;

/** Cumulative lease-route histogram buckets from /metrics (server-side latency). */
async function leaseBuckets(pool: Pool): Promise<Buckets> {
  const res = await pool.request({ method: 'GET', path: '/metrics' });
  const text = await res.body.text();
  const out: Buckets = new Map();
  const re = /^fleetsim_request_duration_seconds_bucket\{le="([^"]+)",route="\/api\/v1\/namespaces\/\{ns\}\/clusters\/\{name\}\/lease",verb="PUT",scope="resource",code="200"\} (\d+)$/gm;
  for (const m of text.matchAll(re)) {
    const le = m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]);
    out.set(le, Number(m[2]));
  }
  return out;
}

/** Upper bound of the bucket holding the q-quantile of the requests between two scrapes. */
function quantileBetween(before: Buckets, after: Buckets, q: number): number {
  const les = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Number.POSITIVE_INFINITY) ?? 0) - (before.get(Number.POSITIVE_INFINITY) ?? 0);
  if (total === 0) return 0;
  for (const le of les) {
    const n = (after.get(le) ?? 0) - (before.get(le) ?? 0);
    if (n >= q * total) return le;
  }
  return Number.POSITIVE_INFINITY;
}

interface Agent {
  path: string;
  auth: string;
}

async function registerAll(pool: Pool, n: number, concurrency: number): Promise<{ agents: Agent[]; seconds: number }> {
  const agents: Agent[] = new Array<Agent>(n);
  const t0 = performance.now();
  let next = 0;
  const regions = ['eu', 'us', 'ap'];
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      const name = `cluster-${i}`;
      const body = JSON.stringify({ clusterName: name, namespace: 'fleet', labels: { env: 'prod', region: regions[i % 3], index: String(i) } });
      const r = await pool.request({
        method: 'POST',
        path: '/api/v1/registrations',
        headers: { authorization: `Bearer ${REG_TOKEN}`, 'content-type': 'application/json' },
        body,
      });
      const { id } = (await r.body.json()) as { id: string };
      const s = await pool.request({ method: 'GET', path: `/api/v1/registrations/${id}?waitSeconds=60`, headers: { authorization: `Bearer ${REG_TOKEN}` } });
      const st = (await s.body.json()) as { credentials?: { token: string } };
      if (st.credentials === undefined) throw new Error(`registration ${id} not Ready`);
      agents[i] = { path: `/api/v1/namespaces/fleet/clusters/${name}/lease`, auth: `Bearer ${st.credentials.token}` };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { agents, seconds: (performance.now() - t0) / 1000 };
}

interface StepResult {
  targetRate: number;
  achievedRate: number;
  seconds: number;
  errors: number;
  serverP50ms: number;
  serverP99ms: number;
  clientP99ms: number;
  simulatorCpuShare: number;
  driverLagging: boolean;
}

/** Open loop: `rate` heartbeats/s for `seconds`, sent in 10 ms ticks, round-robin over the agents. */
async function heartbeatStep(server: Server, pool: Pool, agents: Agent[], rate: number, seconds: number): Promise<StepResult> {
  const before = await leaseBuckets(pool);
  const cpu0 = cpuSeconds(server.pid);
  const t0 = performance.now();
  const tickMs = 10;
  const totalTarget = Math.round(rate * seconds);
  const latencies: number[] = [];
  const inflight = new Set<Promise<void>>();
  const maxInflight = 2000;
  let sent = 0;
  let errors = 0;
  let cursor = 0;
  let lagging = false;
  const body = '{}';
  while (sent < totalTarget) {
    const elapsed = performance.now() - t0;
    if (elapsed > seconds * 1000 * 1.5) {
      lagging = true;
      break;
    }
    const due = Math.min(totalTarget, Math.floor((elapsed / 1000) * rate) + 1);
    while (sent < due) {
      if (inflight.size >= maxInflight) {
        lagging = true;
        break;
      }
      const a = agents[cursor] as Agent;
      cursor = (cursor + 1) % agents.length;
      sent++;
      const start = performance.now();
      const p = pool
        .request({ method: 'PUT', path: a.path, headers: { authorization: a.auth, 'content-type': 'application/json' }, body })
        .then(async (r) => {
          await r.body.dump();
          if (r.statusCode !== 200) errors++;
          latencies.push(performance.now() - start);
        })
        .catch(() => {
          errors++;
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await Promise.all(inflight);
  const wall = (performance.now() - t0) / 1000;
  const cpu1 = cpuSeconds(server.pid);
  const after = await leaseBuckets(pool);
  latencies.sort((a, b) => a - b);
  return {
    targetRate: rate,
    achievedRate: Math.round(latencies.length / wall),
    seconds: Number(wall.toFixed(2)),
    errors,
    serverP50ms: quantileBetween(before, after, 0.5) * 1000,
    serverP99ms: quantileBetween(before, after, 0.99) * 1000,
    clientP99ms: Number((latencies[Math.floor(latencies.length * 0.99)] ?? 0).toFixed(2)),
    simulatorCpuShare: Number(((cpu1 - cpu0) / wall).toFixed(3)),
    driverLagging: lagging || latencies.length / wall < rate * 0.9,
  };
}

const WATCHERS = quick ? 500 : 2000;

/**
 * Parks one deployment watch per agent (one connection each), creates a bundle selecting every
 * cluster, and times the answers: what a rollout's watch fan-out costs the control plane.
 */
async function rolloutFanout(server: Server, agents: Agent[]): Promise<{ watchers: number; firstMs: number; p50Ms: number; p99Ms: number; lastMs: number; answered: number }> {
  const watchPool = new Pool(server.url, { connections: agents.length, pipelining: 1 });
  const op = new Pool(server.url, { connections: 2 });
  try {
    const ops = { authorization: `Bearer ${OP_TOKEN}`, 'content-type': 'application/json' };
    let created = 0;
    const done: number[] = [];
    const watches = agents.map(async (a) => {
      const r = await watchPool.request({
        method: 'GET',
        path: `${a.path.slice(0, -'/lease'.length)}/deployments?watch=1&since=0&timeoutSeconds=30`,
        headers: { authorization: a.auth },
      });
      const list = (await r.body.json()) as { items: unknown[] };
      if (list.items.length > 0) done.push(performance.now() - created);
    });
    // Wait until every watch is parked (bounded: 20 s).
    const until = Date.now() + 20_000;
    for (;;) {
      const text = await (await op.request({ method: 'GET', path: '/metrics' })).body.text();
      const parked = Number(/^fleetsim_parked_requests (\d+)$/m.exec(text)?.[1] ?? 0);
      if (parked >= agents.length || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    created = performance.now();
    await (await op.request({ method: 'POST', path: '/api/v1/namespaces/fleet/bundles', headers: ops, body: JSON.stringify({ name: 'rollout', payloadBytes: 2048 }) })).body.dump();
    await Promise.all(watches);
    done.sort((x, y) => x - y);
    const at = (q: number): number => Number((done[Math.min(done.length - 1, Math.floor(done.length * q))] ?? 0).toFixed(1));
    return { watchers: agents.length, answered: done.length, firstMs: at(0), p50Ms: at(0.5), p99Ms: at(0.99), lastMs: at(1) };
  } finally {
    await watchPool.close();
    await op.close();
  }
}

// ---------------------------------------------------------------- fleet mix (driver mode)

/**
 * A minimal HTTP/1.1 keep-alive client on a raw socket: one request at a time, as an agent's
 * connection is used. It costs the driver a fraction of undici's CPU per request, which matters
 * here: the driver shares the two cores with the simulator it measures.
 */
class RawConn {
  private buf: Buffer | null = null;
  private done: ((status: number, body: string) => void) | null = null;
  private readonly socket: Socket;
  closed = false;

  constructor(port: number) {
    this.socket = connect({ port, host: '127.0.0.1', noDelay: true });
    this.socket.on('data', (d: Buffer) => this.onData(d));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      this.closed = true;
      const cb = this.done;
      this.done = null;
      cb?.(0, '');
    });
  }

  send(head: string, cb: (status: number, body: string) => void): void {
    if (this.closed) {
      cb(0, '');
      return;
    }
    this.done = cb;
    this.socket.write(head);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    const buf = this.buf === null ? d : Buffer.concat([this.buf, d]);
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) {
      this.buf = buf;
      return;
    }
    const head = buf.toString('latin1', 0, end).toLowerCase();
    const status = Number(head.slice(9, 12));
    if (head.includes('transfer-encoding: chunked')) throw new Error('bench client: chunked responses are not supported');
    const cl = head.indexOf('content-length:');
    const len = cl < 0 ? 0 : Number.parseInt(head.slice(cl + 15, head.indexOf('\r\n', cl) >>> 0), 10);
    if (buf.length < end + 4 + len) {
      this.buf = buf;
      return;
    }
    // One request at a time per connection: nothing can follow the body.
    this.buf = null;
    const cb = this.done;
    this.done = null;
    cb?.(status, buf.toString('utf8', end + 4, end + 4 + len));
  }
}

/** Connections for everything but watches, shared by the fleet like a VU's pool. */
class RawPool {
  private readonly idle: RawConn[] = [];
  private readonly queue: (() => void)[] = [];
  private open = 0;

  constructor(
    private readonly port: number,
    private readonly max: number,
  ) {}

  request(head: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve) => {
      const go = (): void => {
        const c = this.idle.pop() ?? new RawConn(this.port);
        c.send(head, (status, body) => {
          if (c.closed) this.open--;
          else this.idle.push(c);
          const next = this.queue.shift();
          if (next !== undefined) next();
          resolve({ status, body });
        });
      };
      if (this.idle.length > 0) go();
      else if (this.open < this.max) {
        this.open++;
        go();
      } else this.queue.push(go);
    });
  }

  close(): void {
    for (const c of this.idle) c.close();
  }
}

function httpHead(port: number, method: string, path: string, token: string, body?: string): string {
  const common = `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: keep-alive\r\nauthorization: Bearer ${token}\r\n`;
  if (body === undefined) return `${common}\r\n`;
  return `${common}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

type Kind =
  | 'register'
  | 'registration-wait'
  | 'lease'
  | 'watch'
  | 'status'
  | 'events'
  | 'bundle-create'
  | 'bundle-get'
  | 'cluster-get'
  | 'cluster-patch'
  | 'list-namespace'
  | 'list-cluster'
  | 'lease-fixed';

interface FleetConfig {
  agents: number;
  registrationRate: number;
  /** The whole run, registration included (the scenario's --duration). */
  seconds: number;
  /** Rollouts, the first 5 s after the last registration is due (the scenario's startAfterS 0), then every rolloutIntervalS. */
  rollouts: number;
  rolloutIntervalS: number;
  /** Lease PUTs per second of the fixed-rate steps after the mix, each fixedSeconds long. */
  fixedRates: number[];
  fixedSeconds: number;
}

interface FleetResult {
  label: string;
  seconds: number;
  requests: number;
  failed: number;
  cpuUser: number;
  cpuSystem: number;
  requestsPerCpuSecond: number;
  /** Client-side latency (ms) per request kind: count, P50, P99 (watches excluded: they wait by design). */
  latency: Record<string, { n: number; p50: number; p99: number }>;
  rollouts: { watchers: number; answered: number; p50Ms: number; p99Ms: number; lastMs: number }[];
  fixed: { rate: number; achieved: number; p50: number; p99: number; requestsPerCpuSecond: number }[];
  peakRssMiB: number;
  /** Per 10 s of the mix: requests answered per second and per CPU-second (where the CPU goes over the run). */
  windows: { fromS: number; perS: number; perCpuS: number }[];
}

const NAMESPACES = 4;
const REGIONS = ['eu-west', 'us-east', 'ap-south', 'sa-east'];
const TIERS = ['edge', 'store', 'factory'];

interface FleetAgent {
  i: number;
  ns: string;
  name: string;
  base: string;
  token: string;
  since: number;
  watch: RawConn | null;
  /** Bundle generations already applied. */
  applied: Map<string, number>;
  pending: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return Number((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0).toFixed(2));
}

function cpuParts(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** What the agent scenario sends as node reports (scenarios/lib/agent.ts), 3 nodes. */
function leaseBody(a: FleetAgent): string {
  return JSON.stringify({ nodes: nodeReports(a.name, 3) });
}

async function fleetRun(label: string, mainJs: string, cfg: FleetConfig): Promise<FleetResult> {
  const server = await launchSimulator(['--lease-duration', '40'], mainJs);
  const port = Number(new URL(server.url).port);
  const pool = new RawPool(port, Math.max(64, Math.ceil(cfg.agents / 2)));
  const lat = new Map<Kind, number[]>();
  let requests = 0;
  let failed = 0;
  let inflight = 0;
  let stopping = false;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, f: () => void): void => {
    if (stopping) return;
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopping) f();
    }, ms);
    timers.add(t);
  };
  const record = (kind: Kind, start: number, status: number): void => {
    requests++;
    if (status < 200 || status >= 300) failed++;
    if (kind === 'watch') return;
    let l = lat.get(kind);
    if (l === undefined) lat.set(kind, (l = []));
    l.push(performance.now() - start);
  };
  const call = async (kind: Kind, method: string, path: string, token: string, body?: string): Promise<{ status: number; body: string }> => {
    const start = performance.now();
    inflight++;
    const r = await pool.request(httpHead(port, method, path, token, body));
    inflight--;
    record(kind, start, r.status);
    return r;
  };

  const agents: FleetAgent[] = [];
  for (let i = 0; i < cfg.agents; i++) {
    const ns = `tenant-${String(i % NAMESPACES).padStart(3, '0')}`;
    const name = `edge-${String(i).padStart(7, '0')}`;
    agents.push({ i, ns, name, base: `/api/v1/namespaces/${ns}/clusters/${name}`, token: '', since: 0, watch: null, applied: new Map(), pending: 0 });
  }

  // Rollout bookkeeping: when each bundle generation was created, and the answers' delays.
  let rolloutStart = 0;
  let fanout: number[] = [];
  const rollouts: FleetResult['rollouts'] = [];

  const heartbeat = (a: FleetAgent): void => {
    void call('lease', 'PUT', `${a.base}/lease`, a.token, leaseBody(a)).then(() => later(10_000 * (0.75 + Math.random() * 0.5), () => heartbeat(a)));
  };
  const report = async (a: FleetAgent, bundle: string, generation: number): Promise<void> => {
    const now = Date.now();
    await call('status', 'PUT', `${a.base}/deployments/${bundle}/status`, a.token, JSON.stringify({ generation, state: 'Ready', appliedAt: now - 50, readyAt: now }));
    const message = `applied ${bundle} generation ${generation}`.padEnd(120, '.');
    await call('events', 'POST', `${a.base}/events`, a.token, JSON.stringify({ events: [{ type: 'Normal', reason: 'Applied', message, bundle }] }));
    if (--a.pending === 0) watch(a);
  };
  const watch = (a: FleetAgent): void => {
    if (stopping) return;
    const conn = (a.watch ??= new RawConn(port));
    const start = performance.now();
    conn.send(httpHead(port, 'GET', `${a.base}/deployments?watch=1&since=${a.since}&timeoutSeconds=30`, a.token), (status, body) => {
      record('watch', start, status);
      if (status !== 200 || stopping) return;
      const list = JSON.parse(body) as { revision: number; items: { bundle: string; generation: number }[] };
      a.since = list.revision;
      for (const d of list.items) {
        if ((a.applied.get(d.bundle) ?? 0) >= d.generation) continue;
        a.applied.set(d.bundle, d.generation);
        if (rolloutStart > 0) fanout.push(performance.now() - rolloutStart);
        a.pending++;
        later(20 + Math.random() * 180, () => void report(a, d.bundle, d.generation));
      }
      if (a.pending === 0) watch(a);
    });
  };
  const register = async (a: FleetAgent): Promise<void> => {
    const labels = { region: REGIONS[a.i % 4] as string, tier: TIERS[Math.floor(a.i / 4) % 3] as string };
    const r = await call('register', 'POST', '/api/v1/registrations', REG_TOKEN, JSON.stringify({ clusterName: a.name, namespace: a.ns, labels, requestedAt: Date.now() }));
    if (r.status !== 202) return;
    const id = (JSON.parse(r.body) as { id: string }).id;
    for (let k = 0; k < 10 && !stopping; k++) {
      const w = await call('registration-wait', 'GET', `/api/v1/registrations/${id}?waitSeconds=10`, REG_TOKEN);
      if (w.status !== 200) return;
      const st = JSON.parse(w.body) as { credentials?: { token: string } };
      if (st.credentials !== undefined) {
        a.token = st.credentials.token;
        registered = Math.max(registered, a.i + 1);
        later(Math.random() * 10_000, () => heartbeat(a));
        watch(a);
        return;
      }
    }
  };
  // Operator calls name registered clusters (agents register in index order), so they are not 404s.
  let registered = 0;
  const randomAgent = (): FleetAgent => agents[Math.floor(Math.random() * Math.max(1, registered))] as FleetAgent;
  const listAll = async (kind: Kind, path: string): Promise<void> => {
    let cont: string | undefined;
    for (let page = 0; page < 1000 && !stopping; page++) {
      const r = await call(kind, 'GET', `${path}?limit=500${cont === undefined ? '' : `&continue=${cont}`}`, OP_TOKEN);
      cont = r.status === 200 ? (JSON.parse(r.body) as { continue?: string }).continue : undefined;
      if (cont === undefined) return;
    }
  };
  /** Open-loop arrivals of `f` at `perS` per second until the run stops. */
  const arrivals = (perS: number, f: () => Promise<unknown>): void => {
    later((-Math.log(1 - Math.random()) / perS) * 1000, () => {
      void f();
      arrivals(perS, f);
    });
  };
  const rollout = async (k: number): Promise<void> => {
    fanout = [];
    rolloutStart = performance.now();
    const spaces = Array.from({ length: NAMESPACES }, (_, n) => `tenant-${String(n).padStart(3, '0')}`);
    for (const ns of spaces) await call('bundle-create', 'POST', `/api/v1/namespaces/${ns}/bundles`, OP_TOKEN, JSON.stringify({ name: 'bench-rollout', selector: '', payloadBytes: 4096 }));
    const until = performance.now() + cfg.rolloutIntervalS * 1000 - 500;
    while (!stopping && performance.now() < until) {
      await new Promise((r) => setTimeout(r, 1000));
      let desired = 0;
      let ready = 0;
      for (const ns of spaces) {
        const r = await call('bundle-get', 'GET', `/api/v1/namespaces/${ns}/bundles/bench-rollout`, OP_TOKEN);
        if (r.status !== 200) continue;
        const b = JSON.parse(r.body) as { desired: number; ready: number };
        desired += b.desired;
        ready += b.ready;
      }
      if (ready >= desired) break;
    }
    const sorted = [...fanout].sort((x, y) => x - y);
    rollouts.push({ watchers: agents.length, answered: sorted.length, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), lastMs: quantile(sorted, 1) });
    if (k < 0) throw new Error('unreachable');
  };

  try {
    // Warm-up outside the measurement: a few requests so the JIT has seen the routes once.
    for (let i = 0; i < 50; i++) await pool.request(httpHead(port, 'GET', '/api/v1/clusters?limit=1', OP_TOKEN));
    const cpu0 = cpuParts(server.pid);
    const t0 = performance.now();
    const regSeconds = cfg.agents / cfg.registrationRate;
    const endMs = cfg.seconds * 1000;
    // Registrations in 5 ms ticks, open loop.
    let next = 0;
    const regTick = (): void => {
      const due = Math.min(agents.length, Math.floor(((performance.now() - t0) / 1000) * cfg.registrationRate) + 1);
      while (next < due) void register(agents[next++] as FleetAgent);
      if (next < agents.length) later(5, regTick);
    };
    regTick();
    arrivals(5, () => call('cluster-get', 'GET', randomAgent().base, OP_TOKEN));
    arrivals(2, () => call('cluster-patch', 'PATCH', randomAgent().base, OP_TOKEN, JSON.stringify({ labels: { 'fleetload.dev/touched': String(Date.now()) } })));
    arrivals(1, () => listAll('list-namespace', `/api/v1/namespaces/${randomAgent().ns}/clusters`));
    arrivals(0.2, () => listAll('list-cluster', '/api/v1/clusters'));
    let k = 0;
    const rolloutLoop = (): void => {
      void rollout(k++);
      if (k < cfg.rollouts) later(cfg.rolloutIntervalS * 1000, rolloutLoop);
    };
    if (cfg.rollouts > 0) later(regSeconds * 1000 + 5000, rolloutLoop);
    const windows: FleetResult['windows'] = [];
    let last = { t: t0, cpu: cpu0.user + cpu0.system, requests: 0 };
    const sampler = setInterval(() => {
      const c = cpuParts(server.pid);
      const now = { t: performance.now(), cpu: c.user + c.system, requests };
      const dt = (now.t - last.t) / 1000;
      windows.push({ fromS: Math.round((last.t - t0) / 1000), perS: Math.round((now.requests - last.requests) / dt), perCpuS: Math.round((now.requests - last.requests) / Math.max(0.01, now.cpu - last.cpu)) });
      last = now;
    }, 10_000);
    await new Promise((r) => setTimeout(r, endMs));
    clearInterval(sampler);
    stopping = true;
    for (const t of timers) clearTimeout(t);
    // Requests in flight finish inside the window; parked watches do no work and stay out.
    const drainUntil = performance.now() + 30_000;
    while (inflight > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 5));
    const cpu1 = cpuParts(server.pid);
    const seconds = (performance.now() - t0) / 1000;

    // Fixed-rate lease steps: latency at given rates, each with its own CPU window.
    const ready = agents.filter((a) => a.token !== '');
    const fixed: FleetResult['fixed'] = [];
    for (const rate of cfg.fixedRates) {
      const fixedLat: number[] = [];
      const f0 = cpuParts(server.pid);
      const ft0 = performance.now();
      const total = Math.round(rate * cfg.fixedSeconds);
      let sent = 0;
      let fixedInflight = 0;
      while (sent < total && ready.length > 0 && performance.now() - ft0 < cfg.fixedSeconds * 2000) {
        const due = Math.min(total, Math.floor(((performance.now() - ft0) / 1000) * rate) + 1);
        while (sent < due) {
          const a = ready[sent % ready.length] as FleetAgent;
          sent++;
          const start = performance.now();
          fixedInflight++;
          void pool.request(httpHead(port, 'PUT', `${a.base}/lease`, a.token, leaseBody(a))).then((r) => {
            fixedInflight--;
            if (r.status !== 200) failed++;
            fixedLat.push(performance.now() - start);
          });
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      while (fixedInflight > 0 && performance.now() - ft0 < cfg.fixedSeconds * 4000) await new Promise((r) => setTimeout(r, 5));
      const f1 = cpuParts(server.pid);
      const fWall = (performance.now() - ft0) / 1000;
      fixedLat.sort((x, y) => x - y);
      const fixedCpu = f1.user + f1.system - f0.user - f0.system;
      fixed.push({
        rate,
        achieved: Math.round(fixedLat.length / fWall),
        p50: quantile(fixedLat, 0.5),
        p99: quantile(fixedLat, 0.99),
        requestsPerCpuSecond: Math.round(fixedLat.length / Math.max(0.01, fixedCpu)),
      });
    }

    const latency: FleetResult['latency'] = {};
    for (const [kind, l] of [...lat.entries()].sort(([x], [y]) => x.localeCompare(y))) {
      l.sort((x, y) => x - y);
      latency[kind] = { n: l.length, p50: quantile(l, 0.5), p99: quantile(l, 0.99) };
    }
    const cpuUser = cpu1.user - cpu0.user;
    const cpuSystem = cpu1.system - cpu0.system;
    return {
      label,
      seconds: Number(seconds.toFixed(1)),
      requests,
      failed,
      cpuUser: Number(cpuUser.toFixed(2)),
      cpuSystem: Number(cpuSystem.toFixed(2)),
      requestsPerCpuSecond: Math.round(requests / (cpuUser + cpuSystem)),
      latency,
      rollouts,
      fixed,
      peakRssMiB: Math.round(peakRss(server.pid) / 2 ** 20),
      windows,
    };
  } finally {
    stopping = true;
    for (const t of timers) clearTimeout(t);
    for (const a of agents) a.watch?.close();
    pool.close();
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
  }
}

function fleetLine(r: FleetResult): string {
  const l = (k: string): string => {
    const x = r.latency[k];
    return x === undefined ? '-' : `${x.p99}`;
  };
  const ro = r.rollouts.map((x) => `${x.answered}/${x.watchers} in ${x.lastMs} ms`).join(', ');
  return (
    `${r.label.padEnd(6)} ${String(r.requests).padStart(7)} req in ${r.seconds} s (${r.failed} failed), simulator CPU ${r.cpuUser} user + ${r.cpuSystem} sys` +
    ` = ${r.requestsPerCpuSecond} req/CPU-s; client P99 ms: lease ${l('lease')}, status ${l('status')}, events ${l('events')}, register ${l('register')}, cluster-get ${l('cluster-get')}, list-namespace ${l('list-namespace')};` +
    ` rollouts ${ro}; ${r.fixed.map((f) => `fixed ${f.rate}/s lease: achieved ${f.achieved}/s, P50 ${f.p50} ms, P99 ${f.p99} ms, ${f.requestsPerCpuSecond} req/CPU-s`).join('; ')}; peak RSS ${r.peakRssMiB} MiB`
  );
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function fleetMain(): Promise<void> {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i < 0 ? undefined : process.argv[i + 1];
  };
  const before = arg('--before');
  const rounds = Number(arg('--rounds') ?? (before === undefined ? 1 : 2));
  // The defaults are `npm run scale -- --clusters 10000` (k6.config.ts base): 500 registrations/s,
  // one rollout, 60 s; --quick is a fifth of the fleet for half the time.
  const cfg: FleetConfig = {
    agents: Number(arg('--agents') ?? (quick ? 2000 : 10_000)),
    registrationRate: 500,
    seconds: Number(arg('--seconds') ?? (quick ? 30 : 60)),
    rollouts: Number(arg('--rollouts') ?? 1),
    rolloutIntervalS: 15,
    fixedRates: (arg('--fixed-rate') ?? '3000').split(',').map(Number),
    fixedSeconds: Number(arg('--fixed-seconds') ?? 5),
  };
  await buildNode(root, ['simulator/main.ts']);
  const sides: { label: string; mainJs: string }[] = [{ label: 'after', mainJs: join(root, 'dist/node/simulator/main.js') }];
  if (before !== undefined) {
    // Build the other tree's simulator with its own sources (it needs node_modules, e.g. a symlink).
    if (!existsSync(join(before, 'simulator/main.ts'))) throw new Error(`--before ${before}: no simulator/main.ts there`);
    await buildNode(before, ['simulator/main.ts']);
    sides.unshift({ label: 'before', mainJs: join(before, 'dist/node/simulator/main.js') });
  }
  process.stdout.write(
    `# fleet mix: ${cfg.agents} agents registering at ${cfg.registrationRate}/s, ${cfg.seconds} s in all (lease every 10 s with 3 nodes, watches, ${cfg.rollouts} rollout(s) of 4 KiB to every cluster, operator API); then ${cfg.fixedRates.join(', ')} leases/s for ${cfg.fixedSeconds} s each; ${rounds} round(s)\n`,
  );
  const results = new Map<string, FleetResult[]>();
  for (let round = 0; round < rounds; round++) {
    // Alternate the order (ABBA...) so a machine that warms up or slows down over time favours neither side.
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const r = await fleetRun(side.label, side.mainJs, cfg);
      process.stdout.write(`${fleetLine(r)}\n`);
      process.stdout.write(`  ${JSON.stringify(r.latency)}\n`);
      process.stdout.write(`  per 10 s: ${r.windows.map((w) => `${w.fromS}s ${w.perS}/s ${w.perCpuS}/CPU-s`).join(', ')}\n`);
      const list = results.get(side.label) ?? [];
      list.push(r);
      results.set(side.label, list);
    }
  }
  const summary: Record<string, { requestsPerCpuSecond: number; leaseP99Ms: number; rolloutLastMs: number; fixed: { rate: number; p50Ms: number; p99Ms: number; requestsPerCpuSecond: number }[] }> = {};
  for (const [label, rs] of results) {
    summary[label] = {
      requestsPerCpuSecond: Math.round(median(rs.map((r) => r.requestsPerCpuSecond))),
      leaseP99Ms: median(rs.map((r) => r.latency.lease?.p99 ?? 0)),
      rolloutLastMs: median(rs.flatMap((r) => r.rollouts.map((x) => x.lastMs))),
      fixed: cfg.fixedRates.map((rate, i) => ({
        rate,
        p50Ms: median(rs.map((r) => r.fixed[i]?.p50 ?? 0)),
        p99Ms: median(rs.map((r) => r.fixed[i]?.p99 ?? 0)),
        requestsPerCpuSecond: Math.round(median(rs.map((r) => r.fixed[i]?.requestsPerCpuSecond ?? 0))),
      })),
    };
  }
  process.stdout.write(`## medians\n${JSON.stringify(summary, null, 1)}\n`);
  const b = summary.before;
  const a = summary.after;
  if (b !== undefined && a !== undefined)
    process.stdout.write(
      `after/before: ${(a.requestsPerCpuSecond / b.requestsPerCpuSecond).toFixed(2)}x requests per CPU-second (fleet mix)${a.fixed.map((f, i) => `, ${(f.requestsPerCpuSecond / (b.fixed[i]?.requestsPerCpuSecond ?? 1)).toFixed(2)}x at ${f.rate} leases/s`).join('')}\n`,
    );
}

async function main(): Promise<void> {
  for (const [flag, viaApi] of [['--memory-child', false], ['--memory-child-api', true]] as const) {
    const i = process.argv.indexOf(flag);
    if (i >= 0) {
      await memoryChild(Number(process.argv[i + 1]), viaApi, Number(process.argv[i + 2] ?? 0));
      return;
    }
  }
  if (process.argv.includes('--fleet')) {
    await fleetMain();
    return;
  }
  const clusters = quick ? 2000 : 10_000;
  process.stdout.write(`# fleetload simulator benchmark (${quick ? 'quick' : 'full'})\n`);

  process.stdout.write('## memory per registered cluster (fresh process each; heap after forced GC)\n');
  const memoryRuns: [number, boolean, number][] = quick
    ? [[10_000, false, 0]]
    : [
        [10_000, false, 0],
        [100_000, false, 0],
        [100_000, false, 3],
        [10_000, true, 0],
      ];
  for (const [n, viaApi, nodes] of memoryRuns) {
    const m = await runMemory(n, viaApi, nodes);
    process.stdout.write(
      `${n} clusters via ${viaApi ? 'the API' : 'the INTERNAL BULK PATH'}${nodes > 0 ? ` with ${nodes}-node health each` : ''}: heap ${Math.round(m.heapBytesPerCluster)} B/cluster, rss ${Math.round(m.rssBytesPerCluster)} B/cluster (created in ${m.bulkSeconds.toFixed(2)} s)\n`,
    );
  }

  await buildNode(root, ['simulator/main.ts']);
  const server = await launchSimulator(['--lease-duration', '40']);
  const pool = new Pool(server.url, { connections: 64, pipelining: 1, keepAliveTimeout: 60_000 });
  try {
    process.stdout.write(`## registration through the API (${clusters} clusters, defaults: 8 workers x 2 ms)\n`);
    const rssIdle = rssBytes(server.pid);
    const { agents, seconds } = await registerAll(pool, clusters, 256);
    const rssAfter = rssBytes(server.pid);
    process.stdout.write(
      `${clusters} registrations Ready in ${seconds.toFixed(2)} s = ${Math.round(clusters / seconds)}/s; simulator RSS ${(rssIdle / 1048576).toFixed(1)} -> ${(rssAfter / 1048576).toFixed(1)} MiB (${Math.round((rssAfter - rssIdle) / clusters)} B/cluster incl. uncollected garbage)\n`,
    );

    process.stdout.write(`## 1,000 heartbeats/s over ${clusters} clusters\n`);
    await heartbeatStep(server, pool, agents, 500, 2); // warm-up (JIT, connections)
    const base = await heartbeatStep(server, pool, agents, 1000, quick ? 5 : 10);
    process.stdout.write(`${JSON.stringify(base)}\n`);

    process.stdout.write('## highest heartbeat rate with server-side P99 <= 50 ms (open loop, 5 s steps)\n');
    let best: StepResult | null = null;
    for (const rate of [2000, 4000, 8000, 12000, 16000, 20000, 25000, 30000]) {
      const r = await heartbeatStep(server, pool, agents, rate, quick ? 3 : 5);
      process.stdout.write(`${JSON.stringify(r)}\n`);
      if (r.serverP99ms > 50 || r.errors > 0) break;
      if (r.driverLagging) {
        // The driver shares the cores: past this point the simulator was not the limit.
        process.stdout.write('(the driver, on the same cores, could not keep up: the figure below is a lower bound)\n');
        break;
      }
      best = r;
    }
    process.stdout.write(
      best === null ? 'no step above 1,000/s held P99 < 50 ms\n' : `sustained ${best.achievedRate} heartbeats/s with server-side P99 <= ${best.serverP99ms} ms (client-side P99 ${best.clientP99ms} ms) at ${best.simulatorCpuShare} cores\n`,
    );
    process.stdout.write(`## rollout fan-out: ${WATCHERS} parked watches, one bundle selecting all\n`);
    const f = await rolloutFanout(server, agents.slice(0, WATCHERS));
    process.stdout.write(`${JSON.stringify(f)}\n`);
  } finally {
    await pool.close();
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
  }

  // The figure the "headroom" goal is about, for this build alone (`--fleet --before DIR` compares).
  await fleetMain();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

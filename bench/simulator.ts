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
// Every loop is bounded in count and time; all traffic goes to 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

async function launchSimulator(args: string[]): Promise<Server> {
  const child = spawn(process.execPath, [join(root, 'dist/node/simulator/main.js'), '--port', '0', ...args], {
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

async function main(): Promise<void> {
  for (const [flag, viaApi] of [['--memory-child', false], ['--memory-child-api', true]] as const) {
    const i = process.argv.indexOf(flag);
    if (i >= 0) {
      await memoryChild(Number(process.argv[i + 1]), viaApi, Number(process.argv[i + 2] ?? 0));
      return;
    }
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
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

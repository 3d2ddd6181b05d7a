// The two ways to get Kubernetes watch events into real k6 as they happen, measured side by side
// against a real kube-apiserver (npm run kube:build): k6/websockets (what scenarios/lib/kube uses)
// and a small xk6 extension of ours (bench/k6-watch-ext, k6/x/kubewatch) that streams the chunked
// JSON watch as client-go does, over HTTP/2 (and, as a control, forced to HTTP/1.1).
// Per watch count: N watches with distinct fieldSelectors in one VU, while this process patches
// pods at a fixed rate with the send time (ms) in an annotation; k6 records now − that time per
// event. Both scripts run on the same k6 binary (k6 v1.8.1 + the extension; k6/websockets is built
// in), built with the project's xk6 into .cache/k6-watch-ext/<key>/ (never the pinned k6 cache).
//   npx tsx bench/watch-delivery.ts [--sizes 200,1000] [--rate 200] [--duration 30] [--variants ws,ext-h2,ext-h1]
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPin } from '../runner/k6/pin';
import { ROOT } from '../test/helpers/cli';
import { kubeBinaries, startKubeApiServer, type KubeApiServer } from '../test/helpers/kube';
import { processCpuSeconds } from '../runner/health/proc';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const sizes = arg('sizes', '200,1000').split(',').map(Number);
const rate = Number(arg('rate', '200'));
const durationS = Number(arg('duration', '30'));
const VARIANTS = ['ws', 'ext-h2', 'ext-h1'] as const;
type Variant = (typeof VARIANTS)[number];
const variants = arg('variants', VARIANTS.join(',')).split(',') as Variant[];
for (const v of variants) if (!VARIANTS.includes(v)) throw new Error(`unknown variant ${v}; known: ${VARIANTS.join(', ')}`);

const EXT_DIR = join(ROOT, 'bench', 'k6-watch-ext');
const EXT_MODULE = 'github.com/fleetload/k6-watch-ext';
const ANNOTATION = 'fleetload.dev/sent-ms';
const NS = 'watch-delivery';
/** Bounds: establishing the watches, the whole k6 run, and the in-flight patches. */
const WATCHES_UP_TIMEOUT_MS = 120_000;
const K6_DEADLINE_S = WATCHES_UP_TIMEOUT_MS / 1000 + durationS + 30;
const MAX_INFLIGHT = 100;
const IDLE_MS = 3000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---- the k6 binary with the extension ----

/** Builds k6 + the extension once per (pin, extension source); returns the binary and how long the build took (null: cached). */
function buildK6WithExtension(): { bin: string; buildS: number | null } {
  const pin = readPin(ROOT);
  const h = createHash('sha256').update(`${pin.xk6} ${pin.k6}\n`);
  for (const f of readdirSync(EXT_DIR).filter((f) => /\.(go|mod|sum)$/.test(f)).sort()) h.update(f).update(readFileSync(join(EXT_DIR, f)));
  const dir = join(ROOT, '.cache', 'k6-watch-ext', h.digest('hex').slice(0, 12));
  const bin = join(dir, 'k6');
  if (existsSync(bin)) return { bin, buildS: null };
  const xk6 = join(ROOT, '.cache', 'xk6', pin.xk6, 'xk6');
  if (!existsSync(xk6)) throw new Error(`no ${xk6}: run npm run k6:build first (it builds xk6)`);
  mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  // Same Go environment as scripts/k6-build.ts (efa has no sumdb entry); nice, since others share the machine.
  const env = { ...process.env, GOFLAGS: '-mod=mod', GONOSUMDB: [process.env.GONOSUMDB, 'github.com/szkiba'].filter(Boolean).join(',') };
  const res = spawnSync('nice', ['-n', '19', xk6, 'build', pin.k6, '--with', `${EXT_MODULE}=${EXT_DIR}`, '--output', `${bin}.partial`], { cwd: dir, env, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`xk6 build failed (exit ${res.status}):\n${(res.stderr || res.stdout).trim().split('\n').slice(-30).join('\n')}`);
  renameSync(`${bin}.partial`, bin);
  return { bin, buildS: (Date.now() - t0) / 1000 };
}

// ---- the two k6 scripts: same shape, only the way a watch is opened differs ----

const COMMON = `
import { Counter, Trend } from 'k6/metrics';
import { clearTimeout, setTimeout } from 'k6/timers';
const E = __ENV;
const N = Number(E.WATCHES), TOTAL = Number(E.TOTAL);
export const options = {
  scenarios: { watch: { executor: 'shared-iterations', vus: 1, iterations: 1, maxDuration: (Number(E.DEADLINE_S) + 30) + 's' } },
  summaryTrendStats: ['p(50)', 'p(99)', 'max', 'count'],
};
const latency = new Trend('watch_delivery', true);
const errors = new Counter('watch_errors');
const other = new Counter('watch_other_events');
function watchUrl(i) {
  return E.BASE + '/api/v1/namespaces/' + E.NS + '/pods?fieldSelector=spec.nodeName%3Dnode-' + i + '&resourceVersion=' + E.RV + '&timeoutSeconds=900&watch=true';
}
export default function () {
  const watches = [];
  let seen = 0, done = false, timer;
  const finish = () => { if (done) return; done = true; clearTimeout(timer); for (const w of watches) w.close(); };
  // Ends on the last expected event, so a clean run stops at once; the deadline bounds a lossy one.
  timer = setTimeout(finish, Number(E.DEADLINE_S) * 1000);
  const onText = (text) => {
    const ev = JSON.parse(text);
    if (ev.type !== 'MODIFIED') { other.add(1); return; }
    latency.add(Date.now() - Number(ev.object.metadata.annotations['${ANNOTATION}']));
    if (++seen >= TOTAL) finish();
  };
  for (let i = 0; i < N; i++) watches.push(open(watchUrl(i), onText));
}
export function handleSummary(data) { return { [E.SUMMARY]: JSON.stringify(data) }; }
`;

const SCRIPTS: Record<Variant, string> = {
  // The CA comes from SSL_CERT_FILE: k6/websockets has no per-socket CA option.
  ws: `import { WebSocket } from 'k6/websockets';
function open(url, onText) {
  const ws = new WebSocket(url.replace(/^https:/, 'wss:'), null, { headers: { Authorization: 'Bearer ' + __ENV.TOKEN, Origin: __ENV.BASE } });
  ws.onmessage = (e) => onText(e.data);
  ws.onerror = () => errors.add(1);
  return ws;
}
${COMMON}`,
  'ext-h2': `import { Watch } from 'k6/x/kubewatch';
function open(url, onText) {
  return new Watch(url, { headers: { Authorization: 'Bearer ' + __ENV.TOKEN }, caFile: __ENV.CA_FILE, http1: __ENV.HTTP1 === '1' }, onText, (err) => { if (err) errors.add(1); });
}
${COMMON}`,
  'ext-h1': '',
};
SCRIPTS['ext-h1'] = SCRIPTS['ext-h2'];

// ---- /proc readings of the k6 process ----

function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Established TCP connections from `pid` to the API server's port: the pid's socket inodes matched in the netns's TCP tables. */
function connectionsTo(pid: number, port: number): number {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      } catch {
        // Closed meanwhile.
      }
    }
  } catch {
    return 0;
  }
  let n = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '01') continue;
      if (parseInt(f[2]!.split(':')[1]!, 16) === port && inodes.has(f[9]!)) n++;
    }
  }
  return n;
}

// ---- the API server side ----

async function kubeCall(kube: KubeApiServer, method: 'PATCH' | 'POST', path: string, body: unknown, contentType: string): Promise<number> {
  const res = await kube.dispatcher.request({ origin: kube.url, path, method, headers: { authorization: `Bearer ${kube.adminToken}`, 'content-type': contentType }, body: JSON.stringify(body) });
  await res.body.text();
  return res.statusCode;
}

async function inBatches(n: number, width: number, f: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await f(next++);
  }));
}

/** One pod per watch, each bound to its own node so that a fieldSelector picks exactly one. */
async function createPods(kube: KubeApiServer, n: number): Promise<void> {
  const ok = (s: number, what: string): void => {
    if (s !== 201 && s !== 409) throw new Error(`${what}: HTTP ${s}`);
  };
  ok(await kubeCall(kube, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, 'application/json'), 'namespace');
  // The ServiceAccount admission plugin refuses pods without it, and no controller-manager makes it.
  ok(await kubeCall(kube, 'POST', `/api/v1/namespaces/${NS}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }, 'application/json'), 'serviceaccount');
  await inBatches(n, 32, async (i) => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}` }, spec: { nodeName: `node-${i}`, automountServiceAccountToken: false, containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] } };
    ok(await kubeCall(kube, 'POST', `/api/v1/namespaces/${NS}/pods`, pod, 'application/json'), `pod p-${i}`);
  });
}

/** Open pod watches as the API server counts them (its own long-running request gauge). */
async function podWatches(kube: KubeApiServer): Promise<number> {
  const res = await kube.request('GET', '/metrics');
  let n = 0;
  for (const line of res.text.split('\n')) {
    if (line.startsWith('apiserver_longrunning_requests{') && line.includes('resource="pods"') && line.includes('verb="WATCH"')) n += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return n;
}

// ---- one run ----

interface RunResult {
  variant: Variant;
  watches: number;
  sent: number;
  patchFailures: number;
  delivered: number;
  other: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  setupCpuS: number;
  setupWallS: number;
  /** CPU share of one core with every watch open and no events: what holding the watches costs. */
  idleCpuPct: number;
  streamCpuS: number;
  peakRssMiB: number;
  connections: number;
  exit: number | null;
  note: string;
}

async function runOne(kube: KubeApiServer, k6: string, variant: Variant, n: number): Promise<RunResult> {
  const port = Number(new URL(kube.url).port);
  const dir = mkdtempSync(join(tmpdir(), 'fleetload-watch-delivery-'));
  const total = rate * durationS;
  try {
    const baseline = await podWatches(kube);
    const list = await kube.request('GET', `/api/v1/namespaces/${NS}/pods?limit=1`);
    const rv = list.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
    const script = join(dir, `${variant}.js`);
    const summary = join(dir, 'summary.json');
    writeFileSync(script, SCRIPTS[variant]);
    const env = {
      ...process.env,
      K6_NO_USAGE_REPORT: 'true',
      SSL_CERT_FILE: kube.caFile,
      BASE: kube.url,
      TOKEN: kube.adminToken,
      CA_FILE: kube.caFile,
      HTTP1: variant === 'ext-h1' ? '1' : '0',
      NS,
      RV: rv,
      WATCHES: String(n),
      TOTAL: String(total),
      DEADLINE_S: String(K6_DEADLINE_S),
      SUMMARY: summary,
    };
    const t0 = Date.now();
    // Port 0 for k6's REST API: the default 6565 may be taken by someone else's k6 on this machine.
    const child = spawn(k6, ['run', '--quiet', '--no-color', '--address', '127.0.0.1:0', script], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let running = true;
    void exited.then(() => (running = false));
    const pid = child.pid!;
    let peakRss = 0;
    let peakConns = 0;
    let lastCpu = 0;
    const sample = (): void => {
      peakRss = Math.max(peakRss, rssBytes(pid));
      peakConns = Math.max(peakConns, connectionsTo(pid, port));
      lastCpu = processCpuSeconds(pid) ?? lastCpu;
    };
    const sampler = setInterval(sample, 500);
    const killTimer = setTimeout(() => child.kill('SIGKILL'), (K6_DEADLINE_S + 60) * 1000);
    let note = '';
    let sent = 0;
    let patchFailures = 0;
    let setupCpuS = NaN;
    let setupWallS = NaN;
    let streamCpuS = NaN;
    let idleCpuPct = NaN;
    try {
      for (;;) {
        if (!running) throw new Error(`k6 exited before its watches were up:\n${stderr}`);
        if ((await podWatches(kube)) - baseline >= n) break;
        if (Date.now() - t0 > WATCHES_UP_TIMEOUT_MS) throw new Error(`only ${(await podWatches(kube)) - baseline}/${n} watches up after ${WATCHES_UP_TIMEOUT_MS} ms`);
        await sleep(200);
      }
      sample();
      setupCpuS = lastCpu;
      setupWallS = (Date.now() - t0) / 1000;
      const idleFrom = performance.now();
      await sleep(IDLE_MS);
      sample();
      idleCpuPct = ((lastCpu - setupCpuS) / ((performance.now() - idleFrom) / 1000)) * 100;
      const streamFrom = lastCpu;
      // Paced by the clock, not by responses: a slow server shows as lateness, not as a lower rate.
      const start = performance.now();
      let inflight = 0;
      const pending = new Set<Promise<void>>();
      for (let i = 0; i < total; i++) {
        const wait = start + (i * 1000) / rate - performance.now();
        if (wait > 1) await sleep(wait);
        while (inflight >= MAX_INFLIGHT) await Promise.race(pending);
        inflight++;
        const body = { metadata: { annotations: { [ANNOTATION]: String(Date.now()) } } };
        const p: Promise<void> = kubeCall(kube, 'PATCH', `/api/v1/namespaces/${NS}/pods/p-${i % n}`, body, 'application/merge-patch+json')
          .then((s) => {
            if (s !== 200) patchFailures++;
          })
          .catch(() => {
            patchFailures++;
          })
          .finally(() => {
            inflight--;
            pending.delete(p);
          });
        pending.add(p);
        sent++;
      }
      await Promise.all(pending);
      // A second for the last events to arrive: the CPU of delivering them, not of shutting down.
      await sleep(1000);
      sample();
      streamCpuS = lastCpu - streamFrom;
    } catch (err) {
      note = err instanceof Error ? err.message : String(err);
      child.kill('SIGTERM');
    }
    const exit = await exited;
    clearTimeout(killTimer);
    clearInterval(sampler);
    let delivered = 0;
    let other = 0;
    let errors = 0;
    let p50 = NaN;
    let p99 = NaN;
    let max = NaN;
    if (existsSync(summary)) {
      const m = (JSON.parse(readFileSync(summary, 'utf8')) as { metrics: Record<string, { values: Record<string, number> } | undefined> }).metrics;
      const lat = m.watch_delivery?.values;
      delivered = lat?.count ?? 0;
      p50 = lat?.['p(50)'] ?? NaN;
      p99 = lat?.['p(99)'] ?? NaN;
      max = lat?.max ?? NaN;
      other = m.watch_other_events?.values.count ?? 0;
      errors = m.watch_errors?.values.count ?? 0;
    } else if (note === '') {
      note = `no summary (exit ${exit}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`;
    }
    return { variant, watches: n, sent, patchFailures, delivered, other, errors, p50, p99, max, setupCpuS, setupWallS, idleCpuPct, streamCpuS, peakRssMiB: peakRss / 2 ** 20, connections: peakConns, exit, note };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- main ----

if (!kubeBinaries()) {
  process.stderr.write('no kube-apiserver build: run npm run kube:build first\n');
  process.exit(2);
}
const tb = Date.now();
const { bin: k6, buildS } = buildK6WithExtension();
process.stdout.write(`k6 + k6/x/kubewatch: ${k6} (${buildS === null ? `cached, checked in ${Date.now() - tb} ms` : `built in ${buildS.toFixed(1)} s`})\n`);
process.stdout.write(`${spawnSync(k6, ['version'], { encoding: 'utf8' }).stdout.trim()}\n`);

const LABEL: Record<Variant, string> = { ws: 'k6/websockets', 'ext-h2': 'kubewatch (h2)', 'ext-h1': 'kubewatch (h1.1)' };
const results: RunResult[] = [];
for (const n of sizes) {
  // A fresh API server per watch count; the variants share it, each watching from a fresh resourceVersion.
  const kube = await startKubeApiServer();
  try {
    await createPods(kube, n);
    for (const v of variants) {
      // The last run's watches must be gone from the server's gauge before the next one counts its own.
      const gone = Date.now() + 15_000;
      while ((await podWatches(kube)) > 0 && Date.now() < gone) await sleep(200);
      const r = await runOne(kube, k6, v, n);
      results.push(r);
      process.stdout.write(`${n} watches, ${LABEL[v]}: delivered ${r.delivered}/${r.sent}, P50 ${r.p50.toFixed(0)} ms, P99 ${r.p99.toFixed(0)} ms, CPU ${r.streamCpuS.toFixed(2)} s streaming + ${r.setupCpuS.toFixed(2)} s setup (${r.setupWallS.toFixed(1)} s), idle ${r.idleCpuPct.toFixed(1)} %, peak RSS ${r.peakRssMiB.toFixed(0)} MiB, ${r.connections} TCP${r.note ? `; ${r.note}` : ''}\n`);
    }
  } finally {
    await kube.stop();
  }
}

const head = ['watches', 'client', 'delivered', 'P50 ms', 'P99 ms', 'max ms', 'CPU-s/1k events', 'setup CPU-s (wall s)', 'idle CPU %', 'peak RSS MiB', 'TCP conns', 'errors'];
const rows = results.map((r) => [
  String(r.watches),
  LABEL[r.variant],
  `${r.delivered}/${r.sent}${r.patchFailures ? ` (${r.patchFailures} patches failed)` : ''}`,
  r.p50.toFixed(0),
  r.p99.toFixed(0),
  r.max.toFixed(0),
  r.delivered > 0 ? ((r.streamCpuS / r.delivered) * 1000).toFixed(3) : '-',
  `${r.setupCpuS.toFixed(2)} (${r.setupWallS.toFixed(1)})`,
  r.idleCpuPct.toFixed(1),
  r.peakRssMiB.toFixed(0),
  String(r.connections),
  String(r.errors + (r.note ? 1 : 0)),
]);
const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`;
process.stdout.write(`\n${rate} events/s for ${durationS} s, one event per patch, each to exactly one watch; k6 ${readPin(ROOT).k6}, 1 VU\n`);
process.stdout.write(`${[line(head), line(width.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`);
for (const r of results) if (r.note) process.stdout.write(`note (${r.watches}, ${LABEL[r.variant]}): ${r.note}\n`);
process.exit(results.some((r) => r.delivered === 0) ? 1 : 0);

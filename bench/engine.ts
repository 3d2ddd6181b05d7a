// Benchmark of the embedded engine (run: npx tsx bench/engine.ts; not a vitest test).
//  1. side by side with real k6: the same trivial loop (50 VUs looping http.asyncRequest against
//     a loopback server in another process), each engine as its own process from its CLI, in
//     alternating rounds; requests per CPU-second of each process (its user + system time, all
//     threads), the ratio, and peak RSS. The engine runs with 1 worker (as the runner runs it on
//     up to 2 cores) and with its CLI default (a worker per core);
//  2. in process: requests per CPU-second with a sink that counts, and one that serialises every
//     line as `--out json` does;
//  3. memory per idle VU at 1,000 and 10,000 VUs (heap + external after GC, and RSS).
// Every load loop is bounded: a few seconds, loopback only. Linux only (CPU and RSS from /proc).
//   --engine-cli PATH   the embedded engine's CLI to compare (default: this checkout's dist build;
//                       point it at another build to compare versions side by side)
//   --k6 PATH           real k6 (default: K6_BIN, the project's cache, PATH)
//   --duration D        length of each side-by-side run (default 5s); --rounds N (default 2)
//   --side-by-side      part 1 only; --memory-only: part 3 only
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { runEmbedded } from '../engine/index';
import { Instance } from '../engine/instance';
import { resolveOptions } from '../engine/options';
import { formatSampleLine, type SampleLine } from '../engine/samples';
import { locateK6 } from '../runner/k6/locate';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const SERVER = `
const http = require('node:http');
const s = http.createServer((req, res) => { res.setHeader('content-type', 'text/plain'); res.end('ok'); });
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
setTimeout(() => process.exit(0), 900000).unref();
process.on('SIGTERM', () => process.exit(0));
`;

// CommonJS, as the runner's bundles: both engines run this very file. handleSummary prints the
// request count, so neither engine has to write its samples anywhere to be counted.
const LOAD_SCRIPT = `
const http = require('k6/http');
exports.options = { scenarios: { load: { executor: 'constant-vus', vus: 50, duration: __ENV.DURATION, gracefulStop: '2s' } } };
exports.default = async function () {
  for (let i = 0; i < 20; i++) await http.asyncRequest('GET', __ENV.BASE_URL + '/');
};
exports.handleSummary = function (data) {
  return { stdout: JSON.stringify({ requests: data.metrics.http_reqs.values.count }) + '\\n' };
};
`;

const IDLE_SCRIPT = `
const http = require('k6/http');
const { check, group } = require('k6');
const { Trend, Counter } = require('k6/metrics');
const exec = require('k6/execution');
const { setTimeout } = require('k6/timers');
const latency = new Trend('agent_latency', true);
const sent = new Counter('agent_messages');
let state = { seq: 0, id: __VU };
exports.options = { scenarios: { idle: { executor: 'per-vu-iterations', vus: Number(__ENV.VUS), iterations: 1 } } };
exports.default = async function () {
  state.seq++;
  const r = await http.asyncRequest('GET', __ENV.BASE_URL + '/');
  check(r, { ok: (x) => x.status === 200 });
  latency.add(r.timings.duration);
  sent.add(1, { vu: String(exec.vu.idInTest) });
  await new Promise((res) => setTimeout(res, 1));
  group('g', () => {});
};
`;

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

async function startServer(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('error', reject);
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

const TICKS = 100; // USER_HZ on Linux.

/** CPU seconds of this process's reaped children (cutime + cstime), from /proc/self/stat. */
function childrenCpuSeconds(): number {
  const text = readFileSync('/proc/self/stat', 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS;
}

function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

interface ProcessRun {
  requests: number;
  cpuSeconds: number;
  wallSeconds: number;
  peakRssBytes: number;
}

/**
 * Runs one engine process to its end. Its CPU is the growth of this process's children time
 * while it ran: the load server, the other child, is still running and so not counted in it.
 */
async function runProcess(cmd: string, args: string[]): Promise<ProcessRun> {
  const cpu0 = childrenCpuSeconds();
  const t0 = performance.now();
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, K6_NO_USAGE_REPORT: 'true', K6_NO_COLOR: 'true' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let rss = 0;
  // VmHWM only grows, so its last reading before the exit is the peak (to within the interval).
  const poll = setInterval(() => (rss = Math.max(rss, peakRss(child.pid ?? 0))), 100);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  clearInterval(poll);
  const wallSeconds = (performance.now() - t0) / 1000;
  const m = /\{"requests":(\d+)\}/.exec(stdout);
  if (code !== 0 || m === null) throw new Error(`${cmd} ${args.join(' ')} exited ${code} without a request count:\n${stdout}\n${stderr.slice(-2000)}`);
  return { requests: Number(m[1]), cpuSeconds: childrenCpuSeconds() - cpu0, wallSeconds, peakRssBytes: rss };
}

interface Contender {
  label: string;
  cmd: string;
  args: (script: string, url: string, duration: string) => string[];
  runs: ProcessRun[];
}

function perCpu(runs: readonly ProcessRun[]): number {
  const reqs = runs.reduce((a, r) => a + r.requests, 0);
  const cpu = runs.reduce((a, r) => a + r.cpuSeconds, 0);
  return cpu > 0 ? reqs / cpu : 0;
}

async function sideBySide(dir: string, url: string): Promise<void> {
  const cli = flag('--engine-cli') ?? join(ROOT, 'dist', 'node', 'engine', 'cli.js');
  if (!existsSync(cli)) throw new Error(`no engine CLI at ${cli}: build it with \`npx tsx scripts/build.ts --node-only\``);
  const k6 = flag('--k6') ?? locateK6(ROOT)?.path;
  const duration = flag('--duration') ?? '5s';
  const rounds = Number(flag('--rounds') ?? '2');
  const script = join(dir, 'side-by-side.js');
  writeFileSync(script, LOAD_SCRIPT);
  const embedded = (workers: string[]) => (s: string, u: string, d: string) => ['run', s, '--quiet', ...workers, '-e', `BASE_URL=${u}`, '-e', `DURATION=${d}`];
  const contenders: Contender[] = [
    { label: 'embedded, 1 worker', cmd: process.execPath, args: embedded(['--workers', '1']), runs: [] },
    { label: 'embedded, CLI default', cmd: process.execPath, args: embedded([]), runs: [] },
  ];
  if (k6 !== undefined) contenders.push({ label: 'real k6', cmd: k6, args: (s, u, d) => ['run', '--quiet', '--no-usage-report', '-e', `BASE_URL=${u}`, '-e', `DURATION=${d}`, s], runs: [] });
  else console.log('side by side: no real k6 found (set K6_BIN or --k6); the embedded engine runs alone');
  console.log(`side by side: ${cli}${k6 === undefined ? '' : ` against ${k6}`}, ${rounds} rounds of ${duration} each, 50 VUs, one loopback server`);
  // Alternating rounds, so that a drift of the machine hits every contender alike.
  for (let round = 0; round < rounds; round++) {
    for (const c of contenders) {
      const r = await runProcess(c.cmd, [...(c.cmd === process.execPath ? [cli] : []), ...c.args(script, url, duration)]);
      c.runs.push(r);
      console.log(`  round ${round + 1} ${c.label.padEnd(22)} ${String(r.requests).padStart(7)} requests, ${r.cpuSeconds.toFixed(2)} CPU-s, ${(r.requests / r.wallSeconds).toFixed(0)} req/s, peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB`);
    }
  }
  const ref = contenders.find((c) => c.label === 'real k6');
  for (const c of contenders) {
    const rate = perCpu(c.runs);
    const rss = Math.max(...c.runs.map((r) => r.peakRssBytes));
    const ratio = ref === undefined || c === ref ? '' : `, ${(rate / perCpu(ref.runs)).toFixed(2)}x real k6`;
    console.log(`side by side: ${c.label.padEnd(22)} ${Math.round(rate)} req/CPU-s${ratio}, peak RSS ${(rss / 2 ** 20).toFixed(0)} MiB`);
  }
}

async function throughput(dir: string, url: string, serialize: boolean, workers: number, connections: 'per-vu' | 'shared' = 'per-vu'): Promise<void> {
  const bundle = join(dir, 'load.js');
  writeFileSync(bundle, LOAD_SCRIPT);
  let reqs = 0;
  let bytes = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runEmbedded({
    bundlePath: bundle,
    env: { BASE_URL: url, DURATION: '4s' },
    workers,
    connections,
    // The counting sink reads one metric and says so; the serialising one takes every line.
    wanted: serialize ? undefined : (m) => m === 'http_reqs',
    onSamples: (batch: readonly SampleLine[]) => {
      for (const l of batch) {
        if (l.type === 'Point' && l.metric === 'http_reqs') reqs++;
        if (serialize) bytes += formatSampleLine(l).length + 1;
      }
    },
  });
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - t0) / 1000;
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  console.log(
    `in process (workers=${workers}, connections ${connections}, sink ${serialize ? 'k6 JSON line per point' : 'counts http_reqs'}): ${reqs} requests in ${wall.toFixed(2)} s wall, ${cpuSec.toFixed(2)} CPU-s → ${Math.round(reqs / cpuSec)} req/CPU-s, ${Math.round(reqs / wall)} req/s (exit ${r.exitCode}${serialize ? `, ${(bytes / 1e6).toFixed(1)} MB of JSON` : ''})`,
  );
}

async function idleMemory(dir: string, url: string, vus: number): Promise<void> {
  const bundle = join(dir, 'idle.js');
  writeFileSync(bundle, IDLE_SCRIPT);
  const env = { BASE_URL: url, VUS: String(vus) };
  const options = resolveOptions({ scenarios: { idle: { executor: 'per-vu-iterations', vus, iterations: 1 } } });
  // Settle the heap left by earlier phases before the baseline, or deltas go negative.
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  const before = process.memoryUsage();
  const inst = new Instance({ bundlePath: bundle, env, options, segmentIndex: 0, segmentCount: 1, setupData: undefined }, () => undefined, () => undefined);
  inst.init();
  gc();
  gc();
  const after = process.memoryUsage();
  const heap = (after.heapUsed + after.external - before.heapUsed - before.external) / vus;
  const rss = (after.rss - before.rss) / vus;
  console.log(`idle VUs: ${vus} initialized → ${(heap / 1024).toFixed(1)} KB heap+external per VU, ${(rss / 1024).toFixed(1)} KB RSS per VU (${inst.status().vusMax} VUs)`);
  await inst.close();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetload-bench-'));
  const server = await startServer();
  try {
    if (!process.argv.includes('--memory-only')) await sideBySide(dir, server.url);
    if (process.argv.includes('--side-by-side')) return;
    if (!process.argv.includes('--memory-only')) {
      await throughput(dir, server.url, false, 1, 'per-vu');
      await throughput(dir, server.url, false, 1, 'shared');
      await throughput(dir, server.url, true, 1, 'per-vu');
      await throughput(dir, server.url, false, 2, 'per-vu');
    }
    await idleMemory(dir, server.url, 1000);
    await idleMemory(dir, server.url, 10_000);
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

// Benchmark of the embedded engine (run: npx tsx bench/engine.ts; not a vitest test).
//  1. requests per CPU-second against a trivial loopback server in another process, 50 VUs
//     looping http.asyncRequest (CPU = process.cpuUsage of this process, i.e. the engine side);
//  2. memory per idle VU at 1,000 and 10,000 VUs (heap + external after GC, and RSS).
// Every load loop is bounded: a few seconds, loopback only. `--memory-only` skips part 1.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { runEmbedded } from '../engine/index';
import { Instance } from '../engine/instance';
import { resolveOptions } from '../engine/options';
import type { SampleLine } from '../engine/samples';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SERVER = `
const http = require('node:http');
const s = http.createServer((req, res) => { res.setHeader('content-type', 'text/plain'); res.end('ok'); });
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
setTimeout(() => process.exit(0), 120000).unref();
process.on('SIGTERM', () => process.exit(0));
`;

const LOAD_SCRIPT = `
const http = require('k6/http');
exports.options = { scenarios: { load: { executor: 'constant-vus', vus: 50, duration: __ENV.DURATION, gracefulStop: '2s' } } };
exports.default = async function () {
  for (let i = 0; i < 20; i++) await http.asyncRequest('GET', __ENV.BASE_URL + '/');
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

async function startServer(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('error', reject);
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
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
    onSamples: (batch: readonly SampleLine[]) => {
      for (const l of batch) {
        if (l.type === 'Point' && l.metric === 'http_reqs') reqs++;
        if (serialize) bytes += JSON.stringify(l).length + 1;
      }
    },
  });
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - t0) / 1000;
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  console.log(
    `throughput (workers=${workers}, connections ${connections}, sink ${serialize ? 'JSON.stringify per line' : 'count only'}): ${reqs} requests in ${wall.toFixed(2)} s wall, ${cpuSec.toFixed(2)} CPU-s → ${Math.round(reqs / cpuSec)} req/CPU-s, ${Math.round(reqs / wall)} req/s (exit ${r.exitCode}${serialize ? `, ${(bytes / 1e6).toFixed(1)} MB of JSON` : ''})`,
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
    if (process.argv.includes('--memory-only')) {
      await idleMemory(dir, server.url, 1000);
      await idleMemory(dir, server.url, 10_000);
      return;
    }
    await throughput(dir, server.url, false, 1, 'per-vu');
    await throughput(dir, server.url, false, 1, 'shared');
    await throughput(dir, server.url, true, 1, 'per-vu');
    await throughput(dir, server.url, false, 2, 'per-vu');
    await idleMemory(dir, server.url, 1000);
    await idleMemory(dir, server.url, 10_000);
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();

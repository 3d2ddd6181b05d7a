// The simulator as a real child process: the bundled CLI (dist/node/simulator/main.js) started by
// startSimulatorProcess, the one starter the runner and the tests share. The CLI's side: the
// listening line, clean exit on SIGTERM, flag errors, restarts with and without --state-file. The
// starter's side (against stand-in CLIs): why a start failed, stop() escalating to SIGKILL, and no
// child outliving its parent.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildNode } from '../runner/build/node';
import type { BundleStatus, ClusterView, DeploymentList, InfoResponse } from './api';
import { SIMULATOR_MAIN, SimulatorStartError, startSimulatorProcess, type SimulatorHandle, type SimulatorStartOptions } from './process';
import { call, clusterPath, OP, registerReady, waitFor } from './test-helpers';

const root = join(import.meta.dirname, '..');
let dir: string;
const started: SimulatorHandle[] = [];

beforeAll(async () => {
  // The suite tests the CLI of this tree, whichever config started it.
  await buildNode(root, ['simulator/main.ts']);
  dir = mkdtempSync(join(tmpdir(), 'fleetsim-'));
}, 60_000);
afterEach(async () => {
  for (const h of started.splice(0)) await h.stop('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Launched {
  sim: SimulatorHandle;
  stdout: string[];
  stderr: string[];
}

async function launch(opts: Omit<SimulatorStartOptions, 'root'> & { root?: string } = {}): Promise<Launched> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const sim = await startSimulatorProcess({ root, ...opts, onLog: (line, stream) => (stream === 'stdout' ? stdout : stderr).push(line) });
  started.push(sim);
  return { sim, stdout, stderr };
}

/** Stops with SIGTERM; the exit code. */
async function stop(sim: SimulatorHandle): Promise<number | null> {
  await sim.stop();
  return (await sim.exited).code;
}

async function startError(opts: SimulatorStartOptions): Promise<SimulatorStartError> {
  const err: unknown = await startSimulatorProcess(opts).then(
    (h) => {
      started.push(h);
      return new Error('it started');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SimulatorStartError);
  return err as SimulatorStartError;
}

/** A repository root whose "built simulator" is `script` (CommonJS), standing in for main.js. */
function fakeRoot(name: string, script: string): string {
  const r = join(dir, name);
  mkdirSync(join(r, 'dist', 'node', 'simulator'), { recursive: true });
  writeFileSync(join(r, SIMULATOR_MAIN), script);
  return r;
}

const LISTEN = `process.stdout.write(JSON.stringify({ event: 'listening', url: 'http://127.0.0.1:1', pid: process.pid }) + '\\n');`;

/** Dead: no such process, or a zombie waiting to be reaped (Linux). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

describe('simulator process', () => {
  it('prints the listening line first, with its own pid and the URL it listens on', async () => {
    const { sim, stdout } = await launch();
    try {
      const msg = JSON.parse(stdout[0] ?? '') as { event: string; url: string; pid: number };
      expect(msg).toEqual({ event: 'listening', url: sim.url, pid: sim.pid });
      expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sim.port).toBe(Number(new URL(sim.url).port));
      expect(sim.port).toBeGreaterThan(0);
      expect((await call(sim.url, 'GET', '/healthz')).status).toBe(200);
    } finally {
      expect(await stop(sim)).toBe(0);
    }
  });

  it('loses everything on a restart without --state-file: the old token gets 401 and bootId changes', async () => {
    const { sim: p1 } = await launch();
    const info1 = (await call<InfoResponse>(p1.url, 'GET', '/api/v1/info')).body;
    const token = await registerReady(p1.url, 'fleet', 'a');
    expect(await stop(p1)).toBe(0);

    const { sim: p2 } = await launch();
    try {
      const info2 = (await call<InfoResponse>(p2.url, 'GET', '/api/v1/info')).body;
      expect(info2.bootId).not.toBe(info1.bootId);
      expect((await call(p2.url, 'PUT', `${clusterPath('fleet', 'a')}/lease`, { token })).status).toBe(401);
      // Recovery: register again.
      const t2 = await registerReady(p2.url, 'fleet', 'a');
      expect((await call(p2.url, 'PUT', `${clusterPath('fleet', 'a')}/lease`, { token: t2 })).status).toBe(200);
    } finally {
      expect(await stop(p2)).toBe(0);
    }
  });

  it('keeps clusters, tokens, bundles and statuses across a restart with --state-file', async () => {
    const stateFile = join(dir, 'state.json');
    const { sim: p1 } = await launch({ args: ['--state-file', stateFile] });
    const token = await registerReady(p1.url, 'fleet', 'a', { env: 'prod' });
    await call(p1.url, 'POST', '/api/v1/namespaces/fleet/bundles', { token: OP, body: { name: 'app', selector: 'env=prod', payloadBytes: 50 } });
    const deps = await call<DeploymentList>(p1.url, 'GET', `${clusterPath('fleet', 'a')}/deployments`, { token });
    await call(p1.url, 'PUT', `${clusterPath('fleet', 'a')}/deployments/app/status`, { token, body: { generation: 1, state: 'Ready' } });
    const info1 = (await call<InfoResponse>(p1.url, 'GET', '/api/v1/info')).body;
    expect(await stop(p1)).toBe(0);
    expect(existsSync(stateFile)).toBe(true);

    // The same port again, as after a real restart.
    const { sim: p2 } = await launch({ args: ['--state-file', stateFile], port: p1.port });
    try {
      expect(p2.url).toBe(p1.url);
      expect((await call<InfoResponse>(p2.url, 'GET', '/api/v1/info')).body.bootId).not.toBe(info1.bootId);
      expect((await call(p2.url, 'PUT', `${clusterPath('fleet', 'a')}/lease`, { token })).status).toBe(200);
      const view = await call<ClusterView>(p2.url, 'GET', clusterPath('fleet', 'a'), { token: OP });
      expect(view.body).toMatchObject({ phase: 'Ready', labels: { env: 'prod' } });
      const b = await call<BundleStatus>(p2.url, 'GET', '/api/v1/namespaces/fleet/bundles/app', { token: OP });
      expect(b.body).toMatchObject({ generation: 1, desired: 1, applied: 1, ready: 1 });
      const deps2 = await call<DeploymentList>(p2.url, 'GET', `${clusterPath('fleet', 'a')}/deployments`, { token });
      expect(deps2.body.revision).toBe(deps.body.revision);
      expect(deps2.body.items[0]?.payload).toHaveLength(50);
      // Revisions keep growing after a load: a watch from the old revision wakes on the next change.
      const w = call<DeploymentList>(p2.url, 'GET', `${clusterPath('fleet', 'a')}/deployments?watch=1&since=${deps.body.revision}&timeoutSeconds=300`, { token });
      await call(p2.url, 'POST', '/api/v1/namespaces/fleet/bundles', { token: OP, body: { name: 'app', selector: 'env=prod' } });
      expect((await w).body.revision).toBeGreaterThan(deps.body.revision);
    } finally {
      expect(await stop(p2)).toBe(0);
    }
  });

  it.each([
    [['--port', 'abc'], '--port'],
    [['--port', '70000'], '--port'],
    [['--lease-grace', '0.5'], '--lease-grace'],
    [['--error-rate', 'nonsense=0.1'], '--error-rate'],
    [['--error-rate', 'lease=2'], '--error-rate'],
    [['--latency', 'lognormal:median=5'], '--latency'],
    [['--bogus'], '--bogus'],
    [['--registration-cost-mode', 'gpu'], '--registration-cost-mode'],
    [['--latency', 'none', '--latency-ms', '5'], '--latency'],
    [['--operator-token', 'same', '--registration-token', 'same'], '--operator-token'],
  ])('rejects %j with one line naming %s and exit code 2', async (args, flag) => {
    const stdout: string[] = [];
    const err = await startError({ root, args, onLog: (line, stream) => stream === 'stdout' && stdout.push(line) });
    expect(err.reason).toBe('exited');
    expect(err.exit).toEqual({ code: 2, signal: null });
    expect(err.message).toContain('exited with code 2 before listening');
    expect(stdout).toEqual([]);
    expect(err.stderr).toHaveLength(1);
    expect(err.stderr[0]).toContain(flag);
    expect(err.message).toContain(err.stderr[0]);
  });
});

describe('startSimulatorProcess', () => {
  it('says how to build when there is no built simulator', async () => {
    const err = await startError({ root: join(dir, 'nothing-here') });
    expect(err.reason).toBe('not-built');
    expect(err.message).toContain('scripts/build.ts --node-only');
  });

  it('names the exit code and carries the last 20 stderr lines when the child dies before listening', async () => {
    const r = fakeRoot('dies', `for (let i = 1; i <= 25; i++) process.stderr.write('line ' + i + '\\n'); process.exit(3);`);
    const err = await startError({ root: r });
    expect(err.reason).toBe('exited');
    expect(err.exit).toEqual({ code: 3, signal: null });
    expect(err.stderr).toEqual(Array.from({ length: 20 }, (_, i) => `line ${i + 6}`));
    expect(err.message).toMatch(/^the simulator exited with code 3 before listening; its last stderr lines:\nline 6\n/);
  });

  it('kills a child that does not listen in time, and says so', async () => {
    const r = fakeRoot('silent', `process.stdout.write('not the listening line\\n'); setInterval(() => {}, 1000);`);
    const err = await startError({ root: r, timeoutMs: 200 });
    expect(err.reason).toBe('timeout');
    expect(err.message).toContain('did not listen within 200 ms');
    // Already dead when the error arrives.
    expect(err.exit).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('passes every later line to onLog, and signals through kill()', async () => {
    const r = fakeRoot('chatty', `process.on('SIGUSR2', () => process.stderr.write('got SIGUSR2\\n')); ${LISTEN} setInterval(() => {}, 1000);`);
    const { sim, stderr } = await launch({ root: r });
    expect(sim.kill('SIGUSR2')).toBe(true);
    await waitFor('the child to report the signal', () => stderr.includes('got SIGUSR2'));
    expect(gone(sim.pid)).toBe(false);
  });

  it('escalates stop() to SIGKILL when the child ignores its signal', async () => {
    const r = fakeRoot('stubborn', `process.on('SIGTERM', () => {}); ${LISTEN} setInterval(() => {}, 1000);`);
    const { sim } = await launch({ root: r, killAfterMs: 100 });
    await sim.stop();
    expect(await sim.exited).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('does nothing on stop() once the child has exited', async () => {
    const r = fakeRoot('idle', `${LISTEN} setInterval(() => {}, 1000);`);
    const { sim } = await launch({ root: r });
    sim.kill('SIGKILL');
    expect(await sim.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await sim.stop();
    await sim.stop('SIGINT');
    expect(sim.kill()).toBe(false);
  });

  it('never lets the child outlive the process that started it', async () => {
    const r = fakeRoot('orphan', `${LISTEN} setInterval(() => {}, 1000);`);
    const starter = pathToFileURL(join(root, 'simulator', 'process.ts')).href;
    const code = [
      `import { startSimulatorProcess } from ${JSON.stringify(starter)};`,
      `const sim = await startSimulatorProcess({ root: ${JSON.stringify(r)} });`,
      'process.stdout.write(String(sim.pid));',
      // Exits with the child still running and nobody calling stop().
      'process.exit(0);',
    ].join('\n');
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    parent.stdout.on('data', (d: Buffer) => (out += d.toString()));
    parent.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exitCode = await new Promise<number | null>((resolve) => parent.once('close', resolve));
    expect(exitCode, err).toBe(0);
    const pid = Number(out);
    expect(pid).toBeGreaterThan(0);
    await waitFor(`the orphaned child ${pid} to be gone`, () => gone(pid));
  });
});

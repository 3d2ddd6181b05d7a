// The CLI as a real child process (the bundled dist/node/simulator/main.js): the listening line,
// clean exit on SIGTERM, flag errors, and restarts with and without --state-file.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleStatus, ClusterView, DeploymentList, InfoResponse } from '../../simulator/api';
import { buildNode } from '../../runner/build/node';
import { call, clusterPath, OP, registerReady } from './helpers';

const root = join(import.meta.dirname, '..', '..');
const MAIN = join(root, 'dist', 'node', 'simulator', 'main.js');
let dir: string;

beforeAll(async () => {
  await buildNode(root, ['simulator/main.ts']);
  dir = mkdtempSync(join(tmpdir(), 'fleetsim-'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Proc {
  child: ChildProcess;
  url: string;
  exit: Promise<number | null>;
}

async function launch(args: string[]): Promise<Proc> {
  const child = spawn(process.execPath, [MAIN, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulator exited with ${String(code)} before listening`)));
  });
  const msg = JSON.parse(first) as { event: string; url: string; pid: number };
  expect(msg.event).toBe('listening');
  expect(msg.pid).toBe(child.pid);
  expect(msg.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  return { child, url: msg.url, exit };
}

async function stop(p: Proc): Promise<number | null> {
  p.child.kill('SIGTERM');
  return p.exit;
}

function runToExit(args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.once('exit', (code) => resolve({ code, stderr, stdout }));
  });
}

describe('simulator process', () => {
  it('loses everything on a restart without --state-file: the old token gets 401 and bootId changes', async () => {
    const p1 = await launch([]);
    const info1 = (await call<InfoResponse>(p1.url, 'GET', '/api/v1/info')).body;
    const token = await registerReady(p1.url, 'fleet', 'a');
    expect(await stop(p1)).toBe(0);

    const p2 = await launch([]);
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
    const p1 = await launch(['--state-file', stateFile]);
    const token = await registerReady(p1.url, 'fleet', 'a', { env: 'prod' });
    await call(p1.url, 'POST', '/api/v1/namespaces/fleet/bundles', { token: OP, body: { name: 'app', selector: 'env=prod', payloadBytes: 50 } });
    const deps = await call<DeploymentList>(p1.url, 'GET', `${clusterPath('fleet', 'a')}/deployments`, { token });
    await call(p1.url, 'PUT', `${clusterPath('fleet', 'a')}/deployments/app/status`, { token, body: { generation: 1, state: 'Ready' } });
    const info1 = (await call<InfoResponse>(p1.url, 'GET', '/api/v1/info')).body;
    expect(await stop(p1)).toBe(0);
    expect(existsSync(stateFile)).toBe(true);

    const p2 = await launch(['--state-file', stateFile]);
    try {
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
      const w = call<DeploymentList>(p2.url, 'GET', `${clusterPath('fleet', 'a')}/deployments?watch=1&since=${deps.body.revision}&timeoutSeconds=10`, { token });
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
    const r = await runToExit(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(flag);
  });
});

// --state-file in process: saved on a timer when state changed, loaded at start, and refused
// when it is not a state file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ClusterList, RegistrationStatus } from './api';
import type { RunningSimulator } from './server';
import { call, OP, REG, registerReady, start, waitFor } from './test-helpers';

const dir = mkdtempSync(join(tmpdir(), 'fleetsim-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let sim: RunningSimulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('state file', () => {
  it('is written on a timer once something changed, before any shutdown', async () => {
    const stateFile = join(dir, 'timer.json');
    sim = await start({ stateFile, stateSaveIntervalSeconds: 0.05 });
    expect(existsSync(stateFile)).toBe(false); // nothing changed yet
    await registerReady(sim.url, 'fleet', 'a', { env: 'prod' });
    await waitFor('the timer to save the state file', () => existsSync(stateFile) && readFileSync(stateFile, 'utf8').includes('"a"'));
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { format: string; clusters: { name: string; labels: Record<string, string> }[] };
    expect(saved.format).toBe('fleetload.sim/state/v1');
    expect(saved.clusters).toMatchObject([{ name: 'a', labels: { env: 'prod' } }]);
  });

  it('re-queues registrations that were pending when saved', async () => {
    const stateFile = join(dir, 'pending.json');
    sim = await start({ stateFile, registrationWorkers: 1, registrationCostMs: 60_000 });
    const r = await call<RegistrationStatus>(sim.url, 'POST', '/api/v1/registrations', { token: REG, body: { clusterName: 'slow', namespace: 'fleet' } });
    expect(r.body.phase).toBe('Pending');
    await sim.close();
    sim = await start({ stateFile, registrationCostMs: 1 });
    const s = await call<RegistrationStatus>(sim.url, 'GET', `/api/v1/registrations/${r.body.id}?waitSeconds=300`, { token: REG });
    expect(s.body.phase).toBe('Ready');
    const list = await call<ClusterList>(sim.url, 'GET', '/api/v1/clusters', { token: OP });
    expect(list.body.items.map((c) => c.phase)).toEqual(['Ready']);
  });

  it('refuses to start from a file that is not a state file', async () => {
    const stateFile = join(dir, 'bad.json');
    writeFileSync(stateFile, '{"hello":1}');
    await expect(start({ stateFile })).rejects.toThrow(/not a simulator state file/);
  });
});

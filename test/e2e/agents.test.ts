// The virtual agents behave like real ones against a real simulator: they back off when pushed
// back and all still register, they re-register after the control plane lost its state, and a
// rollout reaches exactly the clusters its selector matches.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../runner/report/summary';
import type { BundleStatus, ClusterList } from '../../simulator/api';
import { bundleName, identityOf } from '../../scenarios/lib/identity';
import config from '../../k6.config';
import { startCli, tempReports } from '../helpers/cli';
import { operatorGet, startSimulator, type SimulatorProcess } from '../helpers/simulator';

const sims: SimulatorProcess[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.stop('SIGKILL');
});

async function run(target: string, runId: string, args: string[]): Promise<RunSummary> {
  const reports = tempReports();
  const cli = startCli(['run', '--target', target, '--engine', 'embedded', '--no-metrics', '--reports-dir', reports, '--run-id', runId, ...args]);
  const result = await cli.done;
  expect(result.stderr).toBe('');
  expect([0, 1, 4]).toContain(result.code);
  return JSON.parse(readFileSync(join(reports, runId, 'summary.json'), 'utf8')) as RunSummary;
}

describe('virtual agents against the simulator', () => {
  it('back off on 429 (honouring Retry-After) and all still register', async () => {
    const sim = await startSimulator(['--max-inflight', '2', '--latency-ms', '20']);
    sims.push(sim);
    const summary = await run(sim.url, 'backoff', ['--clusters', '60', '--duration', '25s', '--set', 'rollout.count=0', '--set', 'apiLoad.getPerS=0']);
    expect(summary.clusters.registered).toBe(60);
    expect(summary.counts.backoffs).toBeGreaterThan(0);
    expect(summary.failures.some((f) => f.status === '429')).toBe(true);
  });

  it('re-register and heartbeat again after a restart that lost all state', async () => {
    const first = await startSimulator();
    sims.push(first);
    const reports = tempReports();
    const cli = startCli([
      'run', '--target', first.url, '--engine', 'embedded', '--no-metrics', '--reports-dir', reports, '--run-id', 'restart',
      '--clusters', '40', '--duration', '30s', '--set', 'rollout.count=0', '--set', 'agent.heartbeatIntervalS=2', '--set', 'agent.backoff.maxMs=2000',
    ]);
    await cli.line(/\[1\ds \+\d+s\] [a-z ]+: registered 40\/40/, 20_000);
    await first.stop('SIGKILL');
    // Down for a few seconds, as a real restart is (the report works at one-second resolution).
    await new Promise((r) => setTimeout(r, 3000));
    const restartedAt = Date.now();
    const second = await startSimulator([], first.port);
    sims.push(second);
    const result = await cli.done;
    expect([0, 1, 4]).toContain(result.code);
    const summary = JSON.parse(readFileSync(join(reports, 'restart', 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.clusters.registered).toBe(40);
    expect(summary.clusters.reregistered).toBe(40);
    const list = await operatorGet<ClusterList>(second.url, '/api/v1/clusters?limit=100');
    expect(list.total).toBe(40);
    for (const c of list.items) expect(c.lastHeartbeatAt ?? 0, c.name).toBeGreaterThan(restartedAt);
    // The report says when the target was gone and how long the fleet took to come back.
    expect(summary.outages).toHaveLength(1);
    const outage = summary.outages[0]!;
    expect(outage.seconds).toBeGreaterThanOrEqual(1);
    expect(Date.parse(outage.endedAt)).toBeGreaterThanOrEqual(restartedAt - 1000);
    expect(outage.recoverySeconds).not.toBeNull();
    expect(outage.recoverySeconds!).toBeLessThan(15);
    expect(result.stdout).toMatch(/target unavailable from \S+ for \d+ s; the whole fleet heartbeat again [\d.]+ s later/);
  });

  it('roll a bundle out to exactly the clusters its selector matches, and record distribution latency', async () => {
    const sim = await startSimulator();
    sims.push(sim);
    const clusters = 48;
    const summary = await run(sim.url, 'selector', ['--clusters', String(clusters), '--duration', '20s', '--set', 'rollout.selector=region=eu-west', '--set', 'rollout.startAfterS=4']);
    const agent = { ...config.base.agent };
    const expected = new Set<string>();
    for (let i = 0; i < clusters; i++) {
      const id = identityOf(i, agent);
      if (id.labels.region === 'eu-west') expected.add(id.name);
    }
    expect(expected.size).toBeGreaterThan(0);
    expect(expected.size).toBeLessThan(clusters);
    const reached = new Set<string>();
    for (let ns = 0; ns < agent.namespaces; ns++) {
      const status = await operatorGet<BundleStatus>(sim.url, `/api/v1/namespaces/tenant-${String(ns).padStart(3, '0')}/bundles/${bundleName('selector', 0)}?detail=1`);
      expect(status.failed).toBe(0);
      for (const name of Object.keys(status.readyTimes ?? {})) reached.add(name);
    }
    expect([...reached].sort()).toEqual([...expected].sort());
    expect(summary.counts.deploymentsReady).toBe(expected.size);
    const distribution = summary.slos.find((s) => s.sli === 'distribution')!;
    expect(distribution.stats.count).toBe(expected.size);
    expect(summary.counts.rolloutsCompleted).toBe(1);
  });
});

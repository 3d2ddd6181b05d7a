// A slow target breaches its SLO: exit 1 (a finding about the target), status slo-violated, and
// the breach as a failed JUnit testcase; a harness failure is exit 3 (see usage.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../runner/report/summary';
import { runCli, tempReports } from '../helpers/cli';
import { startSimulator, type SimulatorProcess } from '../helpers/simulator';

const sims: SimulatorProcess[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.stop('SIGKILL');
});

describe('SLO verdict of a slow target', () => {
  it('exits 1 with the breached SLI named, in the summary and in JUnit', async () => {
    // Every API answer takes 1.1 s: mutating calls (SLO 1 s) must breach, registration (10 s) not.
    const sim = await startSimulator(['--latency-ms', '1100']);
    sims.push(sim);
    const reports = tempReports();
    const r = await runCli(['run', '--target', sim.url, '--clusters', '20', '--duration', '15s', '--engine', 'embedded', '--no-metrics', '--set', 'rollout.count=0', '--reports-dir', reports, '--run-id', 'slow']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/SLO breached: api-mutating/);
    const summary = JSON.parse(readFileSync(join(reports, 'slow', 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.status).toBe('slo-violated');
    expect(summary.exitCode).toBe(1);
    const bySli = Object.fromEntries(summary.slos.map((s) => [s.sli, s]));
    expect(bySli['api-mutating']?.status).toBe('fail');
    expect(bySli['api-mutating']?.stats.p50).toBeGreaterThan(1000);
    expect(bySli['api-mutating']?.stats.slowCount).toBe(bySli['api-mutating']?.stats.count);
    expect(bySli.registration?.status).toBe('pass');
    // The target itself was slow, not the generator: no saturation warning.
    expect(summary.warnings).toEqual([]);
    const junit = readFileSync(join(reports, 'slow', 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testcase classname="fleetload.slo" name="P99 api-mutating &lt;= 1000 ms" time="0"><failure type="SloViolation"/);
  });
});

// The run's failure paths: the engine dying mid-run is a harness failure (exit 3) whose summary
// and JUnit are still written; agents that never register are a breach of the registration SLO,
// judged as infinitely slow, and say "never" in JUnit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../runner/report/summary';
import { runCli, startCli, tempReports } from '../helpers/cli';
import { realK6 } from '../helpers/k6';
import { childrenOf } from '../helpers/procs';
import { startSimulator, type SimulatorProcess } from '../helpers/simulator';

const sims: SimulatorProcess[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.stop('SIGKILL');
});

function summaryOf(reports: string, runId: string): RunSummary {
  return JSON.parse(readFileSync(join(reports, runId, 'summary.json'), 'utf8')) as RunSummary;
}

describe('failure paths of a run', () => {
  const k6 = realK6();
  it.skipIf(!k6)('k6 killed mid-run: exit 3, status failed, summary and JUnit written with what was measured', async () => {
    const reports = tempReports();
    const run = startCli(['run', '--clusters', '50', '--duration', '60s', '--engine', 'k6', '--no-metrics', '--json-progress', '--reports-dir', reports, '--run-id', 'died']);
    await run.line(/"registered":[1-9]/, 30_000);
    const engine = childrenOf(run.child.pid!).find((p) => p.comm === 'k6');
    expect(engine).toBeDefined();
    process.kill(engine!.pid, 'SIGKILL');
    const result = await run.done;
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/error: the k6 engine exited with 103 \(engine error\)/);
    const summary = summaryOf(reports, 'died');
    expect(summary.status).toBe('failed');
    expect(summary.exitCode).toBe(3);
    expect(summary.error).toMatch(/k6 engine exited/);
    expect(summary.clusters.registered).toBeGreaterThan(0);
    const junit = readFileSync(join(reports, 'died', 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testcase classname="fleetload.run" name="run died" time="[\d.]+"><error type="failed" message="the k6 engine exited/);
  });

  it('agents that never register: registration breached as infinitely slow, "never" in JUnit', async () => {
    const sim = await startSimulator(['--error-rate', 'registration=1']);
    sims.push(sim);
    const reports = tempReports();
    const r = await runCli(['run', '--target', sim.url, '--clusters', '10', '--duration', '6s', '--engine', 'embedded', '--no-metrics', '--set', 'rollout.count=0', '--reports-dir', reports, '--run-id', 'never']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/SLO breached: registration/);
    const summary = summaryOf(reports, 'never');
    expect(summary.status).toBe('slo-violated');
    expect(summary.clusters.registered).toBe(0);
    const registration = summary.slos.find((s) => s.sli === 'registration')!;
    expect(registration).toMatchObject({ status: 'fail', valueMs: null, missing: 10 });
    expect(registration.note).toMatch(/10 never completed/);
    const junit = readFileSync(join(reports, 'never', 'junit.xml'), 'utf8');
    expect(junit).toMatch(/registration: P99 never \(some never completed\) &gt; 10000 ms/);
  });
});

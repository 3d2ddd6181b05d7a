// The run as a person (or CI) lives it: plain progress without a terminal, a dry run that sends
// nothing, and Ctrl-C during the ramp-up.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../runner/report/summary';
import type { ClusterList } from '../../simulator/api';
import { runCli, startCli, tempReports } from '../helpers/cli';
import { operatorGet, startSimulator, type SimulatorProcess } from '../helpers/simulator';

const sims: SimulatorProcess[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.stop('SIGKILL');
});

describe('the run experience', () => {
  it('without a terminal: one plain progress line per 10 s, no escape codes, a JUnit file', async () => {
    const reports = tempReports();
    const r = await runCli(['run', '--clusters', '30', '--duration', '21s', '--engine', 'embedded', '--no-metrics', '--reports-dir', reports, '--run-id', 'plain']);
    expect([0, 1, 4]).toContain(r.code);
    expect(r.stdout).not.toMatch(/\x1b/);
    const progress = r.stdout.split('\n').filter((l) => /^\[\d+s \+\d+s\] /.test(l));
    // A line per 10 s of a 21 s run: at 10 s and 20 s (a starved timer may drop one, never add one).
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.length).toBeLessThanOrEqual(2);
    for (const line of progress) expect(line).toMatch(/^\[[12]\ds \+1?\ds\] [a-z ]+: registered \d+\/30, \d+ req\/s, [\d.]+ % errors/);
    const junit = readFileSync(join(reports, 'plain', 'junit.xml'), 'utf8');
    // A breach is a failure per SLI; an inconclusive run (exit 4) one error of the run, no failure.
    const failures = r.code === 1 ? Number(/failures="(\d+)"/.exec(junit)?.[1]) : 0;
    expect(failures).toBeGreaterThanOrEqual(r.code === 1 ? 1 : 0);
    const errors = r.code === 4 ? 1 : 0;
    expect(junit).toMatch(new RegExp(`<testsuites name="fleetload" tests="${6 + errors}" failures="${failures}" errors="${errors}"`));
    expect(readFileSync(join(reports, 'plain', 'run.log'), 'utf8')).toMatch(/"phase":"(steady|rolling out)"/);
  });

  it('--json-progress: every line of the progress is a JSON object', async () => {
    const r = await runCli(['run', '--clusters', '10', '--duration', '4s', '--engine', 'embedded', '--no-metrics', '--json-progress', '--reports-dir', tempReports()]);
    expect([0, 1, 4]).toContain(r.code);
    const progress = r.stdout.split('\n').filter((l) => l.startsWith('{"type":"progress"'));
    expect(progress.length).toBeGreaterThanOrEqual(3);
    for (const l of progress) expect(JSON.parse(l)).toMatchObject({ type: 'progress', clusters: { total: 10 } });
  });

  it('--dry-run checks the target, prints the plan and sends no load', async () => {
    const sim = await startSimulator();
    sims.push(sim);
    const reports = tempReports();
    const r = await runCli(['run', '--clusters', '5000', '--target', sim.url, '--dry-run', '--reports-dir', reports, '--run-id', 'dry']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/plan dry \(profile smoke/);
    expect(r.stdout).toMatch(/fleet +5,000 clusters/);
    expect(r.stdout).toMatch(/requests +about [\d,]+\/s steady/);
    expect(r.stdout).toMatch(/target http:\S+ answers: .* fleetload\.sim\/v1/);
    expect(r.stdout).toMatch(/protocol fleetload-sim/);
    expect(existsSync(join(reports, 'dry'))).toBe(false);
    const list = await operatorGet<ClusterList>(sim.url, '/api/v1/clusters?limit=1');
    expect(list.total).toBe(0);
  });

  it('Ctrl-C during the ramp-up: exit 130, interrupted summary, simulator gone', async () => {
    const reports = tempReports();
    const run = startCli(['run', '--clusters', '3000', '--duration', '60s', '--engine', 'embedded', '--no-metrics', '--set', 'agent.registrationRatePerS=50', '--reports-dir', reports, '--run-id', 'ramp']);
    const [, pid] = await run.line(/built-in simulator at \S+ \(pid (\d+)\)/);
    // Some agents registered, the ramp (3,000 at 50/s) far from done.
    await run.line(/registered ([1-9]\d*)\/3000/, 30_000);
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(130);
    const summary = JSON.parse(readFileSync(join(reports, 'ramp', 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.status).toBe('interrupted');
    // Interrupted while still registering: some, not all.
    expect(summary.clusters.registered).toBeGreaterThan(0);
    expect(summary.clusters.registered).toBeLessThan(3000);
    expect(() => process.kill(Number(pid), 0)).toThrow();
  });
});

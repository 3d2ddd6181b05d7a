// Ctrl-C: the load stops gracefully, the summary is written marked interrupted, exit 130, and
// no child process (simulator, k6) outlives the runner; a second Ctrl-C exits at once, and still
// leaves no child behind.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../runner/report/summary';
import { startCli, tempReports } from '../helpers/cli';
import { realK6 } from '../helpers/k6';
import { alive, childrenOf, until } from '../helpers/procs';

async function startedRun(engine: 'embedded' | 'k6', runId: string): Promise<{ run: ReturnType<typeof startCli>; reports: string; children: number[] }> {
  const reports = tempReports();
  const run = startCli(['run', '--clusters', '100', '--duration', '60s', '--engine', engine, '--no-metrics', '--json-progress', '--reports-dir', reports, '--run-id', runId]);
  const [, pid] = await run.line(/built-in simulator at \S+ \(pid (\d+)\)/);
  // Wait until agents are registered and a heartbeat interval (10 s) has passed, so the partial
  // report has something in it.
  await run.line(/"elapsedS":(1[1-9]|[2-9]\d),"remainingS":\d+,"clusters":\{"total":100,"registered":[1-9]/, 40_000);
  const children = [Number(pid)];
  if (engine === 'k6') {
    const k6 = childrenOf(run.child.pid!).find((p) => p.comm === 'k6');
    expect(k6, 'a k6 process under the runner').toBeDefined();
    children.push(k6!.pid);
  }
  return { run, reports, children };
}

async function interruptedRun(engine: 'embedded' | 'k6'): Promise<void> {
  const { run, reports, children } = await startedRun(engine, 'int');
  run.child.kill('SIGINT');
  const result = await run.done;
  expect(result.code).toBe(130);
  expect(result.stdout).toMatch(/stopping the load gracefully/);
  const summary = JSON.parse(readFileSync(join(reports, 'int', 'summary.json'), 'utf8')) as RunSummary;
  expect(summary.status).toBe('interrupted');
  expect(summary.exitCode).toBe(130);
  expect(summary.clusters.registered).toBeGreaterThan(0);
  expect(summary.counts.heartbeats).toBeGreaterThan(0);
  for (const pid of children) await until(() => !alive(pid), `pid ${pid} to exit`, 10_000);
}

async function twiceInterrupted(engine: 'embedded' | 'k6'): Promise<void> {
  const { run, children } = await startedRun(engine, 'twice');
  run.child.kill('SIGINT');
  await run.line(/stopping the load gracefully/);
  run.child.kill('SIGINT');
  const result = await run.done;
  expect(result.code).toBe(130);
  expect(result.stdout).toMatch(/again: exiting now/);
  for (const pid of children) await until(() => !alive(pid), `pid ${pid} to exit`, 10_000);
}

describe('interrupting a run', () => {
  it('embedded: exit 130 with an interrupted summary, no orphans', async () => {
    await interruptedRun('embedded');
  });

  it('embedded: a second Ctrl-C exits at once, no orphans', async () => {
    await twiceInterrupted('embedded');
  });

  const k6 = realK6();
  it.skipIf(!k6)('k6: exit 130 with an interrupted summary, neither the simulator nor k6 left running', async () => {
    await interruptedRun('k6');
  });

  it.skipIf(!k6)('k6: a second Ctrl-C exits at once and takes k6 with it', async () => {
    await twiceInterrupted('k6');
  });
});

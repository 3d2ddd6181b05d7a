// Ctrl-C: the load stops gracefully, the summary is written marked interrupted, exit 130, and
// no child process (simulator, k6) outlives the runner.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../runner/report/summary';
import { startCli, tempReports } from '../helpers/cli';
import { realK6 } from '../helpers/k6';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function interruptedRun(engine: 'embedded' | 'k6'): Promise<void> {
  const reports = tempReports();
  const run = startCli(['run', '--clusters', '100', '--duration', '60s', '--engine', engine, '--no-metrics', '--reports-dir', reports, '--run-id', 'int']);
  const [, pid] = await run.line(/built-in simulator at \S+ \(pid (\d+)\)/);
  // Wait until agents are registered, so the partial report has something in it.
  await run.line(/\[1\ds \+\d+s\] [a-z ]+: registered [1-9]/, 30_000);
  const sentAt = Date.now();
  run.child.kill('SIGINT');
  const result = await run.done;
  expect(result.code).toBe(130);
  expect(Date.now() - sentAt).toBeLessThan(20_000);
  expect(result.stdout).toMatch(/stopping the load gracefully/);
  const summary = JSON.parse(readFileSync(join(reports, 'int', 'summary.json'), 'utf8')) as RunSummary;
  expect(summary.status).toBe('interrupted');
  expect(summary.exitCode).toBe(130);
  expect(summary.clusters.registered).toBeGreaterThan(0);
  expect(summary.counts.heartbeats).toBeGreaterThan(0);
  expect(alive(Number(pid))).toBe(false);
}

describe('interrupting a run', () => {
  it('embedded: exit 130 with an interrupted summary, no orphans', async () => {
    await interruptedRun('embedded');
  });

  const k6 = realK6();
  it.skipIf(!k6)('k6: exit 130 with an interrupted summary, no orphans', async () => {
    await interruptedRun('k6');
  });
});

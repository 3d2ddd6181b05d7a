// A whole run as a user starts it, measured from outside: wall time, and peak memory and CPU of
// each process (runner with the embedded engine, simulator, k6).
//   npx tsx bench/scale.ts --clusters 10000 [--engine embedded|k6] [--profile P] [--duration 60s]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, CLI } from '../test/helpers/cli';
import type { RunSummary } from '../runner/report/summary';
import { ProcSampler } from './proc-sampler';

export interface ScaleBenchResult {
  clusters: number;
  engine: string;
  exitCode: number | null;
  wallSeconds: number;
  registered: number;
  requests: number;
  processes: { label: string; peakRssMiB: number; cpuSeconds: number }[];
  bytesPerAgentInEngine: number;
  summary: RunSummary;
}

export async function scaleBench(args: string[]): Promise<ScaleBenchResult> {
  const reports = mkdtempSync(join(tmpdir(), 'fleetload-bench-'));
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, 'run', ...args, '--no-metrics', '--reports-dir', reports, '--run-id', 'bench'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const sampler = new ProcSampler(child.pid!);
  sampler.start();
  const exitCode = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  const wallSeconds = (Date.now() - started) / 1000;
  const procs = sampler.stop();
  const summary = JSON.parse(readFileSync(join(reports, 'bench', 'summary.json'), 'utf8')) as RunSummary;
  const engineProc = procs.find((p) => p.label === 'k6') ?? procs.find((p) => p.label.startsWith('runner'));
  return {
    clusters: summary.plan.clusters,
    engine: summary.engine.name,
    exitCode,
    wallSeconds,
    registered: summary.clusters.registered,
    requests: summary.counts.requests,
    processes: procs.map((p) => ({ label: p.label, peakRssMiB: Math.round(p.peakRssBytes / 2 ** 20), cpuSeconds: Math.round(p.cpuSeconds * 10) / 10 })),
    bytesPerAgentInEngine: engineProc ? Math.round(engineProc.peakRssBytes / summary.plan.clusters) : 0,
    summary,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { summary, ...result } = await scaleBench(process.argv.slice(2));
  process.stdout.write(`\n${JSON.stringify({ ...result, status: summary.status, generator: { saturated: summary.generator.saturated, reasons: summary.generator.reasons } }, null, 2)}\n`);
}

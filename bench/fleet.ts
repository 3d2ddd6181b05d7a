// The same fleet scenario on the embedded engine and on real k6, one after the other in one
// invocation, so that the figures are ratios measured on the same (shared, noisy) machine:
// requests per CPU-second of the generator and of the simulator, peak RSS per agent, and the
// latency the generator adds (client P99 minus the target's own server-side P99), per API SLI.
//   npx tsx bench/fleet.ts [--clusters 10000] [--duration 60s]
import { locateK6 } from '../runner/k6/locate';
import { ROOT } from '../test/helpers/cli';
import { scaleBench, type ScaleBenchResult } from './scale';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const clusters = arg('clusters', '10000');
const duration = arg('duration', '60s');

interface Row {
  engine: string;
  exit: number | null;
  status: string;
  requests: number;
  generatorCpuS: number;
  generatorReqPerCpuS: number;
  simulatorCpuS: number;
  simulatorReqPerCpuS: number;
  peakRssMiB: number;
  bytesPerAgent: number;
  addedP99Ms: Record<string, number>;
}

function row(r: ScaleBenchResult): Row {
  const gen = r.processes.filter((p) => p.label === 'k6' || p.label.startsWith('runner'));
  const sim = r.processes.find((p) => p.label === 'simulator');
  const generatorCpuS = gen.reduce((a, p) => a + p.cpuSeconds, 0);
  const added: Record<string, number> = {};
  for (const v of r.summary.slos) {
    const server = r.summary.targetView?.[v.sli];
    if (server?.p99Ms === null || server === undefined || v.valueMs === null) continue;
    added[v.sli] = Math.round(v.stats.p99 - server.p99Ms);
  }
  return {
    engine: r.engine,
    exit: r.exitCode,
    status: r.summary.status,
    requests: r.requests,
    generatorCpuS: Math.round(generatorCpuS * 10) / 10,
    generatorReqPerCpuS: Math.round(r.requests / Math.max(generatorCpuS, 0.01)),
    simulatorCpuS: sim?.cpuSeconds ?? 0,
    simulatorReqPerCpuS: sim ? Math.round(r.requests / Math.max(sim.cpuSeconds, 0.01)) : 0,
    peakRssMiB: Math.max(...gen.map((p) => p.peakRssMiB)),
    bytesPerAgent: r.bytesPerAgentInEngine,
    addedP99Ms: added,
  };
}

const rows: Row[] = [];
const engines = locateK6(ROOT) ? ['embedded', 'k6'] : ['embedded'];
if (engines.length === 1) process.stdout.write('no real k6 found (npm run k6:build): the embedded engine only\n');
for (const engine of engines) {
  process.stdout.write(`\n--- ${engine}: ${clusters} agents for ${duration}\n`);
  rows.push(row(await scaleBench(['--clusters', clusters, '--duration', duration, '--engine', engine, '--quiet'])));
}
process.stdout.write(`\n${JSON.stringify(rows, null, 2)}\n`);
if (rows.length === 2) {
  const [e, k] = rows as [Row, Row];
  process.stdout.write(`\nembedded / k6, requests per generator CPU-second: ${(e.generatorReqPerCpuS / Math.max(k.generatorReqPerCpuS, 1)).toFixed(2)}x; peak RSS: ${(e.peakRssMiB / Math.max(k.peakRssMiB, 1)).toFixed(2)}x\n`);
}

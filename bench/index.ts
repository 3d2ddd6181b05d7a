// `npm run bench [-- NAME...]`: every benchmark, each in its own process (they measure CPU and
// memory, so they must not share one), one after another. Timing goals live here, never in tests;
// a benchmark reports its figures and fails only when it could not run.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const BENCHES: Record<string, { file: string; args: string[]; what: string }> = {
  ingest: { file: 'ingest.ts', args: [], what: 'runner ingest: k6 JSON lines per second and per CPU-second (goal: 50,000/s; under 5 % of the generator\'s CPU at 10,000 req/s)' },
  engine: { file: 'engine.ts', args: [], what: 'embedded engine: requests per CPU-second (goal: 11,400) and memory per idle VU (goal: under 50 KB)' },
  simulator: { file: 'simulator.ts', args: ['--quick'], what: 'simulator: heartbeats/s at P99 < 50 ms, CPU at 1,000/s, memory per cluster (goal: under 2 KB)' },
  scale: { file: 'scale.ts', args: ['--clusters', '10000', '--engine', 'embedded'], what: 'a whole 10,000-agent run: wall time, peak memory and CPU per process' },
  kubelet: { file: 'kubelet.ts', args: ['--sizes', '1000,2000,5000'], what: 'kubelets against a real kube-apiserver (npm run kube:build) per fleet size: every SLO met with a healthy generator or not, the API server\'s CPU and P99' },
  watch: { file: 'watch-delivery.ts', args: [], what: 'Kubernetes watch events into real k6: k6/websockets against an xk6 extension of our own (bench/k6-watch-ext), delivery latency, CPU per 1,000 events, RSS, connections' },
  fleet: { file: 'fleet.ts', args: ['--clusters', '10000'], what: 'the fleet scenario on the embedded engine and on real k6 side by side: requests per CPU-second (goal: embedded >= 10,000 and >= 3x k6), RSS per agent, latency the generator adds (goal: <= 250 ms at P99)' },
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}; the benchmarks are ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(2);
}
let failed = 0;
for (const [name, b] of Object.entries(BENCHES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stdout.write(`\n=== ${name}: ${b.what}\n`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', join(here, b.file), ...b.args], { stdio: 'inherit' });
  if (res.status !== 0) {
    failed++;
    process.stdout.write(`=== ${name} could not run (exit ${res.status})\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);

// How many kubelets this machine holds against a real kube-apiserver (npm run kube:build): one
// run per fleet size, each on a fresh API server, each judged by the runner (every SLO met and the
// generator healthy, or not), with the API server's and etcd's own CPU and the server-side P99.
// The API server, etcd, the engine and the runner share the machine, as they would on a laptop.
//   npx tsx bench/kubelet.ts [--sizes 1000,2000,5000] [--duration 90s] [--engine embedded]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../runner/report/summary';
import { startCli, tempReports } from '../test/helpers/cli';
import { kubeBinaries, startKubeApiServer } from '../test/helpers/kube';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const sizes = arg('sizes', '1000,2000,5000').split(',').map(Number);
const duration = arg('duration', '90s');
const engine = arg('engine', 'embedded');

if (!kubeBinaries()) {
  process.stderr.write('no kube-apiserver build: run npm run kube:build first\n');
  process.exit(2);
}
const rows: string[] = [];
for (const n of sizes) {
  // A fresh API server per size: the last fleet's nodes, leases and pods would be load of their own.
  const kube = await startKubeApiServer({ agentTokens: 1 });
  try {
    const reports = tempReports();
    const cpu0 = kube.cpuSeconds();
    const t0 = Date.now();
    const run = startCli(['run', '--profile', 'kubelet', '--kubeconfig', kube.kubeconfigPath, '--registration-token', kube.tokens.agents[0]!, '--clusters', String(n), '--duration', duration, '--engine', engine, '--no-metrics', '--quiet', '--reports-dir', reports, '--run-id', `kubelet-${n}`]);
    const result = await run.done;
    const wallS = (Date.now() - t0) / 1000;
    const cores = (kube.cpuSeconds() - cpu0) / wallS;
    const s = JSON.parse(readFileSync(join(reports, `kubelet-${n}`, 'summary.json'), 'utf8')) as RunSummary;
    const p99 = (sli: string): string => {
      const v = s.slos.find((x) => x.sli === sli);
      return v === undefined || v.valueMs === null ? '-' : `${Math.round(v.valueMs)} ms`;
    };
    const server = s.targetView?.['api-mutating']?.p99Ms;
    const row = `${n} kubelets: exit ${result.code} (${s.status}), generator ${s.generator.saturated ? `SATURATED (${s.generator.reasons.join('; ')})` : 'healthy'}; API server + etcd ${cores.toFixed(2)} cores; P99 mutating ${p99('api-mutating')} (server ${server === undefined || server === null ? '-' : `${Math.round(server)} ms`}), registration ${p99('registration')}, distribution ${p99('distribution')}; registered ${s.clusters.registered}/${n}`;
    process.stdout.write(`${row}\n`);
    rows.push(row);
  } finally {
    await kube.stop();
  }
}
process.stdout.write(`\n${rows.join('\n')}\n`);

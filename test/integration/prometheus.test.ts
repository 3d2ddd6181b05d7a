// A real Prometheus scrapes a real short run; histogram_quantile over what it scraped must agree
// with the runner's own exact P99 within one bucket (the buckets include every SLO threshold).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import config from '../../k6.config';
import { bucketsWith } from '../../runner/metrics/buckets';
import type { RunSummary } from '../../runner/report/summary';
import { requireBinary } from '../helpers/binary';
import { realK6 } from '../helpers/k6';
import { startCli, tempReports } from '../helpers/cli';
import { freePort } from '../helpers/net';

const prometheus = requireBinary('prometheus', 'apt-get install prometheus');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

async function startPrometheus(scrapeYaml: string, extraArgs: string[] = []): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetload-prom-'));
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), `global: { scrape_interval: 1s, evaluation_interval: 1s }\n${scrapeYaml}`);
  const prom = spawn(prometheus!, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, ...extraArgs], { stdio: 'ignore' });
  children.push(prom);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok).catch(() => false);
    if (ready) return url;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('prometheus did not become ready within 10 s');
}

async function promQuery(base: string, query: string): Promise<number | undefined> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await res.json()) as { status: string; data: { result: Array<{ value: [number, string] }> } };
  const v = body.data.result[0]?.value[1];
  return v === undefined ? undefined : Number(v);
}

function bucketIndex(buckets: number[], seconds: number): number {
  const i = buckets.findIndex((le) => seconds <= le + 1e-9);
  return i < 0 ? buckets.length : i;
}

describe.skipIf(!prometheus)('Prometheus scraping a run', () => {
  it('agrees with the runner on the API latency P99 within one bucket', async () => {
    const exporterPort = await freePort();
    const promUrl = await startPrometheus(`scrape_configs:\n  - job_name: fleetload\n    static_configs: [{ targets: ['127.0.0.1:${exporterPort}'] }]\n`);

    const reports = tempReports();
    const run = startCli(['run', '--clusters', '200', '--duration', '25s', '--engine', 'embedded', '--metrics-addr', `127.0.0.1:${exporterPort}`, '--reports-dir', reports, '--run-id', 'prom']);
    const result = await run.done;
    // Pass or breach is the machine's business on a shared box; what is checked here is that
    // Prometheus saw what the runner judged.
    expect([0, 1, 4], result.stdout + result.stderr).toContain(result.code);
    const summary = JSON.parse(readFileSync(join(reports, 'prom', 'summary.json'), 'utf8')) as RunSummary;
    const mutating = summary.slos.find((s) => s.sli === 'api-mutating')!;
    expect(mutating.stats.count).toBeGreaterThan(500);

    // The exporter is gone now; last_over_time reads the last scrape before it went.
    const q = 'histogram_quantile(0.99, sum by (le) (last_over_time(fleetload_api_request_duration_seconds_bucket{verb=~"POST|PUT|PATCH|DELETE",code_class!="error"}[5m])))';
    const promP99 = await promQuery(promUrl, q);
    expect(promP99).toBeDefined();
    const buckets = bucketsWith(Object.values(config.base.slos).map((s) => s.thresholdMs));
    const runnerP99 = mutating.stats.p99 / 1000;
    expect(Math.abs(bucketIndex(buckets, promP99!) - bucketIndex(buckets, runnerP99)), `prometheus ${promP99} s, runner ${runnerP99} s`).toBeLessThanOrEqual(1);

    const registered = await promQuery(promUrl, 'last_over_time(fleetload_agents{state="registered"}[5m])');
    expect(registered).toBe(200);
    const info = await promQuery(promUrl, 'count(last_over_time(fleetload_run_info{run_id="prom"}[5m]))');
    expect(info).toBe(1);
  });

  const k6 = realK6();
  it.skipIf(!k6)('receives real k6\'s own metrics by remote write, tagged with the run id', async () => {
    const promUrl = await startPrometheus('scrape_configs: []\n', ['--web.enable-remote-write-receiver']);
    const reports = tempReports();
    const run = startCli(['run', '--clusters', '50', '--duration', '12s', '--engine', 'k6', '--no-metrics', '--k6-prometheus-rw', `${promUrl}/api/v1/write`, '--reports-dir', reports, '--run-id', 'rw']);
    const result = await run.done;
    expect([0, 1, 4], result.stdout + result.stderr).toContain(result.code);
    const summary = JSON.parse(readFileSync(join(reports, 'rw', 'summary.json'), 'utf8')) as RunSummary;
    const requests = await promQuery(promUrl, 'sum(last_over_time(k6_http_reqs_total{testid="rw"}[5m]))');
    // k6 pushes every 5 s and once at the end: everything it counted arrives.
    expect(requests).toBe(summary.counts.requests);
    expect(await promQuery(promUrl, 'sum(last_over_time(k6_fleet_agents_registered_total{testid="rw"}[5m]))')).toBe(50);
  });
});

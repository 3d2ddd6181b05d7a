// A real Prometheus scrapes a real short run (embedded engine, built-in simulator, ephemeral
// ports); then every query of every panel of every committed dashboard, its variables set to the
// run's values, goes to Prometheus's HTTP API and must return data, as Grafana would ask for it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import config from '../k6.config';
import { bucketsWith } from '../runner/metrics/buckets';
import type { RunSummary } from '../runner/report/summary';
import { requireBinary } from '../test/helpers/binary';
import { startCli, tempReports } from '../test/helpers/cli';
import { freePort } from '../test/helpers/net';
import { DASHBOARDS_DIR } from './generate';

// Skips with the reason printed locally; fails under CI=true (inCi() in requireBinary).
const prometheus = requireBinary('prometheus', 'apt-get install -y prometheus');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

/**
 * Panels that cannot have data in this run, by dashboard and panel title, and why. Their queries
 * are still sent, and must be valid PromQL.
 */
const NO_DATA_EXPECTED: ReadonlyMap<string, string> = new Map([
  ...['apiserver P99 by verb and scope', 'apiserver requests by code', 'etcd request P99 by operation', 'apiserver process'].map(
    (t) => [`fleetload target / ${t}`, 'the target is the built-in simulator, not a Kubernetes API server'] as const,
  ),
  ...['k6 requests per second', 'k6 http_req_duration P99', 'k6 VUs'].map(
    (t) => [`fleetload run overview / ${t}`, 'k6 remote-write metrics: the embedded engine pushes none (test/integration/prometheus.test.ts covers real k6)'] as const,
  ),
]);

interface Target {
  expr: string;
  instant?: boolean;
}
interface PanelJson {
  type: string;
  title: string;
  targets?: Target[];
}
interface DashboardJson {
  title: string;
  panels: PanelJson[];
}
interface PromResult {
  status: string;
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> }> };
}

async function startPrometheus(sdFile: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetload-dash-prom-'));
  const port = await freePort();
  // File discovery: Prometheus is up before the CLI has picked its ephemeral ports, and sees the
  // targets as soon as they are written; its scrape manager still applies new targets at most
  // every 5 s, so the first scrape comes about 5 s into the run (hence the slow registrations).
  writeFileSync(join(dir, 'prometheus.yml'), `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: discovered\n    file_sd_configs: [{ files: ['${sdFile}'], refresh_interval: 1s }]\n`);
  const prom = spawn(prometheus!, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  children.push(prom);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${url}/-/ready`).then((r) => r.ok).catch(() => false)) return url;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('prometheus did not become ready within 10 s');
}

async function promApi(base: string, path: string, params: Record<string, string>): Promise<PromResult> {
  const res = await fetch(`${base}${path}`, { method: 'POST', body: new URLSearchParams(params) });
  return (await res.json()) as PromResult;
}

/** Whether a result holds at least one finite number (Grafana draws NaN and Inf as gaps). */
function hasData(r: PromResult): boolean {
  for (const s of r.data?.result ?? []) {
    const points = s.values ?? (s.value ? [s.value] : []);
    if (points.some(([, v]) => Number.isFinite(Number(v)))) return true;
  }
  return false;
}

function bucketIndex(buckets: number[], seconds: number): number {
  const i = buckets.findIndex((le) => seconds <= le + 1e-9);
  return i < 0 ? buckets.length : i;
}

describe.skipIf(!prometheus)('the generated dashboards against a real run', () => {
  it('every panel query returns data; the api-mutating P99 panel agrees with the verdict', async () => {
    const sdDir = mkdtempSync(join(tmpdir(), 'fleetload-dash-sd-'));
    const sdFile = join(sdDir, 'targets.json');
    writeFileSync(sdFile, '[]');
    const promUrl = await startPrometheus(sdFile);

    const runId = 'dash-it';
    const release = 'v9.9.9-it';
    const reports = tempReports();
    const startedS = Date.now() / 1000;
    const run = startCli([
      'run', '--clusters', '200', '--duration', '20s', '--engine', 'embedded', '--metrics-addr', '127.0.0.1:0',
      '--reports-dir', reports, '--run-id', runId, '--release', release, '--quiet',
      // Registrations spread over 8 s, so they span several scrapes instead of ending before the first.
      '--set', 'agent.registrationRatePerS=25',
    ]);
    // Each target is handed to Prometheus the moment the CLI names it.
    const sd: Array<{ targets: string[]; labels: { job: string } }> = [];
    const discover = (host: string, job: string): void => {
      sd.push({ targets: [host], labels: { job } });
      writeFileSync(sdFile, JSON.stringify(sd));
    };
    discover(new URL((await run.line(/metrics: (http:\/\/\S+)/))[1]!).host, 'fleetload');
    discover(new URL((await run.line(/built-in simulator at (http:\/\/\S+)/))[1]!).host, 'fleetsim');
    const result = await run.done;
    const endS = Date.now() / 1000;
    // Pass or breach is the machine's business on a shared box (as in prometheus.test.ts).
    expect([0, 1, 4], result.stdout + result.stderr).toContain(result.code);
    const summary = JSON.parse(readFileSync(join(reports, runId, 'summary.json'), 'utf8')) as RunSummary;

    const rangeS = Math.ceil(endS - startedS) + 2;
    const vars: Record<string, string> = {
      run_id: runId, run_a: runId, run_b: runId, release, release_a: release, release_b: release,
      profile: 'smoke', protocol: '.*', testid: runId, sim_job: 'fleetsim', apiserver_job: 'apiserver', datasource: 'prometheus',
      // Grafana's: 4 × the 1 s scrape interval; $__interval as Grafana picks it for a short range.
      __rate_interval: '4s', __interval: '1s', __range: `${rangeS}s`,
    };
    const substitute = (expr: string): string => expr.replace(/\$\{?(\w+)\}?/g, (m, name: string) => vars[name] ?? m);

    const files = readdirSync(join(DASHBOARDS_DIR, 'generated')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBe(4);
    const empty: string[] = [];
    const invalid: string[] = [];
    const unexpectedData: string[] = [];
    let queries = 0;
    let mutatingP99: number | undefined;
    for (const f of files) {
      const d = JSON.parse(readFileSync(join(DASHBOARDS_DIR, 'generated', f), 'utf8')) as DashboardJson;
      for (const p of d.panels) {
        if (p.type === 'row') continue;
        const key = `${d.title} / ${p.title}`;
        const exempt = NO_DATA_EXPECTED.has(key);
        let panelHasData = false;
        for (const t of p.targets ?? []) {
          const expr = substitute(t.expr);
          expect(expr, `${key}: unsubstituted variable`).not.toMatch(/\$/);
          queries++;
          const r = t.instant
            ? await promApi(promUrl, '/api/v1/query', { query: expr, time: String(endS) })
            : await promApi(promUrl, '/api/v1/query_range', { query: expr, start: String(startedS - 1), end: String(endS), step: '1' });
          if (r.status !== 'success') {
            invalid.push(`${key}: ${r.error ?? r.status} in ${expr}`);
            continue;
          }
          const data = hasData(r);
          panelHasData ||= data;
          if (!data && !exempt) empty.push(`${key} (query ${t.expr.slice(0, 80)}…)`);
          if (d.title === 'fleetload SLIs' && p.title === 'api-mutating P99 over the run') mutatingP99 = Number(r.data!.result[0]?.value?.[1]);
        }
        if (exempt && panelHasData) unexpectedData.push(key);
      }
    }
    expect(invalid, 'queries Prometheus rejected').toEqual([]);
    expect(empty, 'panels with a query that returned no data').toEqual([]);
    // An exception that has data after all is no longer one: drop it from the list.
    expect(unexpectedData, 'listed as no-data, but returned data').toEqual([]);
    expect(queries).toBeGreaterThan(60);

    const mutating = summary.slos.find((s) => s.sli === 'api-mutating')!;
    expect(mutating.stats.count).toBeGreaterThan(100);
    expect(mutatingP99, 'the api-mutating P99 stat panel').toBeDefined();
    const buckets = bucketsWith(Object.values(config.base.slos).map((s) => s.thresholdMs));
    const runnerP99 = mutating.stats.p99 / 1000;
    expect(Math.abs(bucketIndex(buckets, mutatingP99!) - bucketIndex(buckets, runnerP99)), `dashboard ${mutatingP99} s, verdict ${runnerP99} s`).toBeLessThanOrEqual(1);
  });
});

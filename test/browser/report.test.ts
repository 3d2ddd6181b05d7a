// The report pages as a reader gets them: written to disk, opened in a real Chromium from file://
// with the network blocked. No errors, every chart drawn with its data and its objective, the
// verdict table complete, and full-page screenshots left under the OS temp dir for a person.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCompareHtml } from '../../runner/report/html/compare';
import { writeReportHtml } from '../../runner/report/html/report';
import { SUMMARY_SCHEMA } from '../../runner/report/summary';
import type { RunSummary } from '../../runner/report/summary';
import { SLIS } from '../../scenarios/lib/sli';
import { requireBinary } from '../helpers/binary';
import { runCli, tempReports } from '../helpers/cli';
import { checkCharts, launchOffline, openFile, tableRows, type ChartCheck, type OfflineBrowser } from './chromium';
import { syntheticComparison, syntheticSummary } from './fixture';

const chromiumPath = requireBinary('chromium', 'apt-get install chromium');
const SCREENSHOTS = join(tmpdir(), 'fleetload-report-screenshots');

// The badge colours of style.ts, as the browser computes them.
const GREEN = 'rgb(230, 244, 234)';
const RED = 'rgb(252, 232, 230)';
const AMBER = 'rgb(254, 243, 224)';
const GREY = 'rgb(236, 239, 241)';

/**
 * Every chart: found, sized, inked, each data series with points, each reference line drawn
 * across. `visible`: most of each series' points show on the canvas; a real run's few samples can
 * make P90 equal P99 in every window, hiding one under the other, so there it is only asked of the
 * synthetic runs, whose series are apart.
 */
function expectDrawn(charts: ChartCheck[], visible = true): void {
  for (const c of charts) {
    expect(c.found, `${c.id} has a uPlot instance`).toBe(true);
    expect(c.canvasWidth, `${c.id} canvas width`).toBeGreaterThan(300);
    expect(c.canvasHeight, `${c.id} canvas height`).toBeGreaterThan(150);
    expect(c.inked, `${c.id} has ink`).toBeGreaterThan(2000);
    // One legend row per series plus the x series.
    expect(c.legendRows, `${c.id} legend`).toBe(c.series.length + 1);
    const data = c.series.filter((s) => !s.reference);
    expect(data.length, `${c.id} has data series`).toBeGreaterThan(0);
    for (const s of data) {
      expect(s.points, `${c.id} ${s.label} has points`).toBeGreaterThan(0);
      // Points can hide under another series' point at the same value; most must show.
      if (visible) expect(s.pointsInked, `${c.id} ${s.label} points visible`).toBeGreaterThanOrEqual(Math.ceil(s.points / 2));
    }
    for (const r of c.series.filter((s) => s.reference)) {
      // A dashed line (7 on, 5 off) covers more than half its row; a quarter allows for crossings.
      expect(r.lineInked, `${c.id} ${r.label} drawn across`).toBeGreaterThan(r.lineWidth / 4);
    }
  }
}

async function screenshot(page: import('playwright-core').Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  process.stdout.write(`screenshot: ${file}\n`);
  return file;
}

describe.skipIf(chromiumPath === undefined)('report pages in Chromium, offline', () => {
  let browser: OfflineBrowser;
  const dir = mkdtempSync(join(tmpdir(), 'fleetload-html-'));

  beforeAll(async () => {
    browser = await launchOffline(chromiumPath!);
  });

  afterAll(async () => {
    await browser?.close();
    // The pages go; the screenshots stay for a person to look at.
    rmSync(dir, { recursive: true, force: true });
  });

  it('the network guard sees a page that reaches out (so its silence below means something)', async () => {
    const file = join(dir, 'leaky.html');
    writeFileSync(file, '<!doctype html><img src="http://192.0.2.1/pixel.png"><script>fetch("https://example.invalid/x").catch(() => {});</script>');
    const { page } = await openFile(browser, file);
    await page.waitForTimeout(300);
    await page.close();
    expect(browser.attempted).toEqual(expect.arrayContaining(['http://192.0.2.1/pixel.png', 'https://example.invalid/x']));
    browser.attempted.length = 0;
  });

  async function checkReport(summary: RunSummary, name: string): Promise<{ charts: ChartCheck[]; rows: Awaited<ReturnType<typeof tableRows>> }> {
    const runDir = join(dir, name);
    const file = await writeReportHtml(runDir, summary);
    const { page, errors } = await openFile(browser, file);
    const charts = await checkCharts(page);
    const rows = await tableRows(page, 'verdicts');
    await screenshot(page, name);
    await page.close();
    expect(errors).toEqual([]);
    expect(browser.attempted).toEqual([]);
    expectDrawn(charts);
    expect(rows.map((r) => r.sli)).toEqual(SLIS.map((d) => d.name));
    return { charts, rows };
  }

  it('report.html of an inconclusive run: every chart drawn, objectives on the latency charts, amber breach', async () => {
    const summary = syntheticSummary({ runId: 'inconclusive-run' });
    expect(summary.status).toBe('inconclusive');
    const { charts, rows } = await checkReport(summary, 'report-inconclusive');
    // Six SLIs, agents, requests, generator CPU and event loop.
    expect(charts.map((c) => c.id)).toEqual([...SLIS.map((_, i) => `latency-${i}`), 'agents', 'requests', 'generator-cpu', 'generator-loop']);
    for (const [i, v] of summary.slos.entries()) {
      const chart = charts.find((c) => c.id === `latency-${i}`)!;
      expect(chart.log).toBe(true);
      expect(chart.series.map((s) => s.label)).toEqual(['P50', 'P90', 'P99', expect.stringMatching(/^objective P99 ≤ /)]);
      expect(chart.series[3]!.value).toBe(v.objectiveMs);
    }
    const tone = Object.fromEntries(rows.map((r) => [r.sli, r]));
    expect(tone.distribution).toMatchObject({ verdict: 'inconclusive', badge: AMBER });
    expect(tone['api-mutating']).toMatchObject({ verdict: 'pass', badge: GREEN });
  });

  it('report.html of a breached run with an SLI without samples: red breach, grey no-data, a note instead of an empty chart', async () => {
    const summary = syntheticSummary({ runId: 'breached-run', saturated: false, noData: ['api-read-cluster'] });
    expect(summary.status).toBe('slo-violated');
    const { charts, rows } = await checkReport(summary, 'report-breached');
    const cluster = SLIS.findIndex((d) => d.name === 'api-read-cluster');
    expect(charts.map((c) => c.id)).not.toContain(`latency-${cluster}`);
    const tone = Object.fromEntries(rows.map((r) => [r.sli, r]));
    expect(tone.distribution).toMatchObject({ verdict: 'fail', badge: RED });
    expect(tone['api-read-cluster']).toMatchObject({ verdict: 'no data', badge: GREY });
  });

  it('compare.html: both runs on every P99 chart with the objective, one table row per SLI, verdicts coloured', async () => {
    const a = syntheticSummary({ runId: 'baseline', release: 'v1.4.0', outage: false, saturated: false });
    const b = syntheticSummary({ runId: 'candidate', release: 'v1.5.0-rc.1', slowdownBySli: { 'api-mutating': 1.8, 'api-read-resource': 0.5 }, outage: false, saturated: false, seed: 11 });
    const comparison = syntheticComparison(a, b);
    const file = await writeCompareHtml(join(dir, 'compare'), a, b, comparison);
    const { page, errors } = await openFile(browser, file);
    const charts = await checkCharts(page);
    const rows = await tableRows(page, 'comparison');
    await screenshot(page, 'compare');
    await page.close();
    expect(errors).toEqual([]);
    expect(browser.attempted).toEqual([]);
    expectDrawn(charts);
    expect(charts).toHaveLength(SLIS.length);
    for (const c of charts) expect(c.series.map((s) => s.label)).toEqual([expect.stringMatching(/^A baseline/), expect.stringMatching(/^B candidate/), expect.stringMatching(/^objective P99/)]);
    expect(rows.map((r) => r.sli)).toEqual(SLIS.map((d) => d.name));
    for (const r of rows) {
      const want = { better: GREEN, worse: RED, 'within noise': GREY, inconclusive: AMBER }[r.verdict];
      expect(r.badge, `${r.sli} ${r.verdict}`).toBe(want);
    }
    expect(new Set(rows.map((r) => r.verdict))).toEqual(new Set(['worse', 'better', 'within noise', 'inconclusive']));
  });

  it('report.html of a real run (the built CLI, embedded engine, built-in simulator)', async () => {
    const reports = tempReports();
    const r = await runCli(['run', '--clusters', '100', '--duration', '12s', '--engine', 'embedded', '--no-metrics', '--quiet', '--reports-dir', reports, '--run-id', 'real']);
    // Any verdict will do (a loaded CI machine may saturate the generator); a harness failure will not.
    expect([0, 1, 4], r.stdout + r.stderr).toContain(r.code);
    const summary = JSON.parse(readFileSync(join(reports, 'real', 'summary.json'), 'utf8')) as RunSummary;
    rmSync(reports, { recursive: true, force: true });
    expect(summary.schema).toBe(SUMMARY_SCHEMA);
    const file = await writeReportHtml(join(dir, 'real'), summary);
    const { page, errors } = await openFile(browser, file);
    const charts = await checkCharts(page);
    const rows = await tableRows(page, 'verdicts');
    await screenshot(page, 'report-real-run');
    await page.close();
    expect(errors).toEqual([]);
    expect(browser.attempted).toEqual([]);
    expectDrawn(charts, false);
    expect(rows.map((r) => r.sli)).toEqual(summary.slos.map((v) => v.sli));
    const withSamples = summary.slos.filter((v) => summary.timeline.windows.some((w) => w.slis[v.sli] !== undefined));
    expect(charts.filter((c) => c.id.startsWith('latency-'))).toHaveLength(withSamples.length);
    expect(charts.map((c) => c.id)).toEqual(expect.arrayContaining(['agents', 'requests', 'generator-cpu', 'generator-loop']));
  }, 120_000);
});

// report.html as text: every string from the summary escaped, every SLI in the table and on a
// chart with its objective, the verdict colours, outages placed on the time axis, and nothing
// that would load from the network. (test/browser/report.test.ts opens it in Chromium.)
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticSummary } from '../../../test/browser/fixture';
import { SLIS } from '../../../scenarios/lib/sli';
import type { ReportWriter } from '../writers';
import type { RunSummary } from '../summary';
import { renderReportHtml, sloTone, writeReportHtml } from './report';
import { chartSpecsOf, expectOffline, HOSTILE } from '../../../test/browser/page-text';
import { objectiveText } from './charts';

/** Every string a summary carries that reaches the page, made hostile. */
function hostileSummary(): RunSummary {
  return syntheticSummary({
    patch: (s) => {
      s.runId = HOSTILE;
      s.release = HOSTILE;
      s.profile = HOSTILE;
      s.error = HOSTILE;
      s.target = { url: HOSTILE, kind: 'external', protocol: HOSTILE };
      s.engine = { ...s.engine, name: HOSTILE, version: HOSTILE };
      s.host = { ...s.host, platform: HOSTILE, node: HOSTILE };
      s.gitCommit = HOSTILE;
      s.fleetloadVersion = HOSTILE;
      s.warnings = [HOSTILE];
      s.disagreements = [HOSTILE];
      s.generator = { ...s.generator, reasons: [HOSTILE] };
      s.failures = [{ status: HOSTILE, name: HOSTILE, count: 3 }];
      // An SLI whose name and description are hostile, in the verdicts and the timeline alike.
      const v = s.slos[0]!;
      const old = v.sli;
      v.sli = HOSTILE;
      v.description = HOSTILE;
      v.note = HOSTILE;
      s.targetView = { [HOSTILE]: { count: 1, p99Ms: 1 } };
      for (const w of s.timeline.windows) {
        w.slis[HOSTILE] = w.slis[old]!;
        delete w.slis[old];
        w.endpoints[HOSTILE] = { requests: 5, failed: 1 };
      }
    },
  });
}

describe('renderReportHtml', () => {
  it('escapes every string from the summary, in the markup and in the chart data', () => {
    const html = renderReportHtml(hostileSummary());
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    // Exactly the page's own three scripts: the chart data, uPlot and the client.
    expect(html.match(/<script/g)).toHaveLength(3);
    // The chart data still says what the summary said once parsed.
    const specs = chartSpecsOf(html);
    expect(specs.find((c) => c.id === 'latency-0')!.title).toBe(`${HOSTILE} latency`);
  });

  it('the offline check catches what would fetch (so that its passing below means something)', () => {
    for (const bad of [
      '<script src="https://cdn.example/uplot.js"></script>',
      '<script type="module" src=//cdn.example/x.js></script>',
      '<link rel="stylesheet" href="http://cdn.example/u.css">',
      '<style>body { background: url("https://example.com/bg.png") }</style>',
      '<style>@import "u.css";</style>',
      '<img src="http://example.com/x.png">',
    ]) {
      expect(() => expectOffline(`<!doctype html><html><head></head><body>${bad}</body></html>`), bad).toThrow();
    }
  });

  it('is one self-contained file: uPlot and its CSS inlined, nothing fetched from anywhere', () => {
    const html = renderReportHtml(syntheticSummary());
    expectOffline(html);
    expect(html).toContain('var uPlot=function');
    expect(html).toContain('.uplot');
  });

  it('has a verdict row and a latency chart for every SLI, each chart with P50, P90, P99 and the objective line', () => {
    const s = syntheticSummary();
    const html = renderReportHtml(s);
    for (const d of SLIS) expect(html).toContain(`<tr class="row-${sloTone(s.slos.find((v) => v.sli === d.name)!, s.status).tone}" data-sli="${d.name}"`);
    const specs = chartSpecsOf(html);
    expect(specs.map((c) => c.id)).toEqual([...SLIS.map((_, i) => `latency-${i}`), 'agents', 'requests', 'generator-cpu', 'generator-loop']);
    s.slos.forEach((v, i) => {
      const c = specs.find((x) => x.id === `latency-${i}`)!;
      expect(c.title).toBe(`${v.sli} latency`);
      expect(c.log).toBe(true);
      expect(c.series.map((x) => x.label)).toEqual(['P50', 'P90', 'P99', `objective ${objectiveText(v.percentile, v.objectiveMs)}`]);
      const objective = c.series[3]!;
      expect(objective.reference).toBe(true);
      expect(new Set(objective.values)).toEqual(new Set([v.objectiveMs]));
      expect(objective.values).toHaveLength(c.x.length);
      // The P99 series is the timeline's, window by window, after the x=0 anchor.
      expect(c.series[2]!.values).toEqual([null, ...s.timeline.windows.map((w) => w.slis[v.sli]?.p99 ?? null)]);
      expect(c.series[2]!.absent).toEqual([0]);
    });
  });

  it('colours by result: a breach is red, amber when the run is inconclusive; no data grey and no chart', () => {
    const inconclusive = syntheticSummary();
    expect(inconclusive.status).toBe('inconclusive');
    expect(renderReportHtml(inconclusive)).toMatch(/<tr class="row-amber" data-sli="distribution" data-verdict="inconclusive">/);
    const breached = syntheticSummary({ saturated: false, noData: ['api-read-cluster'] });
    expect(breached.status).toBe('slo-violated');
    const html = renderReportHtml(breached);
    expect(html).toMatch(/<tr class="row-fail" data-sli="distribution" data-verdict="fail">/);
    expect(html).toMatch(/<tr class="row-grey" data-sli="api-read-cluster" data-verdict="no data">/);
    expect(html).toMatch(/<tr class="row-pass" data-sli="api-mutating" data-verdict="pass">/);
    expect(html).toContain('no samples of api-read-cluster in any window');
    const cluster = SLIS.findIndex((d) => d.name === 'api-read-cluster');
    expect(chartSpecsOf(html).map((c) => c.id)).not.toContain(`latency-${cluster}`);
    expect(html).toContain('<div class="outcome r-fail" id="outcome">slo-violated');
  });

  it('shows a breach decided by agents that never registered as never completed, without made-up percentiles', () => {
    const s = syntheticSummary({
      noData: ['registration'],
      patch: (x) => {
        const v = x.slos.find((y) => y.sli === 'registration')!;
        Object.assign(v, { status: 'fail', valueMs: null, missing: 200, note: '200 never completed (counted as infinitely slow)' });
      },
    });
    const html = renderReportHtml(s);
    const row = /<tr class="row-amber" data-sli="registration"[^]*?<\/tr>/.exec(html)![0];
    expect(row).toContain('P99 ∞ (never completed)');
    expect(row).toContain('200 never completed (counted as infinitely slow)');
    expect(row).not.toContain('0.00 ms');
  });

  it('shades the outage on every time chart where it happened in the load (32 s to 37 s)', () => {
    const specs = chartSpecsOf(renderReportHtml(syntheticSummary()));
    for (const c of specs) {
      const outage = c.bands.filter((b) => b.kind === 'outage');
      expect(outage, c.id).toHaveLength(1);
      // The load's start is estimated from the run's end; the fixture's verdict took 0.4 s.
      expect(outage[0]!.fromS).toBeCloseTo(32, 0);
      expect(outage[0]!.toS).toBeCloseTo(37, 0);
    }
    expect(chartSpecsOf(renderReportHtml(syntheticSummary({ outage: false }))).flatMap((c) => c.bands.filter((b) => b.kind === 'outage'))).toEqual([]);
  });

  it('shows the generator: its charts, saturation reasons and warnings, request and error rates', () => {
    const s = syntheticSummary();
    const html = renderReportHtml(s);
    const specs = chartSpecsOf(html);
    const cpu = specs.find((c) => c.id === 'generator-cpu')!;
    expect(cpu.series.map((x) => x.label)).toEqual(['engine cores', 'host busy (cores)', 'engine capacity 2 cores']);
    expect(cpu.series[1]!.values.slice(1)).toEqual(s.timeline.windows.map((w) => w.generator!.hostBusy * s.host.cores));
    const loop = specs.find((c) => c.id === 'generator-loop')!;
    expect(loop.series[0]!.values.slice(1)).toEqual(s.timeline.windows.map((w) => w.generator!.eventLoopP99Ms));
    for (const r of s.generator.reasons) expect(html).toContain(r.replace(/>/g, '&gt;'));
    for (const w of s.warnings) expect(html).toContain(w);
    const requests = specs.find((c) => c.id === 'requests')!;
    const w0 = s.timeline.windows[0]!;
    expect(requests.series[0]!.values[1]).toBeCloseTo(w0.requests / (w0.endS - w0.startS));
    expect(requests.series[1]!.right).toBe(true);
    // Failures by endpoint, worst first.
    expect(html.indexOf('PUT /api/v1/namespaces/{ns}/clusters/{name}/lease')).toBeLessThan(html.indexOf('GET /api/v1/clusters<'));
  });

  it('says so instead of drawing when the generator was not measured', () => {
    const s = syntheticSummary({ patch: (x) => x.timeline.windows.forEach((w) => (w.generator = null)) });
    const html = renderReportHtml(s);
    expect(html).toContain('the generator&#39;s health was not measured in this run');
    expect(chartSpecsOf(html).map((c) => c.id)).not.toContain('generator-cpu');
  });

  it('renders a run interrupted before its first window closed: the verdicts, and words where the charts would be', () => {
    const s = syntheticSummary({
      noData: SLIS.map((d) => d.name),
      patch: (x) => {
        x.status = 'interrupted';
        x.exitCode = 130;
        x.timeline.windows = [];
        x.outages = [];
      },
    });
    const html = renderReportHtml(s);
    expect(chartSpecsOf(html)).toEqual([]);
    expect(html.match(/<tr class="row-grey"/g)).toHaveLength(SLIS.length);
    expect(html).toContain('no window closed before the run ended');
    expect(html).toContain('<div class="outcome r-grey" id="outcome">interrupted');
  });

  it('writeReportHtml writes report.html and fits REPORT_WRITERS', async () => {
    const writer: ReportWriter = { file: 'report.html', write: writeReportHtml };
    const dir = join(mkdtempSync(join(tmpdir(), 'fleetload-report-')), 'run-1');
    const file = await writer.write(dir, syntheticSummary());
    expect(file).toBe(join(dir, 'report.html'));
    expect(readFileSync(file, 'utf8')).toMatch(/^<!doctype html>/);
  });
});

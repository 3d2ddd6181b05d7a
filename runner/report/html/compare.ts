// compare.html: two runs on one page. First whether B is worse than A beyond the noise, per SLI,
// with why; then each SLI's P99 over time with both runs on the same chart against the objective,
// so a reader can see whether a change is a shift of the whole run or one bad stretch of it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Comparison, CompareVerdict, RunRef } from '../../compare/types';
import type { RunSummary } from '../summary';
import {
  chartFigure,
  COLORS,
  emptyFigure,
  engineLabel,
  escapeHtml as esc,
  fmtBytes,
  fmtCount,
  fmtMs,
  fmtPercent,
  objectiveText,
  outageBands,
  pageHtml,
  positive,
  referenceSeries,
  shortCommit,
  windowXs,
  xMaxOf,
  type ChartSeries,
  type ChartSpec,
  type Tone,
} from './charts';

const VERDICT_TONE: Readonly<Record<CompareVerdict, Tone>> = {
  better: 'pass',
  worse: 'fail',
  'within noise': 'grey',
  inconclusive: 'amber',
};

/** The charts' shared x: both runs' window ends, merged, to the millisecond. */
function mergedXs(a: RunSummary, b: RunSummary): number[] {
  const key = (v: number): number => Math.round(v * 1000) / 1000;
  return [...new Set([...windowXs(a), ...windowXs(b)].map(key))].sort((p, q) => p - q);
}

/**
 * One run's P99 of an SLI on the merged x: a value where the run has a window, a gap (null) where
 * its window had no samples, absent where only the other run has a window (the line spans it).
 */
function runSeries(s: RunSummary, sli: string, xs: number[], label: string, color: string): ChartSeries {
  const byEnd = new Map(s.timeline.windows.map((w) => [Math.round(w.endS * 1000) / 1000, w]));
  const values: Array<number | null> = [];
  const absent: number[] = [];
  xs.forEach((x, i) => {
    const w = byEnd.get(x);
    if (w === undefined) {
      values.push(null);
      absent.push(i);
    } else values.push(positive(w.slis[sli]?.p99));
  });
  return { label, color, values, absent };
}

function runLabel(r: RunRef): string {
  return `${r.runId} (${r.release})`;
}

function runsTable(a: RunSummary, b: RunSummary, c: Comparison): string {
  const row = (tag: string, r: RunRef, s: RunSummary, color: string): string =>
    [
      '<tr>',
      `<td><span class="legend-key" style="background:${color}"></span><strong>${esc(tag)}</strong></td>`,
      `<td class="mono">${esc(r.runId)}</td>`,
      `<td>${esc(r.release)}</td>`,
      `<td>${esc(r.profile)}</td>`,
      `<td>${esc(r.protocol)}</td>`,
      `<td class="num">${esc(fmtCount(r.clusters))}</td>`,
      `<td>${esc(r.status)}</td>`,
      `<td>${esc(engineLabel(s.engine))}</td>`,
      `<td>${esc(`${s.host.cores} cores, ${fmtBytes(s.host.memoryBytes)}`)}</td>`,
      `<td class="mono" title="${esc(s.gitCommit ?? 'unknown')}">${esc(shortCommit(s.gitCommit))}</td>`,
      `<td class="mono">${esc(r.startedAt)}</td>`,
      '</tr>',
    ].join('');
  return `<table class="data" id="runs"><thead><tr><th>run</th><th>run id</th><th>release</th><th>profile</th><th>protocol</th><th class="num">clusters</th><th>status</th><th>engine</th><th>host</th><th>commit</th><th>started</th></tr></thead><tbody>${row('A (reference)', c.a, a, COLORS.runA)}${row('B', c.b, b, COLORS.runB)}</tbody></table>`;
}

function comparisonTable(c: Comparison): string {
  const rows = c.slis.map((s) => {
    const tone = VERDICT_TONE[s.verdict];
    const value = (v: number | null): string => (v === null ? '–' : fmtMs(v));
    return [
      `<tr class="row-${tone}" data-sli="${esc(s.sli)}" data-verdict="${esc(s.verdict)}">`,
      `<td><strong>${esc(s.sli)}</strong></td>`,
      `<td class="num">P${esc(String(s.percentile))}</td>`,
      `<td class="num">${esc(value(s.a))}</td>`,
      `<td class="num">${esc(value(s.b))}</td>`,
      `<td class="num value">${esc(fmtPercent(s.changePercent))}</td>`,
      `<td><span class="badge r-${tone}">${esc(s.verdict)}</span></td>`,
      `<td class="num">${s.pValue === null ? '–' : esc(s.pValue < 0.001 ? '< 0.001' : s.pValue.toFixed(3))}</td>`,
      `<td class="num">${esc(`${s.windowsA} / ${s.windowsB}`)}</td>`,
      `<td class="desc">${esc(s.reason)}</td>`,
      '</tr>',
    ].join('');
  });
  return `<table class="data" id="comparison"><thead><tr><th>SLI</th><th class="num">percentile</th><th class="num">A</th><th class="num">B</th><th class="num">change</th><th>verdict</th><th class="num">p-value</th><th class="num">windows A / B</th><th>reason</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function p99Charts(a: RunSummary, b: RunSummary, c: Comparison): { html: string[]; specs: ChartSpec[] } {
  const xs = mergedXs(a, b);
  const xMax = Math.max(xMaxOf(a), xMaxOf(b));
  const bands = [...outageBands(a, 'A outage'), ...outageBands(b, 'B outage')];
  // The table's SLIs first, in its order; then any SLI only the summaries know.
  const names = [...new Set([...c.slis.map((s) => s.sli), ...a.slos.map((v) => v.sli), ...b.slos.map((v) => v.sli)])];
  const html: string[] = [];
  const specs: ChartSpec[] = [];
  names.forEach((sli, i) => {
    const id = `p99-${i}`;
    const has = (s: RunSummary): boolean => s.timeline.windows.some((w) => w.slis[sli] !== undefined);
    if (!has(a) && !has(b)) {
      html.push(emptyFigure(id, `${sli} P99`, `no samples of ${sli} in either run`));
      return;
    }
    const va = a.slos.find((v) => v.sli === sli);
    const vb = b.slos.find((v) => v.sli === sli);
    const refs: ChartSeries[] = [];
    if (va) refs.push(referenceSeries(`objective ${objectiveText(va.percentile, va.objectiveMs)}${vb && vb.objectiveMs !== va.objectiveMs ? ' (A)' : ''}`, COLORS.objective, va.objectiveMs, xs.length));
    // B judged against another objective: both are drawn, or the chart would hide the difference.
    if (vb && (!va || vb.objectiveMs !== va.objectiveMs)) refs.push(referenceSeries(`objective ${objectiveText(vb.percentile, vb.objectiveMs)}${va ? ' (B)' : ''}`, '#8e0000', vb.objectiveMs, xs.length));
    const row = c.slis.find((s) => s.sli === sli);
    const spec: ChartSpec = {
      id,
      title: `${sli} P99`,
      note: `Per ${a.timeline.windowS} s window, log scale, A blue and B orange; dashed: the objective.${row ? ` Verdict: ${row.verdict}${row.changePercent === null ? '' : ` (${fmtPercent(row.changePercent)})`}.` : ''}`,
      x: xs,
      xMax,
      unit: 'ms',
      yLabel: 'P99 latency',
      log: true,
      series: [runSeries(a, sli, xs, `A ${runLabel(c.a)}`, COLORS.runA), runSeries(b, sli, xs, `B ${runLabel(c.b)}`, COLORS.runB), ...refs],
      bands,
    };
    specs.push(spec);
    html.push(chartFigure(spec));
  });
  return { html, specs };
}

export function renderCompareHtml(a: RunSummary, b: RunSummary, comparison: Comparison): string {
  const c = comparison;
  const worse = c.slis.filter((s) => s.verdict === 'worse');
  const better = c.slis.filter((s) => s.verdict === 'better');
  const inconclusive = c.slis.filter((s) => s.verdict === 'inconclusive');
  const tone = c.worse ? 'fail' : inconclusive.length > 0 ? 'amber' : 'pass';
  const headline = c.worse
    ? `B is worse beyond noise on ${worse.map((s) => s.sli).join(', ')}`
    : `no SLI worse beyond noise${better.length > 0 ? `; better on ${better.map((s) => s.sli).join(', ')}` : ''}${inconclusive.length > 0 ? `; ${inconclusive.length} inconclusive` : ''}`;
  const charts = p99Charts(a, b, c);
  const flags =
    c.flags.length > 0
      ? `<div class="callout warn" id="flags"><strong>Read with care</strong><ul>${c.flags.map((f) => `<li>${esc(f)}</li>`).join('')}</ul></div>`
      : '<p class="muted" id="flags">Nothing makes this comparison questionable: same protocol, profile and fleet size, both runs complete.</p>';
  const body = [
    '<header class="run"><div class="headline">',
    `<h1>fleetload comparison: <span class="mono">${esc(runLabel(c.a))}</span> → <span class="mono">${esc(runLabel(c.b))}</span></h1>`,
    `<div class="outcome r-${tone}" id="outcome">${esc(c.worse ? 'worse' : 'not worse')} <small>· ${esc(headline)}</small></div>`,
    '</div></header>',
    '<h2>Runs</h2>',
    runsTable(a, b, c),
    flags,
    '<h2>Per SLI</h2>',
    comparisonTable(c),
    '<h2>P99 over time</h2>',
    `<p class="muted">Both runs from their load's start; outages of either run are shaded red.</p>`,
    `<div class="charts">${charts.html.join('\n')}</div>`,
    '<h2>Method</h2>',
    `<p class="method" id="method">${esc(c.method)}${c.historyRuns > 0 ? ` <span class="muted">(noise band widened with ${esc(String(c.historyRuns))} earlier run(s).)</span>` : ''}</p>`,
    `<footer>fleetload compare · charts by uPlot, inlined: this file needs no network.</footer>`,
  ].join('\n');
  return pageHtml({ title: `fleetload compare ${c.a.runId} → ${c.b.runId}`, body, charts: charts.specs });
}

/** Writes compare.html into `dir` (for `fleetload compare`). */
export async function writeCompareHtml(dir: string, a: RunSummary, b: RunSummary, comparison: Comparison): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'compare.html');
  await writeFile(file, renderCompareHtml(a, b, comparison));
  return file;
}

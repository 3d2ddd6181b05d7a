// What the run page and the comparison page share: escaping, number formats, the page shell with
// uPlot and its CSS inlined (the file must open from disk, offline, years later), and chart specs
// built from the timeline. A chart is a JSON spec in the page; CLIENT_JS turns each into a uPlot.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RunSummary } from '../summary';
import { CLIENT_JS } from './client';
import { PAGE_CSS } from './style';

/** How a result is coloured on both pages: pass/better green, fail/worse red, amber, grey. */
export type Tone = 'pass' | 'fail' | 'amber' | 'grey';

export type Unit = 'ms' | 'count' | 'rate' | 'cores' | 'percent';

export interface ChartSeries {
  label: string;
  color: string;
  /** One value per x; null is a gap (a window without samples). */
  values: Array<number | null>;
  /** Indices with no point at all (another run's x, the x=0 anchor): the line spans them, unlike a gap. */
  absent?: number[];
  /** A reference line (an objective, a capacity), drawn dashed and not counted as data. */
  reference?: boolean;
  /** Second y axis, on the right, for a series of another unit. */
  right?: boolean;
}

export interface ChartBand {
  fromS: number;
  toS: number;
  label: string;
  kind: 'outage' | 'warmup';
}

export interface ChartSpec {
  id: string;
  title: string;
  /** One line under the title: what the chart shows and how to read it. */
  note: string;
  /** Seconds since the load started. */
  x: number[];
  xMax: number;
  unit: Unit;
  yLabel: string;
  /** Log scale: latency percentiles and their objective can be orders of magnitude apart. */
  log: boolean;
  right?: { unit: Unit; label: string; color: string };
  series: ChartSeries[];
  bands: ChartBand[];
}

/** Every string from a summary goes through this before it reaches the page. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * JSON inside a <script> element: `<` is escaped so that no string in it (a run id, a URL
 * template) can close the element, and U+2028/2029 because older parsers end a line on them.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

let assets: { js: string; css: string } | undefined;

/** uPlot's browser build and stylesheet, read from node_modules once per process. */
export function uplotAssets(): { js: string; css: string } {
  if (assets) return assets;
  // Resolved from this module (or the bundle it ends up in), so it works from the sources and dist/.
  const require = createRequire(import.meta.url);
  const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  // Inlined in <script>: a literal closing tag inside would end the element early.
  if (/<\/script/i.test(js)) throw new Error('uPlot build contains </script; it cannot be inlined');
  assets = { js, css };
  return assets;
}

export function fmtMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '∞';
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(ms >= 600_000 ? 0 : 1)} min`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 1 : 2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtSeconds(s: number): string {
  if (s < 120) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m} min ${Math.round(s - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function fmtBytes(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}

export function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function fmtPercent(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return '–';
  return `${p > 0 ? '+' : ''}${p.toFixed(Math.abs(p) < 10 ? 1 : 0)} %`;
}

/** `P99 ≤ 1.00 s`: an SLO's objective as the verdict table and the chart legends write it. */
export function objectiveText(percentile: number, objectiveMs: number): string {
  return `P${percentile} ≤ ${fmtMs(objectiveMs)}`;
}

/** The engine as one label: its version string already names it ("k6 v1.8.1", "embedded (node …)"). */
export function engineLabel(engine: { name: string; version: string }): string {
  return engine.version.startsWith(engine.name) ? engine.version : `${engine.name} ${engine.version}`;
}

export function shortCommit(commit: string | null): string {
  return commit === null ? 'unknown' : commit.slice(0, 12);
}

/**
 * When the load started, in epoch ms: the summary has the run's start (before preflight) and end
 * (after the verdict), the timeline seconds since the load started. The load ended when the last
 * window closed, and the verdict takes well under a second, so end minus the last window's end is
 * the load's start to within that.
 */
export function loadStartMs(s: RunSummary): number {
  const last = s.timeline.windows.at(-1);
  return last === undefined ? Date.parse(s.startedAt) : Date.parse(s.endedAt) - last.endS * 1000;
}

/** The x extent of a run's charts: from the load's start to the last window's end. */
export function xMaxOf(s: RunSummary): number {
  return s.timeline.windows.at(-1)?.endS ?? s.plan.durationS;
}

/** Outages as shaded spans in seconds since the load started, clipped to the charted range. */
export function outageBands(s: RunSummary, label = 'outage'): ChartBand[] {
  const start = loadStartMs(s);
  const xMax = xMaxOf(s);
  return s.outages.flatMap((o) => {
    const fromS = Math.max(0, (Date.parse(o.startedAt) - start) / 1000);
    const toS = Math.min(xMax, (Date.parse(o.endedAt) - start) / 1000);
    return toS > fromS ? [{ fromS, toS, label: `${label} ${o.seconds.toFixed(0)} s`, kind: 'outage' as const }] : [];
  });
}

/**
 * The x values of a run's charts: 0 (so that reference lines start at the load's start), then each
 * window's end, where its percentiles are plotted as Prometheus plots a rate.
 */
export function windowXs(s: RunSummary): number[] {
  return [0, ...s.timeline.windows.map((w) => w.endS)];
}

/** A data series over windowXs: nothing at the x=0 anchor, then one value (or a gap) per window. */
export function windowSeries(s: RunSummary, label: string, color: string, pick: (w: RunSummary['timeline']['windows'][number]) => number | null): ChartSeries {
  return { label, color, values: [null, ...s.timeline.windows.map(pick)], absent: [0] };
}

/** A horizontal line at `value` across the whole chart. */
export function referenceSeries(label: string, color: string, value: number, n: number): ChartSeries {
  return { label, color, values: new Array<number>(n).fill(value), reference: true };
}

/** A latency for a log scale: zero and below have no place on it, so they become gaps. */
export function positive(v: number | undefined): number | null {
  return v !== undefined && v > 0 ? v : null;
}

export const COLORS = {
  p50: '#2c7fb8',
  p90: '#7b3294',
  p99: '#e66101',
  objective: '#c62828',
  runA: '#2c7fb8',
  runB: '#e66101',
  registered: '#1b9e77',
  reregistered: '#7570b3',
  failed: '#c62828',
  fleet: '#555555',
  requests: '#2c7fb8',
  errors: '#c62828',
  engine: '#e66101',
  host: '#2c7fb8',
  capacity: '#555555',
  loop: '#7b3294',
} as const;

/** A chart's place in the page; the client fills it from the spec with the same id. */
export function chartFigure(spec: ChartSpec): string {
  return `<figure class="chart" id="${escapeHtml(spec.id)}"><figcaption><span class="chart-title">${escapeHtml(spec.title)}</span><span class="chart-note">${escapeHtml(spec.note)}</span></figcaption><div class="plot" data-chart="${escapeHtml(spec.id)}"></div></figure>`;
}

/** Where a chart would be when there is nothing to draw: said in words, not as an empty frame. */
export function emptyFigure(id: string, title: string, why: string): string {
  return `<figure class="chart chart-empty" id="${escapeHtml(id)}"><figcaption><span class="chart-title">${escapeHtml(title)}</span></figcaption><p class="empty">${escapeHtml(why)}</p></figure>`;
}

export interface PageInput {
  title: string;
  body: string;
  charts: ChartSpec[];
}

/** The whole document: one file with its styles, uPlot, the chart specs and the client inside. */
export function pageHtml(input: PageInput): string {
  const { js, css } = uplotAssets();
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may load from elsewhere: the page is read offline, attached to CI artefacts.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${css}</style>`,
    `<style>${PAGE_CSS}</style>`,
    '</head>',
    '<body>',
    input.body,
    `<script type="application/json" id="fleetload-charts">${jsonForScript(input.charts)}</script>`,
    `<script>${js}</script>`,
    `<script>${CLIENT_JS}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// reports/<run-id>/report.html: the run on one page an engineer reads in a minute. The verdict
// first (what passed, what failed, and whether the generator can be trusted), then how each SLI
// moved over the run against its objective, what the fleet and the load did, the generator's own
// health, and where the failures were. One self-contained file: it opens from disk, offline.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunStatus, RunSummary, TimelineWindow } from '../summary';
import {
  chartFigure,
  COLORS,
  emptyFigure,
  engineLabel,
  escapeHtml as esc,
  fmtBytes,
  fmtCount,
  fmtMs,
  fmtSeconds,
  loadStartMs,
  objectiveText,
  outageBands,
  pageHtml,
  positive,
  referenceSeries,
  shortCommit,
  windowSeries,
  windowXs,
  xMaxOf,
  type ChartBand,
  type ChartSpec,
  type Tone,
} from './charts';

const RUN_TONE: Readonly<Record<RunStatus, Tone>> = {
  passed: 'pass',
  'slo-violated': 'fail',
  inconclusive: 'amber',
  failed: 'fail',
  interrupted: 'grey',
};

const RUN_OUTCOME: Readonly<Record<RunStatus, string>> = {
  passed: 'every SLO met',
  'slo-violated': 'an SLO was breached',
  inconclusive: 'inconclusive: an SLO was breached while the load generator was saturated',
  failed: 'the run failed (harness, engine or target)',
  interrupted: 'interrupted: the results are partial',
};

type Slo = RunSummary['slos'][number];

/**
 * An SLO's result as the page colours it. A breach in an inconclusive run is amber, not red: the
 * saturated generator may have caused it (the same rule junit.xml follows with <skipped>).
 */
export function sloTone(v: Slo, runStatus: RunStatus): { tone: Tone; text: string } {
  if (v.status === 'pass') return { tone: 'pass', text: 'pass' };
  if (v.status === 'no-data') return { tone: 'grey', text: 'no data' };
  return runStatus === 'inconclusive' ? { tone: 'amber', text: 'inconclusive' } : { tone: 'fail', text: 'fail' };
}

function meta(label: string, value: string, title?: string): string {
  return `<div><dt>${esc(label)}</dt><dd${title ? ` title="${esc(title)}"` : ''}>${esc(value)}</dd></div>`;
}

function header(s: RunSummary): string {
  const tone = RUN_TONE[s.status];
  const items = [
    meta('run id', s.runId),
    meta('release under test', s.release),
    meta('profile', s.profile),
    meta('protocol', s.target.protocol),
    meta('target', `${s.target.url} (${s.target.kind === 'simulator' ? 'built-in simulator' : 'external'})`),
    meta('engine', engineLabel(s.engine)),
    meta('host', `${s.host.cores} cores · ${fmtBytes(s.host.memoryBytes)} · ${s.host.platform} · node ${s.host.node}`),
    meta('fleetload', `${s.fleetloadVersion} · commit ${shortCommit(s.gitCommit)}`, s.gitCommit ?? 'not a git checkout'),
    meta('status', `${s.status} (exit ${s.exitCode})`),
    meta('wall time', `${fmtSeconds(s.wallSeconds)} · ${s.startedAt} → ${s.endedAt}`),
    meta(
      'plan',
      `${fmtCount(s.plan.clusters)} clusters · ${fmtSeconds(s.plan.durationS)} · ${s.plan.vus} VUs × ${s.plan.agentsPerVu} agents${s.plan.sloWarmupS > 0 ? ` · warm-up ${fmtSeconds(s.plan.sloWarmupS)}` : ''}`,
    ),
    meta('engine exit', s.engine.exitCode === null ? 'none (did not finish)' : String(s.engine.exitCode)),
  ];
  return [
    '<header class="run">',
    '<div class="headline">',
    `<h1>fleetload run <span class="mono">${esc(s.runId)}</span></h1>`,
    `<div class="outcome r-${tone}" id="outcome">${esc(s.status)} <small>· exit ${esc(String(s.exitCode))} · ${esc(RUN_OUTCOME[s.status])}</small></div>`,
    '</div>',
    '</header>',
    `<dl class="meta">${items.join('')}</dl>`,
  ].join('\n');
}

function list(items: readonly string[]): string {
  return `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
}

/** What changes how the verdict reads: the error, the generator's saturation, warnings, disagreements. */
function callouts(s: RunSummary): string {
  const out: string[] = [];
  if (s.error !== undefined) {
    const kind = s.status === 'inconclusive' ? 'warn' : 'error';
    out.push(`<div class="callout ${kind}" id="run-error"><strong>${s.status === 'inconclusive' ? 'Why inconclusive' : 'Error'}</strong>${esc(s.error)}</div>`);
  }
  const g = s.generator;
  if (g.saturated || g.reasons.length > 0) {
    out.push(
      `<div class="callout warn" id="saturation"><strong>Load generator ${g.saturated ? 'saturated' : 'under strain'}: ${esc(String(g.unhealthyWindows))} unhealthy window(s) of ${esc(String(s.timeline.windows.length))}; latencies measured then include the harness's own queueing</strong>${list(g.reasons)}</div>`,
    );
  }
  if (s.warnings.length > 0) out.push(`<div class="callout warn" id="warnings"><strong>Warnings</strong>${list(s.warnings)}</div>`);
  if (s.disagreements.length > 0) out.push(`<div class="callout warn" id="disagreements"><strong>k6's thresholds and the runner's verdict disagree</strong>${list(s.disagreements)}</div>`);
  return out.join('\n');
}

function verdictTable(s: RunSummary): string {
  const server = s.targetView !== undefined;
  const head = [
    '<th>SLI</th>',
    '<th>objective</th>',
    '<th class="num">measured</th>',
    '<th>verdict</th>',
    '<th class="num">samples</th>',
    '<th class="num">P50</th>',
    '<th class="num">P90</th>',
    '<th class="num">P99</th>',
    '<th class="num">max</th>',
    '<th class="num">over objective</th>',
    server ? '<th class="num" title="the target\'s own server-side P99, from its /metrics">target\'s P99</th>' : '',
    '<th>notes</th>',
  ].join('');
  const rows = s.slos.map((v) => {
    const { tone, text } = sloTone(v, s.status);
    // A breach decided only by samples that never completed has no measured percentiles to show.
    const none = v.stats.count === 0;
    const cell = (ms: number): string => (none ? '–' : fmtMs(ms));
    const measured = v.status === 'no-data' ? '–' : `P${v.percentile} ${v.valueMs === null ? '∞ (never completed)' : fmtMs(v.valueMs)}`;
    const notes = [
      v.note,
      v.stats.warmupExcluded > 0 ? `${fmtCount(v.stats.warmupExcluded)} samples in the warm-up not judged` : undefined,
      v.missing > 0 && v.note === undefined ? `${fmtCount(v.missing)} never completed` : undefined,
    ].filter((n): n is string => n !== undefined);
    const tv = s.targetView?.[v.sli];
    const serverCell = server ? `<td class="num">${tv && tv.p99Ms !== null ? esc(fmtMs(tv.p99Ms)) : '–'}</td>` : '';
    return [
      `<tr class="row-${tone}" data-sli="${esc(v.sli)}" data-verdict="${esc(text)}">`,
      `<td><strong>${esc(v.sli)}</strong><div class="desc">${esc(v.description)}</div></td>`,
      `<td class="objective">${esc(objectiveText(v.percentile, v.objectiveMs))}</td>`,
      `<td class="num value">${esc(measured)}</td>`,
      `<td><span class="badge r-${tone}">${esc(text)}</span></td>`,
      `<td class="num">${esc(fmtCount(v.stats.count))}</td>`,
      `<td class="num">${esc(cell(v.stats.p50))}</td>`,
      `<td class="num">${esc(cell(v.stats.p90))}</td>`,
      `<td class="num">${esc(cell(v.stats.p99))}</td>`,
      `<td class="num">${esc(cell(v.stats.max))}</td>`,
      `<td class="num">${esc(fmtCount(v.stats.slowCount))}</td>`,
      serverCell,
      `<td class="desc">${esc(notes.join('; '))}</td>`,
      '</tr>',
    ].join('');
  });
  return `<table class="data" id="verdicts"><thead><tr>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

/** Per-window rates: the last window is usually shorter than the others. */
function perSecond(w: TimelineWindow, n: number): number {
  return n / Math.max(0.001, w.endS - w.startS);
}

function latencyCharts(s: RunSummary, bands: ChartBand[]): { html: string[]; specs: ChartSpec[] } {
  const html: string[] = [];
  const specs: ChartSpec[] = [];
  const x = windowXs(s);
  s.slos.forEach((v, i) => {
    const id = `latency-${i}`;
    const title = `${v.sli} latency`;
    if (!s.timeline.windows.some((w) => w.slis[v.sli] !== undefined)) {
      html.push(emptyFigure(id, title, `no samples of ${v.sli} in any window: nothing to draw`));
      return;
    }
    // API latency leaves the warm-up out of the verdict; the chart shows it, shaded, for context.
    const warmup: ChartBand[] = v.stats.warmupExcluded > 0 && s.plan.sloWarmupS > 0 ? [{ fromS: 0, toS: s.plan.sloWarmupS, label: 'warm-up (not judged)', kind: 'warmup' }] : [];
    const spec: ChartSpec = {
      id,
      title,
      note: `${v.description}. Per ${s.timeline.windowS} s window, log scale; the dashed line is the objective (${objectiveText(v.percentile, v.objectiveMs)}), verdict: ${sloTone(v, s.status).text}.`,
      x,
      xMax: xMaxOf(s),
      unit: 'ms',
      yLabel: 'latency',
      log: true,
      series: [
        windowSeries(s, 'P50', COLORS.p50, (w) => positive(w.slis[v.sli]?.p50)),
        windowSeries(s, 'P90', COLORS.p90, (w) => positive(w.slis[v.sli]?.p90)),
        windowSeries(s, 'P99', COLORS.p99, (w) => positive(w.slis[v.sli]?.p99)),
        referenceSeries(`objective ${objectiveText(v.percentile, v.objectiveMs)}`, COLORS.objective, v.objectiveMs, x.length),
      ],
      bands: [...warmup, ...bands],
    };
    specs.push(spec);
    html.push(chartFigure(spec));
  });
  return { html, specs };
}

function fleetCharts(s: RunSummary, bands: ChartBand[]): { html: string[]; specs: ChartSpec[] } {
  // A run interrupted before its first window closed has nothing over time to draw.
  if (s.timeline.windows.length === 0) {
    const why = 'no window closed before the run ended';
    return { html: [emptyFigure('agents', 'Agents by state', why), emptyFigure('requests', 'Request and error rates', why)], specs: [] };
  }
  const x = windowXs(s);
  const base = { x, xMax: xMaxOf(s), log: false, bands };
  const specs: ChartSpec[] = [
    {
      ...base,
      id: 'agents',
      title: 'Agents by state',
      note: `Cumulative at each window's end, against the fleet of ${fmtCount(s.plan.clusters)} clusters.`,
      unit: 'count',
      yLabel: 'agents',
      series: [
        windowSeries(s, 'registered', COLORS.registered, (w) => w.agents.registered),
        windowSeries(s, 're-registered', COLORS.reregistered, (w) => w.agents.reregistered),
        windowSeries(s, 'failed', COLORS.failed, (w) => w.agents.failed),
        referenceSeries('fleet size', COLORS.fleet, s.plan.clusters, x.length),
      ],
    },
    {
      ...base,
      id: 'requests',
      title: 'Request and error rates',
      note: 'Requests per second (left axis) and failed requests per second (right axis, red), per window.',
      unit: 'rate',
      yLabel: 'requests/s',
      right: { unit: 'rate', label: 'failed/s', color: COLORS.errors },
      series: [
        windowSeries(s, 'requests/s', COLORS.requests, (w) => perSecond(w, w.requests)),
        { ...windowSeries(s, 'failed/s', COLORS.errors, (w) => perSecond(w, w.requestsFailed)), right: true },
      ],
    },
  ];
  return { html: specs.map(chartFigure), specs };
}

function generatorCharts(s: RunSummary, bands: ChartBand[]): { html: string[]; specs: ChartSpec[] } {
  const measured = s.timeline.windows.filter((w) => w.generator !== null);
  if (measured.length === 0) {
    return { html: [emptyFigure('generator-cpu', 'Load generator CPU', 'the generator\'s health was not measured in this run')], specs: [] };
  }
  const x = windowXs(s);
  const base = { x, xMax: xMaxOf(s), log: false, bands };
  const cap = s.generator.engineCapacityCores;
  // Host busy is a share of the host; as cores it shares an axis with the engine's own CPU.
  const refs = [referenceSeries(`engine capacity ${cap} core${cap === 1 ? '' : 's'}`, COLORS.capacity, cap, x.length)];
  if (s.host.cores !== cap) refs.push(referenceSeries(`host ${s.host.cores} cores`, '#999999', s.host.cores, x.length));
  const dropped = measured.some((w) => (w.generator?.droppedIterations ?? 0) > 0);
  const cpu: ChartSpec = {
    ...base,
    id: 'generator-cpu',
    title: 'Load generator CPU',
    note: 'Cores the engine used, and how busy the whole host was (in cores, every process), against what the engine can use.',
    unit: 'cores',
    yLabel: 'cores',
    series: [
      windowSeries(s, 'engine cores', COLORS.engine, (w) => w.generator?.engineCores ?? null),
      windowSeries(s, 'host busy (cores)', COLORS.host, (w) => (w.generator ? w.generator.hostBusy * s.host.cores : null)),
      ...refs,
    ],
  };
  const loop: ChartSpec = {
    ...base,
    id: 'generator-loop',
    title: 'Event-loop delay',
    note: `P99 delay of the runner's event loop${s.engine.name === 'embedded' ? ' (where the embedded engine runs its VUs)' : ''}${dropped ? '; k6 dropped iterations on the right axis' : ''}.`,
    unit: 'ms',
    yLabel: 'delay',
    ...(dropped ? { right: { unit: 'count' as const, label: 'dropped iterations', color: COLORS.failed } } : {}),
    series: [
      windowSeries(s, 'event-loop P99', COLORS.loop, (w) => w.generator?.eventLoopP99Ms ?? null),
      ...(dropped ? [{ ...windowSeries(s, 'dropped iterations', COLORS.failed, (w) => w.generator?.droppedIterations ?? null), right: true }] : []),
    ],
  };
  return { html: [chartFigure(cpu), chartFigure(loop)], specs: [cpu, loop] };
}

function outagesTable(s: RunSummary): string {
  if (s.outages.length === 0) return '<p class="muted" id="outages">The target answered throughout the run.</p>';
  const start = loadStartMs(s);
  const rows = s.outages.map((o) => {
    const at = (Date.parse(o.startedAt) - start) / 1000;
    const back = o.recoverySeconds === null ? 'not by the end of the run' : `${fmtSeconds(o.recoverySeconds)} after it answered again`;
    return `<tr><td class="num">${esc(fmtSeconds(Math.max(0, at)))}</td><td class="mono">${esc(o.startedAt)}</td><td class="num">${esc(fmtSeconds(o.seconds))}</td><td>${esc(back)}</td></tr>`;
  });
  return `<table class="data" id="outages"><thead><tr><th class="num">from (since load start)</th><th>from</th><th class="num">lasted</th><th>the whole fleet heartbeat again</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const MAX_ROWS = 25;

function failureTables(s: RunSummary): string {
  const byEndpoint = new Map<string, { requests: number; failed: number }>();
  for (const w of s.timeline.windows) {
    for (const [name, e] of Object.entries(w.endpoints)) {
      const acc = byEndpoint.get(name) ?? { requests: 0, failed: 0 };
      acc.requests += e.requests;
      acc.failed += e.failed;
      byEndpoint.set(name, acc);
    }
  }
  const endpoints = [...byEndpoint.entries()].sort((a, b) => b[1].failed - a[1].failed || b[1].requests - a[1].requests);
  const worst = Math.max(1, ...endpoints.map(([, e]) => e.failed));
  const endpointRows = endpoints.slice(0, MAX_ROWS).map(([name, e]) => {
    const share = e.requests > 0 ? (e.failed / e.requests) * 100 : 0;
    // A CSS bar, not a chart: the width is the endpoint's failures against the worst endpoint's.
    const bar = e.failed > 0 ? `<span class="bar" style="width:${Math.max(2, Math.round((e.failed / worst) * 80))}px"></span>` : '';
    return `<tr><td class="mono">${esc(name)}</td><td class="num">${esc(fmtCount(e.requests))}</td><td class="num">${bar}${esc(fmtCount(e.failed))}</td><td class="num">${esc(share.toFixed(share > 0 && share < 1 ? 2 : 1))} %</td></tr>`;
  });
  const more = endpoints.length > MAX_ROWS ? `<p class="muted">and ${endpoints.length - MAX_ROWS} more endpoints.</p>` : '';
  const endpointTable =
    endpoints.length === 0
      ? '<p class="muted">No requests by endpoint in the timeline.</p>'
      : `<table class="data" id="endpoints"><thead><tr><th>endpoint</th><th class="num">requests</th><th class="num">failed</th><th class="num">failed %</th></tr></thead><tbody>${endpointRows.join('')}</tbody></table>${more}`;
  const statusRows = s.failures.slice(0, MAX_ROWS).map(
    (f) => `<tr><td>${esc(f.status === '0' ? 'no answer' : f.status)}</td><td class="mono">${esc(f.name)}</td><td class="num">${esc(fmtCount(f.count))}</td></tr>`,
  );
  const statusTable =
    s.failures.length === 0
      ? '<p class="muted" id="failures">No failed calls.</p>'
      : `<table class="data" id="failures"><thead><tr><th>status</th><th>endpoint</th><th class="num">calls</th></tr></thead><tbody>${statusRows.join('')}</tbody></table>`;
  return `<div class="stack"><div><h3>By endpoint (whole run)</h3>${endpointTable}</div><div><h3>Failed calls by status</h3>${statusTable}</div></div>`;
}

function countsLine(s: RunSummary): string {
  const c = s.counts;
  const parts = [
    `registered ${fmtCount(s.clusters.registered)} of ${fmtCount(s.clusters.requested)} clusters`,
    `${fmtCount(s.clusters.reregistered)} re-registered`,
    `${fmtCount(s.clusters.failed)} failed to register`,
    `${fmtCount(c.requests)} requests, ${fmtCount(c.requestsFailed)} failed`,
    `${fmtCount(c.heartbeats)} heartbeats`,
    `${fmtCount(c.deploymentsReady)} deployments ready, ${fmtCount(c.deploymentsFailed)} failed`,
    `${fmtCount(c.rolloutsCompleted)} rollouts completed, ${fmtCount(c.rolloutsIncomplete)} incomplete`,
  ];
  if (c.droppedIterations > 0) parts.push(`${fmtCount(c.droppedIterations)} dropped iterations`);
  return `<p id="counts">${esc(parts.join(' · '))}</p>`;
}

export function renderReportHtml(summary: RunSummary): string {
  const s = summary;
  const bands = outageBands(s);
  const latency = latencyCharts(s, bands);
  const fleet = fleetCharts(s, bands);
  const gen = generatorCharts(s, bands);
  const outageNote = bands.length > 0 ? ' Outages of the target are shaded red on every chart.' : '';
  const body = [
    header(s),
    callouts(s),
    '<h2>SLO verdicts</h2>',
    verdictTable(s),
    '<h2>Latency over time</h2>',
    `<p class="muted">P50, P90 and P99 of each ${s.timeline.windowS} s window, plotted at the window's end.${outageNote}</p>`,
    `<div class="charts">${latency.html.join('\n')}</div>`,
    '<h2>Fleet and load</h2>',
    countsLine(s),
    `<div class="charts">${fleet.html.join('\n')}</div>`,
    '<h2>Load generator health</h2>',
    `<p class="muted">${esc(s.generator.saturated ? 'Saturated: a breach in this run may be the harness\'s, not the target\'s.' : 'Not saturated: the latencies are the target\'s.')} Peak RSS of the runner ${esc(fmtBytes(s.runner.peakRssBytes))}, ${esc(s.runner.cpuSeconds.toFixed(1))} CPU seconds.</p>`,
    `<div class="charts">${gen.html.join('\n')}</div>`,
    '<h2>Outages</h2>',
    outagesTable(s),
    '<h2>Failures</h2>',
    failureTables(s),
    `<footer>${esc(s.schema)} · fleetload ${esc(s.fleetloadVersion)} · charts by uPlot, inlined: this file needs no network.</footer>`,
  ].join('\n');
  return pageHtml({ title: `fleetload ${s.runId}: ${s.status}`, body, charts: [...latency.specs, ...fleet.specs, ...gen.specs] });
}

/** Writes report.html beside summary.json; a ReportWriter for REPORT_WRITERS. */
export async function writeReportHtml(dir: string, summary: RunSummary): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'report.html');
  await writeFile(file, renderReportHtml(summary));
  return file;
}

// handleSummary's data in k6's shape, and a compact text version of k6's end-of-test summary.
import type { Aggregator, GroupNode } from './aggregate';
import { formatDurationMs } from './duration';
import type { ResolvedOptions } from './options';
import type { MetricType, ValueType } from './samples';
import { thresholdValueName, type ThresholdSet } from './thresholds';

export interface SummaryMetric {
  type: MetricType;
  contains: ValueType;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryData {
  root_group: GroupNode;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, SummaryMetric>;
}

export interface ThresholdVerdict {
  key: string;
  source: string;
  ok: boolean;
  actual: number;
}

export function buildSummary(agg: Aggregator, options: ResolvedOptions, durationMs: number, verdicts: readonly ThresholdVerdict[]): SummaryData {
  const d = durationMs / 1000;
  const metrics: Record<string, SummaryMetric> = {};
  const add = (name: string, type: MetricType, contains: ValueType, values: Record<string, number>): void => {
    metrics[name] = { type, contains, values };
  };
  for (const m of agg.metrics.values()) {
    add(m.name, m.type, m.contains, m.sink.values(d, options.summaryTrendStats));
    for (const s of agg.submetricsOf(m.name)) add(s.key, m.type, m.contains, s.metric.sink.values(d, options.summaryTrendStats));
  }
  for (const v of verdicts) {
    const target = metrics[v.key];
    if (target === undefined) continue;
    (target.thresholds ??= {})[v.source] = { ok: v.ok };
  }
  return {
    root_group: agg.root,
    options: { summaryTrendStats: options.summaryTrendStats, summaryTimeUnit: '', noColor: false },
    state: { isStdOutTTY: Boolean(process.stdout.isTTY), isStdErrTTY: Boolean(process.stderr.isTTY), testRunDurationMs: durationMs },
    metrics,
  };
}

function fmtValue(v: number, contains: ValueType): string {
  if (contains === 'time') return formatDurationMs(v);
  if (contains === 'data') return v >= 1e6 ? `${(v / 1e6).toFixed(1)} MB` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} kB` : `${v} B`;
  return Number.isInteger(v) ? String(v) : v.toFixed(6).replace(/\.?0+$/, '');
}

function fmtMetric(m: SummaryMetric): string {
  const v = m.values;
  switch (m.type) {
    case 'counter':
      return `${fmtValue(v.count ?? 0, m.contains)} ${fmtValue(v.rate ?? 0, m.contains === 'data' ? 'data' : 'default')}/s`;
    case 'gauge':
      return `${fmtValue(v.value ?? 0, m.contains)} min=${fmtValue(v.min ?? 0, m.contains)} max=${fmtValue(v.max ?? 0, m.contains)}`;
    case 'rate': {
      const total = (v.passes ?? 0) + (v.fails ?? 0);
      return `${((v.rate ?? 0) * 100).toFixed(2)}% ${v.passes ?? 0} out of ${total}`;
    }
    case 'trend':
      return Object.entries(v)
        .map(([k, x]) => `${k}=${fmtValue(x, m.contains)}`)
        .join(' ');
  }
}

function checkLines(g: GroupNode, indent: string, out: string[]): void {
  for (const c of g.checks) out.push(`${indent}${c.fails === 0 ? '✓' : '✗'} ${c.name}${c.fails === 0 ? '' : `\n${indent}  ↳  ${Math.round((c.passes / (c.passes + c.fails)) * 100)}% — ✓ ${c.passes} / ✗ ${c.fails}`}`);
  for (const sub of g.groups) {
    out.push(`${indent}█ ${sub.name}`, '');
    checkLines(sub, `${indent}  `, out);
    out.push('');
  }
}

const SECTIONS: ReadonlyArray<[string, readonly string[]]> = [
  ['HTTP', ['http_req_duration', 'http_req_failed', 'http_reqs']],
  ['EXECUTION', ['dropped_iterations', 'iteration_duration', 'iterations', 'vus', 'vus_max']],
  ['NETWORK', ['data_received', 'data_sent']],
];

/** Shown by k6's compact summary only on request; left out here as there. */
const HIDDEN = new Set(['checks', 'group_duration', 'http_req_blocked', 'http_req_connecting', 'http_req_tls_handshaking', 'http_req_sending', 'http_req_waiting', 'http_req_receiving']);

function section(title: string, rows: Array<[string, string]>, out: string[]): void {
  if (rows.length === 0) return;
  const width = Math.max(...rows.map(([n]) => n.length)) + 3;
  out.push(`    ${title}`);
  for (const [name, value] of rows) out.push(`    ${name}${'.'.repeat(width - name.length)}: ${value}`);
  out.push('');
}

/** A text rendering modelled on k6's default (compact) end-of-test summary. */
export function textSummary(data: SummaryData, thresholds: readonly ThresholdSet[], verdicts: readonly ThresholdVerdict[]): string {
  const out: string[] = [''];
  if (thresholds.length > 0) {
    out.push('  █ THRESHOLDS', '');
    for (const t of thresholds) {
      out.push(`    ${t.key}`);
      for (const th of t.thresholds) {
        const v = verdicts.find((x) => x.key === t.key && x.source === th.source);
        const m = data.metrics[t.key];
        const shown = v === undefined ? '' : ` ${thresholdValueName(th)}=${fmtValue(v.actual, m?.contains ?? 'default')}`;
        out.push(`    ${v?.ok === false ? '✗' : '✓'} '${th.source}'${shown}`);
      }
      out.push('');
    }
    out.push('');
  }
  out.push('  █ TOTAL RESULTS', '');
  const checks = data.metrics.checks;
  if (checks !== undefined) {
    const passes = checks.values.passes ?? 0;
    const fails = checks.values.fails ?? 0;
    const total = passes + fails;
    const secs = data.state.testRunDurationMs / 1000;
    const pct = (n: number): string => `${total === 0 ? '0.00' : ((n / total) * 100).toFixed(2)}%`;
    section('', [], out);
    out.push(`    checks_total.......: ${total} ${secs > 0 ? (total / secs).toFixed(6) : '0'}/s`);
    out.push(`    checks_succeeded...: ${pct(passes)} ${passes} out of ${total}`);
    out.push(`    checks_failed......: ${pct(fails)} ${fails} out of ${total}`, '');
    checkLines(data.root_group, '    ', out);
    if (out[out.length - 1] !== '') out.push('');
  }
  const placed = new Set<string>();
  const rowsFor = (names: readonly string[]): Array<[string, string]> => {
    const rows: Array<[string, string]> = [];
    for (const name of names) {
      const m = data.metrics[name];
      if (m === undefined) continue;
      placed.add(name);
      rows.push([name, fmtMetric(m)]);
      for (const [key, sub] of Object.entries(data.metrics)) {
        if (key.startsWith(`${name}{`)) {
          placed.add(key);
          rows.push([`  { ${key.slice(name.length + 1, -1)} }`, fmtMetric(sub)]);
        }
      }
    }
    return rows;
  };
  const sections = SECTIONS.map(([title, names]) => [title, rowsFor(names)] as const);
  const custom = Object.keys(data.metrics)
    .filter((n) => !n.includes('{') && !placed.has(n) && !HIDDEN.has(n))
    .sort();
  const customRows = rowsFor(custom);
  for (const [title, rows] of [...sections.filter(([t]) => t === 'HTTP'), ['CUSTOM', customRows] as const, ...sections.filter(([t]) => t !== 'HTTP')]) section(title, rows, out);
  out.push('');
  return out.join('\n');
}

// A Comparison as text: a table for the terminal (and CI logs), markdown for a CI job summary or
// a pull-request comment. Both say the verdict per SLI, why, what is questionable, and the method.
import { formatP } from './noise';
import type { Comparison, CompareVerdict, RunRef, SliComparison } from './types';

export function ms(v: number | null): string {
  if (v === null) return '-';
  if (!Number.isFinite(v)) return '∞';
  if (v >= 10_000) return `${(v / 1000).toFixed(1)} s`;
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  return `${v.toFixed(v < 10 ? 2 : 0)} ms`;
}

function change(c: number | null): string {
  if (c === null) return '-';
  const sign = c > 0 ? '+' : c < 0 ? '−' : '±';
  return `${sign}${Math.abs(c).toFixed(Math.abs(c) < 10 ? 1 : 0)} %`;
}

/** Upper case where it must catch the eye in a log, as the run's verdict table does for FAIL. */
const SHOUT: Record<CompareVerdict, string> = { worse: 'WORSE', better: 'better', 'within noise': 'within noise', inconclusive: 'inconclusive' };

function pCell(s: SliComparison): string {
  return s.pValue === null ? '-' : formatP(s.pValue).replace(/^p [=<] /, (m) => (m.includes('<') ? '<' : ''));
}

function runLine(label: string, r: RunRef): string {
  return `${label}: ${r.runId} (release ${r.release}, ${r.profile}, ${r.protocol}, ${r.clusters} clusters, ${r.status}, ${r.startedAt})`;
}

export function conclusion(c: Comparison): string {
  const worse = c.slis.filter((s) => s.verdict === 'worse').map((s) => s.sli);
  if (worse.length > 0) return `B is worse beyond noise: ${worse.join(', ')} (exit 1)`;
  const better = c.slis.filter((s) => s.verdict === 'better').map((s) => s.sli);
  const open = c.slis.filter((s) => s.verdict === 'inconclusive').map((s) => s.sli);
  const parts = ['no SLI worse beyond noise (exit 0)'];
  if (better.length > 0) parts.push(`better: ${better.join(', ')}`);
  if (open.length > 0) parts.push(`inconclusive: ${open.join(', ')}`);
  return parts.join('; ');
}

function rows(c: Comparison): string[][] {
  return c.slis.map((s) => [s.sli, `P${s.percentile}`, ms(s.a), ms(s.b), change(s.changePercent), pCell(s), `${s.windowsA}/${s.windowsB}`, SHOUT[s.verdict]]);
}

const HEAD = ['SLI', 'pct', 'A', 'B', 'change', 'p', 'windows', 'verdict'];

/** The terminal table, with one line of reasons per SLI, the flags and the conclusion. */
export function compareTable(c: Comparison): string {
  const all = [HEAD, ...rows(c)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const out = [runLine('A', c.a), runLine('B', c.b)];
  if (c.historyRuns > 0) out.push(`history: ${c.historyRuns} run${c.historyRuns === 1 ? '' : 's'} widen the noise band`);
  out.push('', line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line), '');
  for (const s of c.slis) out.push(`  ${s.sli}: ${s.reason}`);
  if (c.flags.length > 0) {
    out.push('', 'flags (read the verdicts with these in mind):');
    for (const f of c.flags) out.push(`  ! ${f}`);
  }
  out.push('', conclusion(c));
  return `${out.join('\n')}\n`;
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

const ICON: Record<CompareVerdict, string> = { worse: '🔴 worse', better: '🟢 better', 'within noise': '⚪ within noise', inconclusive: '❔ inconclusive' };

/** Markdown for a CI job summary or a PR comment. */
export function compareMarkdown(c: Comparison): string {
  const out: string[] = [];
  out.push(`## fleetload compare: ${c.worse ? 'worse beyond noise' : 'no SLI worse beyond noise'}`, '');
  out.push('| | run | release | profile | protocol | clusters | status | started |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [label, r] of [['A', c.a], ['B', c.b]] as const) {
    out.push(`| ${label} | \`${mdCell(r.runId)}\` | ${mdCell(r.release)} | ${mdCell(r.profile)} | ${mdCell(r.protocol)} | ${r.clusters} | ${mdCell(r.status)} | ${mdCell(r.startedAt)} |`);
  }
  if (c.historyRuns > 0) out.push('', `Noise band widened with ${c.historyRuns} history run${c.historyRuns === 1 ? '' : 's'}.`);
  if (c.flags.length > 0) {
    out.push('', '> [!WARNING]', '> Read the verdicts with these in mind:');
    for (const f of c.flags) out.push(`> - ${mdCell(f)}`);
  }
  out.push('', '| SLI | pct | A | B | change | p | windows A/B | verdict | why |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |');
  for (const s of c.slis) {
    out.push(`| ${mdCell(s.sli)} | P${s.percentile} | ${ms(s.a)} | ${ms(s.b)} | ${change(s.changePercent)} | ${pCell(s)} | ${s.windowsA}/${s.windowsB} | ${ICON[s.verdict]} | ${mdCell(s.reason)} |`);
  }
  out.push('', `**${mdCell(conclusion(c))}**`, '', '<details><summary>Method</summary>', '', c.method, '', '</details>', '');
  return out.join('\n');
}

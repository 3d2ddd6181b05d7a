// The verdict as a table a person reads at the end of a run (and CI logs keep).
import type { SloVerdict } from './judge';

function ms(v: number): string {
  if (!Number.isFinite(v)) return '∞';
  if (v >= 10_000) return `${(v / 1000).toFixed(1)} s`;
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  return `${v.toFixed(v < 10 ? 2 : 0)} ms`;
}

const STATUS = { pass: 'pass', fail: 'FAIL', 'no-data': 'no data' } as const;

export function verdictTable(verdicts: readonly SloVerdict[]): string {
  const rows = [['SLI', 'count', 'P50', 'P90', 'P99', 'max', 'SLO', 'verdict']];
  for (const v of verdicts) {
    const s = v.stats;
    const count = v.missing > 0 ? `${s.count}+${v.missing}` : String(s.count);
    const empty = s.count === 0;
    const p = Number.isInteger(v.percentile) ? v.percentile : v.percentile.toFixed(1);
    rows.push([
      v.sli,
      count,
      empty ? '-' : ms(s.p50),
      empty ? '-' : ms(s.p90),
      empty ? '-' : v.percentile === 99 ? ms(v.valueMs) : ms(s.p99),
      empty ? '-' : ms(s.max),
      `P${p} <= ${ms(v.objectiveMs)}`,
      STATUS[v.status],
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  for (const v of verdicts) if (v.note) out.push(`  ${v.sli}: ${v.note}`);
  return out.join('\n');
}

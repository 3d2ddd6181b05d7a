import { describe, expect, it } from 'vitest';
import { compareMarkdown, compareTable, conclusion, ms } from './render';
import type { Comparison } from './types';

const comparison = (over: Partial<Comparison> = {}): Comparison => ({
  a: { runId: 'run-a', release: 'v1.0', profile: 'smoke', protocol: 'fleetload-sim', clusters: 100, status: 'passed', startedAt: '2025-01-01T00:00:00.000Z' },
  b: { runId: 'run-b', release: 'v1.1', profile: 'smoke', protocol: 'fleetload-sim', clusters: 100, status: 'passed', startedAt: '2025-01-02T00:00:00.000Z' },
  historyRuns: 0,
  flags: [],
  slis: [
    { sli: 'registration', percentile: 99, a: 92, b: 190.5, changePercent: 107.07, verdict: 'worse', pValue: 1e-9, reason: 'P99 +107 %, beyond the ±11.7 % noise band', windowsA: 30, windowsB: 30 },
    { sli: 'api-mutating', percentile: 99, a: 3.67, b: 3.7, changePercent: 0.8, verdict: 'within noise', pValue: 0.734, reason: 'P99 +0.8 % is inside the band | pipes', windowsA: 30, windowsB: 30 },
    { sli: 'distribution', percentile: 99, a: 1500, b: null, changePercent: null, verdict: 'inconclusive', pValue: null, reason: 'B has 2 usable windows', windowsA: 30, windowsB: 2 },
  ],
  worse: true,
  method: 'The method paragraph.',
  ...over,
});

describe('ms', () => {
  it('formats as the run\'s verdict table does', () => {
    expect(ms(3.674)).toBe('3.67 ms');
    expect(ms(92)).toBe('92 ms');
    expect(ms(1500)).toBe('1.50 s');
    expect(ms(12_345)).toBe('12.3 s');
    expect(ms(null)).toBe('-');
  });
});

describe('compareTable', () => {
  it('one row per SLI, the reasons, and the conclusion with the exit code', () => {
    const t = compareTable(comparison());
    const lines = t.split('\n');
    expect(lines[0]).toBe('A: run-a (release v1.0, smoke, fleetload-sim, 100 clusters, passed, 2025-01-01T00:00:00.000Z)');
    expect(t).toMatch(/SLI +pct +A +B +change +p +windows +verdict/);
    expect(t).toMatch(/registration +P99 +92 ms +191 ms +\+107 % +<0\.0001 +30\/30 +WORSE/);
    expect(t).toMatch(/api-mutating +P99 +3\.67 ms +3\.70 ms +\+0\.8 % +0\.734 +30\/30 +within noise/);
    expect(t).toMatch(/distribution +P99 +1\.50 s +- +- +- +30\/2 +inconclusive/);
    expect(t).toContain('  registration: P99 +107 %, beyond the ±11.7 % noise band');
    expect(t.trimEnd().split('\n').at(-1)).toBe('B is worse beyond noise: registration (exit 1)');
    expect(t).not.toContain('flags');
  });

  it('shows the flags and the history', () => {
    const t = compareTable(comparison({ flags: ['different fleet sizes: A 100 clusters, B 1000'], historyRuns: 4 }));
    expect(t).toContain('history: 4 runs widen the noise band');
    expect(t).toContain('  ! different fleet sizes: A 100 clusters, B 1000');
  });
});

describe('conclusion', () => {
  it('names better and inconclusive SLIs when nothing is worse', () => {
    const c = comparison({ worse: false });
    c.slis[0]!.verdict = 'better';
    expect(conclusion(c)).toBe('no SLI worse beyond noise (exit 0); better: registration; inconclusive: distribution');
  });
});

describe('compareMarkdown', () => {
  it('a heading with the outcome, the runs, the flags as a warning, the table and the method', () => {
    const md = compareMarkdown(comparison({ flags: ['A (run-a) was interrupted'] }));
    expect(md.startsWith('## fleetload compare: worse beyond noise\n')).toBe(true);
    expect(md).toContain('| A | `run-a` | v1.0 | smoke | fleetload-sim | 100 | passed | 2025-01-01T00:00:00.000Z |');
    expect(md).toContain('> [!WARNING]');
    expect(md).toContain('> - A (run-a) was interrupted');
    expect(md).toContain('| registration | P99 | 92 ms | 191 ms | +107 % | <0.0001 | 30/30 | 🔴 worse | P99 +107 %, beyond the ±11.7 % noise band |');
    // A pipe in a reason must not break the table.
    expect(md).toContain('inside the band \\| pipes |');
    expect(md).toContain('**B is worse beyond noise: registration (exit 1)**');
    expect(md).toContain('<details><summary>Method</summary>\n\nThe method paragraph.\n\n</details>');
  });

  it('no flags, no warning block', () => {
    const md = compareMarkdown(comparison({ worse: false }));
    expect(md.startsWith('## fleetload compare: no SLI worse beyond noise')).toBe(true);
    expect(md).not.toContain('[!WARNING]');
  });
});

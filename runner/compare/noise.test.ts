import { describe, expect, it } from 'vitest';
import { DEFAULT_NOISE, describeMethod, formatP, judgeChange, median, relativeSpread, windowColumn, type SliEvidence } from './noise';

/** Window values around `level`, spread evenly by ±`spread` (deterministic, no RNG needed). */
function around(level: number, spread: number, n = 20): number[] {
  return Array.from({ length: n }, (_, i) => level * (1 + spread * (2 * (i / (n - 1)) - 1)));
}

function evidence(a: number[], b: number[], extra: Partial<SliEvidence> = {}): SliEvidence {
  return { percentile: 99, a: median(a), b: median(b), windowsA: a, windowsB: b, noiseWindows: a, historyRuns: 0, ...extra };
}

describe('windowColumn', () => {
  it('watches a percentile through the nearest window column at or above it', () => {
    expect(windowColumn(50)).toBe('p50');
    expect(windowColumn(75)).toBe('p90');
    expect(windowColumn(90)).toBe('p90');
    expect(windowColumn(95)).toBe('p99');
    expect(windowColumn(99)).toBe('p99');
    expect(windowColumn(99.9)).toBe('p99');
  });
});

describe('relativeSpread', () => {
  it('is 1.4826 × MAD ÷ median, robust to one wild window', () => {
    // median 3, absolute deviations 2 1 0 1 97: MAD 1.
    expect(relativeSpread([1, 2, 3, 4, 100])).toBeCloseTo(1.4826 / 3, 12);
    expect(relativeSpread([5])).toBe(0);
    expect(relativeSpread([0, 0, 0])).toBe(0);
  });
});

describe('judgeChange', () => {
  it('too few windows: inconclusive, naming the run and the minimum', () => {
    const j = judgeChange(evidence(around(100, 0.1), around(100, 0.1, 2)));
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toMatch(/^B has 2 usable windows .*3 needed/);
    expect(j.pValue).toBeNull();
  });

  it('3 windows against 3 cannot reach p < 0.05 whatever the data: inconclusive, not within noise', () => {
    const j = judgeChange(evidence([100, 101, 102], [300, 301, 302]));
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toContain('cannot reach p < 0.05');
  });

  it('a clear shift beyond the floor is worse (and the mirror image better)', () => {
    const worse = judgeChange(evidence(around(100, 0.1), around(200, 0.1)));
    expect(worse.verdict).toBe('worse');
    expect(worse.pValue).toBeLessThan(0.0001);
    expect(worse.reason).toMatch(/^P99 \+100 %, beyond the ±10\.\d % noise band/);
    const better = judgeChange(evidence(around(200, 0.1), around(100, 0.1)));
    expect(better.verdict).toBe('better');
  });

  it('a significant change smaller than the 10 % floor is within noise', () => {
    // Tight windows: a 5 % shift is highly significant, but too small to call a regression.
    const j = judgeChange(evidence(around(100, 0.01, 30), around(105, 0.01, 30)));
    expect(j.pValue).toBeLessThan(0.001);
    expect(j.verdict).toBe('within noise');
    expect(j.reason).toContain('is inside the ±10.0 % noise band');
  });

  it('a noisy SLI needs a larger change: the floor is the windows\' spread when that is larger', () => {
    const a = around(100, 0.8, 30);
    const b = around(140, 0.8, 30);
    const j = judgeChange(evidence(a, b));
    expect(j.floor).toBeCloseTo(relativeSpread(a), 12);
    expect(j.floor!).toBeGreaterThan(0.4);
    expect(j.verdict).toBe('within noise');
  });

  it('a whole-run change past the floor without a window difference is within noise', () => {
    const a = around(100, 0.1);
    const j = judgeChange({ ...evidence(a, a), b: 150 });
    expect(j.verdict).toBe('within noise');
    expect(j.reason).toContain('the windows do not differ');
  });

  it('the windows and the whole-run value disagreeing on the direction is within noise', () => {
    const j = judgeChange({ ...evidence(around(100, 0.05), around(200, 0.05)), b: 50 });
    expect(j.verdict).toBe('within noise');
    expect(j.reason).toContain('disagree on the direction');
  });

  it('history windows widen the band and are named', () => {
    const a = around(100, 0.05, 30);
    const b = around(125, 0.05, 30);
    const quiet = judgeChange(evidence(a, b));
    expect(quiet.verdict).toBe('worse');
    const noisy = judgeChange(evidence(a, b, { noiseWindows: [...a, ...around(100, 0.9, 120)], historyRuns: 4 }));
    expect(noisy.verdict).toBe('within noise');
    expect(noisy.reason).toMatch(/window spread \d+\.\d % over A \+ 4 history runs\)/);
  });
});

describe('the run-to-run term', () => {
  const a = around(100, 0.05, 30);
  const b = around(130, 0.05, 30);

  it('widens the band by 1.96 × √2 × the spread of the history\'s whole-run values', () => {
    const runValues = [100, 80, 120, 95, 110];
    const j = judgeChange(evidence(a, b, { runValues, historyRuns: 4 }));
    expect(j.floor).toBeCloseTo(1.96 * Math.SQRT2 * relativeSpread(runValues), 12);
    expect(j.verdict).toBe('within noise');
    expect(j.reason).toContain('run-to-run spread');
  });

  it('needs at least 3 history runs: a spread of A and two runs is not used', () => {
    const j = judgeChange(evidence(a, b, { runValues: [100, 80, 120], historyRuns: 2 }));
    expect(j.verdict).toBe('worse');
    expect(j.reason).not.toContain('run-to-run');
  });
});

describe('describeMethod', () => {
  it('names the test, the floor and the minimum windows, and the history', () => {
    const m = describeMethod(DEFAULT_NOISE, 3);
    expect(m).toContain('Mann–Whitney U');
    expect(m).toContain('p < 0.05');
    expect(m).toContain('10 %');
    expect(m).toContain('fewer than 3 usable windows');
    expect(m).toContain('3 history runs');
    expect(describeMethod()).not.toContain('history run');
    expect(describeMethod()).toContain('only measured with --history of at least 3 runs');
    expect(describeMethod(DEFAULT_NOISE, 3)).toContain('1.96 × √2 × the robust relative spread of the whole-run values');
  });
});

describe('formatP', () => {
  it('prints small p-values without false precision', () => {
    expect(formatP(0.5)).toBe('p = 0.500');
    expect(formatP(0.0034)).toBe('p = 0.0034');
    expect(formatP(1e-9)).toBe('p < 0.0001');
  });
});

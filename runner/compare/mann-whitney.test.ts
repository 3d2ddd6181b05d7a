import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erfc, mannWhitneyU, midRanks, normalUpperTail, smallestPValue } from './mann-whitney';

// Reference values: SciPy 1.17 `scipy.stats.mannwhitneyu(x, y, use_continuity=True,
// alternative="two-sided", method="asymptotic")` (the same as R's `wilcox.test(x, y,
// exact = FALSE, correct = TRUE)`), and `scipy.stats.norm` / `scipy.special.erfc`.
describe('mannWhitneyU against published and reference values', () => {
  it('Hollander & Wolfe (1973) p. 69, the example of R\'s wilcox.test: U = 35 (R prints W = 35)', () => {
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const r = mannWhitneyU(x, y);
    expect(r.u).toBe(35);
    expect(r.p).toBeCloseTo(0.24462360512698333, 12);
    expect(r.z).toBeGreaterThan(0);
  });

  it('with ties: the tie correction', () => {
    const r = mannWhitneyU([1, 2, 2, 3, 4, 5, 5, 5], [2, 3, 3, 6, 7, 7, 8]);
    expect(r.u).toBe(15);
    expect(r.p).toBeCloseTo(0.14328062600938993, 12);
  });

  it('two samples entirely apart', () => {
    const r = mannWhitneyU([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(r.u).toBe(0);
    expect(r.p).toBeCloseTo(0.00018267179110955002, 15);
    expect(r.z).toBeLessThan(0);
  });

  it('unequal sizes', () => {
    const r = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(r.u).toBe(17);
    expect(r.p).toBeCloseTo(0.11134688653314041, 12);
  });

  it('every value tied: no evidence, p = 1', () => {
    const r = mannWhitneyU([3, 3, 3], [3, 3, 3, 3]);
    expect(r.u).toBe(6);
    expect(r.p).toBe(1);
  });

  it('refuses empty samples and non-finite values', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
    expect(() => mannWhitneyU([1, Number.POSITIVE_INFINITY], [1])).toThrow(RangeError);
  });

  it('is symmetric: swapping the samples mirrors U and keeps p', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 25 }), fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 25 }), (x, y) => {
        const xy = mannWhitneyU(x, y);
        const yx = mannWhitneyU(y, x);
        expect(xy.u + yx.u).toBeCloseTo(x.length * y.length, 9);
        expect(xy.p).toBeCloseTo(yx.p, 12);
        expect(xy.p).toBeGreaterThanOrEqual(0);
        expect(xy.p).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('midRanks', () => {
  it('gives ties the mean of their ranks and counts Σ(t³ − t)', () => {
    expect(midRanks([3, 1, 2, 2])).toEqual({ ranks: [4, 1, 2.5, 2.5], tieTerm: 6 });
    expect(midRanks([5, 5, 5])).toEqual({ ranks: [2, 2, 2], tieTerm: 24 });
  });
});

describe('the normal tail', () => {
  it('matches SciPy', () => {
    expect(2 * normalUpperTail(1.96)).toBeCloseTo(0.04999579029644087, 14);
    expect(1 - normalUpperTail(-3)).toBeCloseTo(0.0013498980316300933, 15);
    expect(1 - normalUpperTail(0.5)).toBeCloseTo(0.6914624612740131, 14);
    expect(normalUpperTail(6) / 9.865876450376946e-10).toBeCloseTo(1, 12);
  });

  it('erfc keeps its relative accuracy far in the tail', () => {
    const ref: Array<[number, number]> = [
      [0.1, 0.8875370839817152],
      [0.5, 0.4795001221869535],
      [2, 0.004677734981047266],
      [4.5, 1.9661604415428878e-10],
      [10, 2.0884875837625446e-45],
      [-1, 1.8427007929497148],
    ];
    for (const [x, want] of ref) expect(erfc(x) / want).toBeCloseTo(1, 13);
  });
});

describe('smallestPValue', () => {
  it('3 windows against 3 can never reach 0.05; 4 against 4 can', () => {
    expect(smallestPValue(3, 3)).toBeCloseTo(0.08085559837005224, 12);
    expect(smallestPValue(4, 4)).toBeCloseTo(0.03038282197657749, 12);
    expect(smallestPValue(0, 5)).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { BackoffSteps, DEFAULT_RETRY, ReflectorBackoff } from './backoff';

describe("client-go's backoffs", () => {
  it('DefaultRetry: 5 steps of 10 ms with up to 10 % jitter', () => {
    const low = new BackoffSteps(DEFAULT_RETRY, () => 0);
    const high = new BackoffSteps(DEFAULT_RETRY, () => 1);
    expect(low.remaining).toBe(5);
    expect([low.next(), low.next()]).toEqual([10, 10]);
    expect(high.next()).toBeCloseTo(11);
    expect(low.remaining).toBe(3);
  });

  it("the reflector's: 800 ms doubling to the 30 s cap, jitter up to 100 %, starting over after 2 min without a failure", () => {
    const b = new ReflectorBackoff(undefined, () => 0);
    let now = 0;
    const seq: number[] = [];
    for (let i = 0; i < 8; i++) seq.push(b.next((now += 1000)));
    expect(seq).toEqual([800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000]);
    expect(b.next((now += 120_001))).toBe(800);
    expect(new ReflectorBackoff(undefined, () => 1).next(0)).toBe(1600);
  });
});

import { describe, expect, it } from 'vitest';
import { constantSchedule, rampingSchedule } from './arrival-rate';

describe('arrival-rate schedules', () => {
  it('constant arrival rate starts iterations at fixed intervals', () => {
    const s = constantSchedule(20, 1000, 1000);
    expect([0, 1, 19, 20].map(s)).toEqual([0, 50, 950, undefined]);
  });

  it('ramping arrival rate follows the area under the rate line', () => {
    const s = rampingSchedule(0, 1000, [{ durationMs: 1000, target: 20 }]);
    // 10 iterations in a 0→20/s ramp over 1s; iteration g starts at sqrt(g/10) s.
    expect(s(0)).toBe(0);
    expect(s(1)).toBeCloseTo(Math.sqrt(0.1) * 1000, 5);
    expect(s(9)).toBeCloseTo(Math.sqrt(0.9) * 1000, 5);
    expect(s(11)).toBeUndefined();
  });
});

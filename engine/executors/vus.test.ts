import { describe, expect, it } from 'vitest';
import { rampingSteps } from './vus';

describe('ramping-vus steps', () => {
  it('follow the line down as well as up', () => {
    expect(rampingSteps(2, [{ durationMs: 1000, target: 0 }], (n) => n)).toEqual([
      { at: 0, target: 2 },
      { at: 500, target: 1 },
      { at: 1000, target: 0 },
    ]);
  });

  it('change one VU at a time', () => {
    expect(rampingSteps(0, [{ durationMs: 1000, target: 2 }], (n) => n)).toEqual([
      { at: 0, target: 0 },
      { at: 500, target: 1 },
      { at: 1000, target: 2 },
    ]);
  });
});

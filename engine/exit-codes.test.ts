import { describe, expect, it } from 'vitest';
import { K6_EXIT, K6_EXIT_MEANING, k6RunCompleted } from './exit-codes';

describe("k6's exit codes", () => {
  it('are k6 numbers (errext/exitcodes), each with a meaning', () => {
    expect(K6_EXIT).toMatchObject({ ok: 0, thresholdsFailed: 99, setupTimeout: 100, teardownTimeout: 101, genericEngine: 103, invalidConfig: 104, externalAbort: 105, scriptException: 107, scriptAborted: 108, goPanic: 109 });
    for (const code of Object.values(K6_EXIT)) expect(K6_EXIT_MEANING[code]).toMatch(/\w/);
  });

  it('say the run completed only for ok and failed thresholds', () => {
    expect(Object.values(K6_EXIT).filter(k6RunCompleted)).toEqual([0, 99]);
  });
});

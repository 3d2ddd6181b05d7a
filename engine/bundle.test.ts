import { describe, expect, it } from 'vitest';
import { rewriteGlobals } from './bundle';

describe('bundle globals', () => {
  it('rewrites __ITER and __ENV to per-VU reads but leaves lookalikes alone', () => {
    expect(rewriteGlobals('f(__ITER, __ENV.X, a.__ITER, __ITERX, __VU)')).toBe('f(__fl.iter, __fl.env.X, a.__ITER, __ITERX, __VU)');
  });
});

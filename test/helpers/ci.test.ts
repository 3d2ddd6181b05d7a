import { describe, expect, it } from 'vitest';
import { inCi } from './ci';

describe('inCi', () => {
  it('takes every way CI systems say it', () => {
    for (const v of ['true', 'TRUE', '1', 'yes', ' true ']) expect(inCi({ CI: v })).toBe(true);
    for (const v of [undefined, '', '0', 'false', 'no']) expect(inCi({ CI: v })).toBe(false);
  });
});

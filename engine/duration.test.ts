import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration';
import { K6OptionsError } from './errors';

describe('durations', () => {
  it('parses Go-style durations', () => {
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration(250)).toBe(250);
    expect(() => parseDuration('ten seconds')).toThrow(K6OptionsError);
  });
});

import { describe, expect, it } from 'vitest';
import { formatTime } from './time';

describe('sample time', () => {
  it('formats RFC 3339 with microseconds', () => {
    expect(formatTime(Date.UTC(2026, 0, 2, 3, 4, 5, 6) + 0.5)).toMatch(/^2026-01-0\dT\d\d:04:05\.0065(Z|[+-]\d\d:\d\d)$/);
  });

  it('drops trailing zeros of the fraction as Go (k6) does', () => {
    expect(formatTime(Date.UTC(2026, 0, 2, 3, 4, 5, 120))).toMatch(/:04:05\.12(Z|[+-]\d\d:\d\d)$/);
    expect(formatTime(Date.UTC(2026, 0, 2, 3, 4, 5))).toMatch(/:04:05(Z|[+-]\d\d:\d\d)$/);
    expect(formatTime(Date.UTC(2026, 0, 2, 3, 4, 5, 0) + 0.25)).toMatch(/:04:05\.00025(Z|[+-]\d\d:\d\d)$/);
  });
});

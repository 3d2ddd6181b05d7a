import { describe, expect, it } from 'vitest';
import { formatTime } from './time';

describe('sample time', () => {
  it('formats RFC 3339 with microseconds', () => {
    expect(formatTime(Date.UTC(2026, 0, 2, 3, 4, 5, 6) + 0.5)).toMatch(/^2026-01-0\dT\d\d:04:05\.006500(Z|[+-]\d\d:\d\d)$/);
  });
});

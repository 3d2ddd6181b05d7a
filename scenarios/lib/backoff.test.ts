import { describe, expect, it } from 'vitest';
import { backoffMs, isRetryable, retryAfterMs, retryDelayMs } from './backoff';

describe('backoff', () => {
  const plan = { baseMs: 500, maxMs: 30_000, jitter: 1 };
  it('doubles up to the cap, with full jitter below it', () => {
    expect(backoffMs(plan, 0, () => 1)).toBe(500);
    expect(backoffMs(plan, 3, () => 1)).toBe(4000);
    expect(backoffMs(plan, 20, () => 1)).toBe(30_000);
    expect(backoffMs(plan, 3, () => 0)).toBe(0);
    expect(backoffMs({ ...plan, jitter: 0.5 }, 1, () => 0)).toBe(500);
  });
  it('treats Retry-After as a floor and spreads a herd over one more of it', () => {
    expect(retryDelayMs(plan, 0, 1000, () => 0)).toBe(1000);
    expect(retryDelayMs(plan, 0, 1000, () => 0.999)).toBe(1999);
    // A long backoff already spreads: it wins over a short Retry-After.
    expect(retryDelayMs(plan, 5, 1000, () => 1)).toBe(16_000 + 1000);
    expect(retryDelayMs(plan, 2, undefined, () => 1)).toBe(2000);
  });

  it('reads Retry-After seconds', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
  it('retries only what the server may answer differently later', () => {
    expect([0, 408, 429, 500, 503].every(isRetryable)).toBe(true);
    expect([400, 401, 403, 404, 409].some(isRetryable)).toBe(false);
  });
});

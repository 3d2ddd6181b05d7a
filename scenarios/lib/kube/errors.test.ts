import { describe, expect, it } from 'vitest';
import { describeError, errorFromResponse, isAlreadyExists, isConflict, isGone, isNotFound, isTooLargeResourceVersion, isTooManyRequests } from './errors';

describe('API errors', () => {
  it('parses a Status body: reason, code, message, causes, retryAfterSeconds', () => {
    const body = JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: 'Operation cannot be fulfilled on leases "n1": the object has been modified',
      reason: 'Conflict',
      details: { name: 'n1', kind: 'leases', retryAfterSeconds: 2 },
      code: 409,
    });
    const e = errorFromResponse(409, body, undefined);
    expect(e).toMatchObject({ status: 409, code: 409, reason: 'Conflict', retryAfterSeconds: 2 });
    expect(e.message).toContain('has been modified');
    expect(isConflict(e)).toBe(true);
    expect(isAlreadyExists(e)).toBe(false);
    expect(describeError(e)).toMatch(/^409 Conflict: Operation cannot/);
  });

  it('tells AlreadyExists from Conflict although both are 409', () => {
    const e = errorFromResponse(409, JSON.stringify({ kind: 'Status', reason: 'AlreadyExists', code: 409 }), undefined);
    expect(isAlreadyExists(e)).toBe(true);
    expect(isConflict(e)).toBe(false);
  });

  it('derives the reason from the code when the body is no Status (a proxy page)', () => {
    const e = errorFromResponse(404, '<html>not here</html>', undefined);
    expect(e).toMatchObject({ status: 404, code: 404, reason: 'NotFound' });
    expect(isNotFound(e)).toBe(true);
    expect(isTooManyRequests(errorFromResponse(429, '', undefined, 3))).toBe(true);
    expect(errorFromResponse(429, '', undefined, 3).retryAfterSeconds).toBe(3);
  });

  it('knows 410 in both forms, Gone and Expired, and a too large resourceVersion', () => {
    expect(isGone(errorFromResponse(410, '', undefined))).toBe(true);
    expect(isGone(errorFromResponse(200, JSON.stringify({ kind: 'Status', reason: 'Expired', code: 410, message: 'too old resource version: 1 (5)' }), undefined))).toBe(true);
    expect(isGone(errorFromResponse(500, '', undefined))).toBe(false);
    const tooLarge = errorFromResponse(504, JSON.stringify({ kind: 'Status', reason: 'Timeout', code: 504, details: { causes: [{ reason: 'ResourceVersionTooLarge' }] } }), undefined);
    expect(isTooLargeResourceVersion(tooLarge)).toBe(true);
  });

  it('says when there was no answer at all', () => {
    const e = errorFromResponse(0, '', 'dial tcp 127.0.0.1:1: connect: connection refused');
    expect(e).toMatchObject({ status: 0, code: 0, reason: '' });
    expect(describeError(e)).toBe('no answer: dial tcp 127.0.0.1:1: connect: connection refused');
  });
});

// API errors as values: the Status object the server sent (reason, code, details), or one made
// from the HTTP status when the body was not a Status (a proxy's page), as client-go's
// NewGenericServerResponse does. Values, not exceptions: 10,000 agents meeting a 429 storm should
// not pay for 10,000 stack traces.
import type { Status, StatusCause } from './types';

/** metav1.StatusReason values this layer decides on; others pass through as strings. */
export type StatusReason =
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'ServerTimeout'
  | 'Timeout'
  | 'TooManyRequests'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'InternalError'
  | 'Expired'
  | 'ServiceUnavailable';

const KNOWN_REASONS: ReadonlySet<string> = new Set<StatusReason>([
  'Unauthorized',
  'Forbidden',
  'NotFound',
  'AlreadyExists',
  'Conflict',
  'Gone',
  'Invalid',
  'ServerTimeout',
  'Timeout',
  'TooManyRequests',
  'BadRequest',
  'MethodNotAllowed',
  'NotAcceptable',
  'RequestEntityTooLarge',
  'UnsupportedMediaType',
  'InternalError',
  'Expired',
  'ServiceUnavailable',
]);

const REASON_BY_CODE: Readonly<Record<number, StatusReason>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'ServerTimeout',
};

export interface KubeError {
  /** HTTP status of the answer; 0 when there was none (refused, reset, timed out). */
  status: number;
  /** Status.code, else the HTTP status. */
  code: number;
  /** Status.reason, else derived from the code; '' when there was no answer. */
  reason: StatusReason | (string & {}) | '';
  message: string;
  causes?: StatusCause[];
  /** From the Retry-After header or Status.details.retryAfterSeconds. */
  retryAfterSeconds?: number;
}

export function errorFromStatus(s: Status, httpStatus: number, retryAfterSeconds?: number): KubeError {
  const code = typeof s.code === 'number' && s.code > 0 ? s.code : httpStatus;
  const reason = s.reason !== undefined && s.reason !== '' ? s.reason : (REASON_BY_CODE[code] ?? '');
  const e: KubeError = { status: httpStatus, code, reason, message: s.message ?? '' };
  if (s.details?.causes !== undefined) e.causes = s.details.causes;
  const ra = retryAfterSeconds ?? s.details?.retryAfterSeconds;
  if (ra !== undefined) e.retryAfterSeconds = ra;
  return e;
}

/** The error of a non-2xx answer: its Status body if it has one. */
export function errorFromResponse(status: number, body: string, transportError: string | undefined, retryAfterSeconds?: number): KubeError {
  if (status === 0) return { status: 0, code: 0, reason: '', message: transportError !== undefined && transportError !== '' ? transportError : 'no answer' };
  if (body.length > 0 && body.charCodeAt(0) === 123 /* { */) {
    try {
      const parsed = JSON.parse(body) as Status;
      if (parsed !== null && typeof parsed === 'object' && parsed.kind === 'Status') return errorFromStatus(parsed, status, retryAfterSeconds);
    } catch {
      // Not JSON after all: fall through to the generic error.
    }
  }
  const e: KubeError = { status, code: status, reason: REASON_BY_CODE[status] ?? '', message: body.length > 200 ? `${body.slice(0, 200)}...` : body };
  if (retryAfterSeconds !== undefined) e.retryAfterSeconds = retryAfterSeconds;
  return e;
}

// The predicates follow apimachinery's: the reason decides, the code only when the reason is unknown.
function is(e: KubeError, reason: StatusReason, code: number): boolean {
  return e.reason === reason || (!KNOWN_REASONS.has(e.reason) && e.code === code);
}

export const isNotFound = (e: KubeError): boolean => is(e, 'NotFound', 404);
export const isAlreadyExists = (e: KubeError): boolean => is(e, 'AlreadyExists', 409);
export const isConflict = (e: KubeError): boolean => is(e, 'Conflict', 409);
export const isTooManyRequests = (e: KubeError): boolean => is(e, 'TooManyRequests', 429);
export const isUnauthorized = (e: KubeError): boolean => is(e, 'Unauthorized', 401);
export const isForbidden = (e: KubeError): boolean => is(e, 'Forbidden', 403);
export const isInvalid = (e: KubeError): boolean => is(e, 'Invalid', 422);

/** 410: the resourceVersion (or continue token) is older than what the server still has. */
export function isGone(e: KubeError): boolean {
  return is(e, 'Gone', 410) || is(e, 'Expired', 410);
}

/** A resourceVersion newer than the server's cache ("Too large resource version"): list again as after a 410. */
export function isTooLargeResourceVersion(e: KubeError): boolean {
  if (e.causes === undefined) return false;
  for (const c of e.causes) if (c.reason === 'ResourceVersionTooLarge') return true;
  return false;
}

/** One line for a log or a check's name. */
export function describeError(e: KubeError): string {
  if (e.status === 0) return `no answer: ${e.message}`;
  return `${e.code}${e.reason === '' ? '' : ` ${e.reason}`}${e.message === '' ? '' : `: ${e.message}`}`;
}

/** For callers that prefer exceptions (setup code, tests): the KubeError is kept whole. */
export class KubeApiError extends Error {
  constructor(readonly error: KubeError) {
    super(describeError(error));
    this.name = 'KubeApiError';
  }
}

// One error type for every answer that is not a success, so handlers can `throw` and the server
// turns it into an `ErrorResponse` with the right status; anything else thrown is a bug (500).
import type { ErrorResponse } from './api';

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  /** Extra response headers, e.g. `Retry-After` on 429/503. */
  readonly headers: Record<string, string> | undefined;

  constructor(status: number, code: string, message: string, field?: string, headers?: Record<string, string>) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.headers = headers;
  }

  toBody(): ErrorResponse {
    return this.field === undefined
      ? { error: { code: this.code, message: this.message } }
      : { error: { code: this.code, message: this.message, field: this.field } };
  }
}

export const invalidField = (field: string, message: string): HttpError =>
  new HttpError(400, 'invalid_field', message, field);

export const notFound = (what: string): HttpError => new HttpError(404, 'not_found', `${what} not found`);

export const unauthorized = (): HttpError =>
  new HttpError(401, 'unauthorized', 'missing or invalid bearer token', undefined, {
    'WWW-Authenticate': 'Bearer',
  });

export const forbidden = (message: string): HttpError => new HttpError(403, 'forbidden', message);

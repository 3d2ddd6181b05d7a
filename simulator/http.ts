// Request and answer helpers on the parsed request: query parsing and parameter checks, JSON
// bodies, and what a handler answers. The HTTP/1.1 transport itself is wire.ts.
import { HttpError, invalidField } from './errors';

/** What a handler answers; `body` undefined means no body (204 and the like). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Already-serialised body (Prometheus text, or JSON built from cached pieces) with its content type. */
  raw?: { contentType: string; text: string };
}

export const JSON_TYPE = 'application/json';

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError(400, 'invalid_json', `body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, 'body');
  }
}

export type Query = Readonly<Record<string, string>>;

const EMPTY_QUERY: Query = Object.freeze(Object.create(null) as Record<string, string>);

function decode(s: string, field: string): string {
  // Nothing to decode in most keys and values (watch=1, since=42): skip the regex and the decoder.
  if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw invalidField(field, `query parameter ${field} is not valid percent-encoding`);
  }
}

/** Last value wins for repeated keys, as in most servers. */
export function parseQuery(qs: string): Query {
  if (qs === '') return EMPTY_QUERY;
  const out = Object.create(null) as Record<string, string>;
  let start = 0;
  while (start <= qs.length) {
    let end = qs.indexOf('&', start);
    if (end < 0) end = qs.length;
    if (end > start) {
      const eq = qs.indexOf('=', start);
      const hasValue = eq >= 0 && eq < end;
      const key = decode(qs.slice(start, hasValue ? eq : end), 'query');
      out[key] = hasValue ? decode(qs.slice(eq + 1, end), key) : '';
    }
    start = end + 1;
  }
  return out;
}

/** Largest accepted `timeoutSeconds`/`waitSeconds`; the server then clamps to --max-wait-seconds. */
export const MAX_WAIT_PARAM = 86_400;

const INTEGER = /^-?\d+$/;

export function intParam(q: Query, name: string, min: number, max: number): number | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!INTEGER.test(v) || !Number.isSafeInteger(n) || n < min || n > max)
    throw invalidField(name, `${name} must be an integer in ${min}..${max}, got "${v}"`);
  return n;
}

export function numParam(q: Query, name: string, min: number, max: number): number | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw invalidField(name, `${name} must be a number in ${min}..${max}, got "${v}"`);
  return n;
}

export function boolParam(q: Query, name: string): boolean {
  const v = q[name];
  if (v === undefined) return false;
  if (v === '1' || v === 'true' || v === '') return true;
  if (v === '0' || v === 'false') return false;
  throw invalidField(name, `${name} must be 1, true, 0 or false, got "${v}"`);
}

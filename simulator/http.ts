// Low-level HTTP helpers: bounded body reading, query parsing and replies, on Node's own http
// objects (no framework: this is the hot path of 1,000 heartbeats/s on half a core).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, invalidField } from './errors';

/** What a handler answers; `body` undefined means no body (204 and the like). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Already-serialised body (e.g. Prometheus text) with its content type. */
  raw?: { contentType: string; text: string };
}

export class ClientGone extends Error {}

/** Oversized bodies are drained up to this many bytes so the 413 reaches the client; beyond, the socket is cut. */
const DRAIN_LIMIT_FACTOR = 8;

export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = req.headers['content-length'];
    const tooLarge = (): HttpError =>
      new HttpError(413, 'payload_too_large', `request body exceeds ${maxBytes} bytes`, 'body', { Connection: 'close' });
    if (declared !== undefined && Number(declared) > maxBytes * DRAIN_LIMIT_FACTOR) {
      req.destroy();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (over) {
        if (size > maxBytes * DRAIN_LIMIT_FACTOR) req.destroy();
        return;
      }
      if (size > maxBytes) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) reject(tooLarge());
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    });
    req.on('error', () => reject(over ? tooLarge() : new ClientGone()));
    req.on('close', () => {
      if (!req.complete) reject(over ? tooLarge() : new ClientGone());
    });
  });
}

export function parseJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8')) as unknown;
  } catch (err) {
    throw new HttpError(400, 'invalid_json', `body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, 'body');
  }
}

export type Query = Readonly<Record<string, string>>;

const EMPTY_QUERY: Query = Object.freeze(Object.create(null) as Record<string, string>);

function decode(s: string, field: string): string {
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
  for (const part of qs.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const key = decode(rawKey, 'query');
    out[key] = eq < 0 ? '' : decode(part.slice(eq + 1), key);
  }
  return out;
}

/** Largest accepted `timeoutSeconds`/`waitSeconds`; the server then clamps to --max-wait-seconds. */
export const MAX_WAIT_PARAM = 86_400;

export function intParam(q: Query, name: string, min: number, max: number): number | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max)
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

export function writeReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = reply.headers === undefined ? {} : { ...reply.headers };
  if (reply.raw !== undefined) {
    headers['Content-Type'] = reply.raw.contentType;
    headers['Content-Length'] = Buffer.byteLength(reply.raw.text);
    res.writeHead(reply.status, headers);
    res.end(reply.raw.text);
  } else if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
  } else {
    const text = JSON.stringify(reply.body);
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = Buffer.byteLength(text);
    res.writeHead(reply.status, headers);
    res.end(text);
  }
}

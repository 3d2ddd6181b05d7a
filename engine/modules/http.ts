// k6/http: asyncRequest with k6's response object, tags and metrics. The synchronous API would
// block every async agent of a VU, so it fails loudly, naming the async form.
import { parseDuration } from '../duration';
import type { MetricInfo } from '../metrics';
import type { SampleTags } from '../samples';
import { formatTime, nowMs } from '../time';
import type { RawResponse } from './http-client';
import type { ModuleVU } from './vu-api';

export type ResponseType = 'text' | 'binary' | 'none';

export interface RequestParams {
  headers?: Record<string, unknown>;
  tags?: Record<string, unknown>;
  timeout?: string | number;
  responseType?: ResponseType;
  responseCallback?: ExpectedStatuses | null;
  redirects?: number;
  throw?: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface ExpectedStatuses {
  readonly __expectedStatuses: ReadonlyArray<number | { min: number; max: number }>;
}

const DEFAULT_EXPECTED: ExpectedStatuses = { __expectedStatuses: [{ min: 200, max: 399 }] };
const HTTP_METRICS = [
  'http_reqs',
  'http_req_duration',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
  'http_req_failed',
] as const;

function isExpected(cb: ExpectedStatuses | null, status: number): boolean {
  if (cb === null) return true;
  for (const s of cb.__expectedStatuses) {
    if (typeof s === 'number' ? s === status : status >= s.min && status <= s.max) return true;
  }
  return false;
}

/** k6 canonicalises header names as Go's net/http does (content-type → Content-Type). */
function canonicalHeader(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

function errorInfo(err: Error): { message: string; code: number } {
  const code = (err as { code?: string }).code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return { message: 'dial: connection refused', code: 1212 };
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return { message: 'read: connection reset by peer', code: 1220 };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { message: `lookup: no such host`, code: 1101 };
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { message: 'request timeout', code: 1050 };
    case 'ETIMEDOUT':
      return { message: 'dial: i/o timeout', code: 1211 };
    case 'EPIPE':
      return { message: 'write: broken pipe', code: 1201 };
    default:
      return { message: err.message, code: 1000 };
  }
}

/** Parsed URLs are cached: agents hit the same few endpoints millions of times. */
const urlCache = new Map<string, { origin: string; path: string; host: string }>();

function splitUrl(url: string): { origin: string; path: string; host: string } {
  let hit = urlCache.get(url);
  if (hit === undefined) {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`unsupported protocol scheme "${u.protocol.slice(0, -1)}"`);
    hit = { origin: u.origin, path: `${u.pathname}${u.search}`, host: u.host };
    if (urlCache.size > 10_000) urlCache.clear();
    urlCache.set(url, hit);
  }
  return hit;
}

function encodeBody(body: unknown, headers: Record<string, string>): Buffer | string | null {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'object') {
    if (headers['content-type'] === undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    return new URLSearchParams(Object.entries(body as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)])).toString();
  }
  return String(body);
}

class K6Response {
  status: number;
  status_text: string;
  proto: string;
  body: string | ArrayBuffer | null;
  error: string;
  error_code: number;
  url: string;
  remote_ip = '';
  remote_port = 0;
  timings: Record<string, number>;
  request: { method: string; url: string; headers: Record<string, string[]>; body: string };
  private readonly rawHeaders: Record<string, string | string[] | undefined>;
  private headerCache: Record<string, string> | null = null;

  constructor(raw: RawResponse, method: string, url: string, reqHeaders: Record<string, string>, reqBody: string, responseType: ResponseType, err: { message: string; code: number } | null) {
    this.status = raw.status;
    this.status_text = raw.status === 0 ? '' : `${raw.status} ${raw.statusText}`;
    this.proto = raw.error === null ? 'HTTP/1.1' : '';
    this.url = url;
    this.rawHeaders = raw.headers;
    this.error = raw.error === null ? '' : (err?.message ?? '');
    this.error_code = err?.code ?? 0;
    if (raw.error !== null || responseType === 'none') this.body = null;
    else if (responseType === 'binary') this.body = raw.body.buffer.slice(raw.body.byteOffset, raw.body.byteOffset + raw.body.byteLength) as ArrayBuffer;
    else this.body = raw.body.toString('utf8');
    const failed = raw.error !== null;
    // As in k6, duration is sending + waiting + receiving; queueing and connecting are "blocked".
    const blocked = failed ? 0 : Math.max(0, raw.tSocket - raw.tStart);
    const sending = 0;
    const waiting = failed ? 0 : Math.max(0, raw.tHeaders - raw.tSocket);
    const receiving = failed ? 0 : raw.tEnd - raw.tHeaders;
    const connecting = failed ? 0 : Math.min(raw.connecting, blocked);
    this.timings = { duration: sending + waiting + receiving, blocked, looking_up: 0, connecting, tls_handshaking: 0, sending, waiting, receiving };
    const h: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(reqHeaders)) h[canonicalHeader(k)] = [v];
    this.request = { method, url, headers: h, body: reqBody };
  }

  get headers(): Record<string, string> {
    if (this.headerCache === null) {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.rawHeaders)) if (v !== undefined) out[canonicalHeader(k)] = Array.isArray(v) ? v.join(', ') : v;
      this.headerCache = out;
    }
    return this.headerCache;
  }

  json(selector?: string): unknown {
    if (typeof this.body !== 'string') throw new Error('the body is null so we can\'t transform it to JSON - this likely was because of a request error getting the response');
    const value: unknown = JSON.parse(this.body);
    if (selector === undefined) return value;
    let cur: unknown = value;
    for (const part of selector.split('.')) {
      if (cur === null || typeof cur !== 'object') return undefined;
      cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
  }

  html(): never {
    throw new Error('Response.html() is not supported by the embedded engine');
  }
}

function syncUnsupported(name: string): () => never {
  return () => {
    throw new Error(`http.${name}() is synchronous and would block the whole VU; the embedded engine supports only the async API: use \`await http.asyncRequest(method, url, body, params)\``);
  };
}

export function createHttpModule(vu: ModuleVU): object {
  let responseCallback: ExpectedStatuses | null = DEFAULT_EXPECTED;
  const reg = vu.ctx.registry;
  const metrics = HTTP_METRICS.map((n) => reg.get(n) as MetricInfo);

  /** One request on the wire, with its samples; never rejects (errors are in the response). */
  async function exchange(m: string, urlStr: string, headers: Record<string, string>, payload: Buffer | string | null, opts: { timeoutMs: number; responseType: ResponseType; cb: ExpectedStatuses | null; userTags: Record<string, unknown> | undefined; baseTags: Readonly<SampleTags> }): Promise<{ raw: RawResponse; response: K6Response } | undefined> {
    const target = splitUrl(urlStr);
    const ticket = vu.hold();
    const raw = await vu.ctx.http.send({ origin: target.origin, path: target.path, method: m, headers, body: payload, timeoutMs: opts.timeoutMs }, vu.connections, vu);
    // The iteration ended while the request was in flight; its continuation must not run.
    if (!vu.isCurrent(ticket)) return undefined;
    const err = raw.error === null ? (raw.status >= 400 ? { message: '', code: 1000 + raw.status } : null) : errorInfo(raw.error);
    const response = new K6Response(raw, m, urlStr, headers, typeof payload === 'string' ? payload : '', opts.responseType, err);
    const expected = raw.error === null && isExpected(opts.cb, raw.status);

    const tags: SampleTags = { ...opts.baseTags };
    tags.method = m;
    tags.url = urlStr;
    tags.name = urlStr;
    tags.status = String(raw.status);
    tags.expected_response = expected ? 'true' : 'false';
    if (raw.error === null) tags.proto = 'HTTP/1.1';
    else tags.error = err?.message ?? '';
    if (err !== null) tags.error_code = String(err.code);
    if (opts.userTags !== undefined && opts.userTags !== null) for (const [k, v] of Object.entries(opts.userTags)) tags[k] = String(v);

    const t = response.timings as { duration: number; blocked: number; connecting: number; tls_handshaking: number; sending: number; waiting: number; receiving: number };
    vu.ctx.emitter.pushMany(metrics, [1, t.duration, t.blocked, t.connecting, t.tls_handshaking, t.sending, t.waiting, t.receiving, expected ? 0 : 1], tags, formatTime(nowMs()));
    let sent = m.length + target.path.length + target.host.length + 19;
    for (const k in headers) sent += k.length + (headers[k] as string).length + 4;
    if (payload !== null) sent += typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    vu.countTraffic(sent, raw.bytesReceived);
    if (raw.error !== null) vu.ctx.log('warn', `Request Failed error="${urlStr}: ${err?.message ?? ''}"`);
    vu.release(ticket);
    return { raw, response };
  }

  async function asyncRequest(method: string, url: unknown, body?: unknown, params?: RequestParams | null): Promise<K6Response> {
    if (vu.inInit) throw new Error('Making http requests in the init context is not supported');
    let m = String(method).toUpperCase();
    let urlStr = typeof url === 'object' && url !== null && 'url' in url ? String((url as { url: unknown }).url) : String(url);
    const p = params ?? {};
    const defaults = vu.ctx.httpDefaults;
    const headers: Record<string, string> = { 'user-agent': defaults.userAgent };
    if (p.headers !== undefined && p.headers !== null) for (const [k, v] of Object.entries(p.headers)) headers[k.toLowerCase()] = String(v);
    splitUrl(urlStr);
    let payload = encodeBody(body, headers);
    const opts = {
      timeoutMs: p.timeout === undefined ? 60_000 : parseDuration(p.timeout, 'request timeout'),
      responseType: p.responseType ?? ((defaults.discardResponseBodies ? 'none' : 'text') as ResponseType),
      cb: p.responseCallback === undefined ? responseCallback : p.responseCallback,
      userTags: p.tags,
      // Tags are those at the call (inside a group, say), not those after an await.
      baseTags: vu.currentTags(),
    };
    // k6 follows up to 10 redirects by default (params.redirects), each hop its own sample.
    let redirectsLeft = typeof p.redirects === 'number' ? p.redirects : defaults.maxRedirects;
    for (;;) {
      const hop = await exchange(m, urlStr, headers, payload, opts);
      if (hop === undefined) return new Promise<K6Response>(() => undefined);
      const { raw, response } = hop;
      const location = raw.headers.location;
      if (raw.error !== null && (p.throw ?? defaults.throwOnError)) throw new Error(`${urlStr}: ${response.error}`);
      if (raw.error !== null || !REDIRECTS.has(raw.status) || typeof location !== 'string' || redirectsLeft <= 0) return response;
      redirectsLeft--;
      urlStr = new URL(location, urlStr).toString();
      if (raw.status === 303 || ((raw.status === 301 || raw.status === 302) && m === 'POST')) {
        m = 'GET';
        payload = null;
        delete headers['content-type'];
        delete headers['content-length'];
      }
    }
  }

  return {
    asyncRequest,
    expectedStatuses(...statuses: Array<number | { min: number; max: number }>): ExpectedStatuses {
      return { __expectedStatuses: statuses };
    },
    setResponseCallback(cb: ExpectedStatuses | null): void {
      responseCallback = cb;
    },
    get: syncUnsupported('get'),
    head: syncUnsupported('head'),
    post: syncUnsupported('post'),
    put: syncUnsupported('put'),
    patch: syncUnsupported('patch'),
    del: syncUnsupported('del'),
    options: syncUnsupported('options'),
    request: syncUnsupported('request'),
    batch: syncUnsupported('batch'),
  };
}

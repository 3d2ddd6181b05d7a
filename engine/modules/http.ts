// k6/http: asyncRequest with k6's response object, tags and metrics. The synchronous API would
// block every async agent of a VU, so it fails loudly, naming the async form.
import { parseDuration } from '../duration';
import type { MetricInfo } from '../metrics';
import type { SampleTags } from '../samples';
import { tagSets, extraKey } from '../tags';
import { nowMs } from '../time';
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

const canonicalCache = new Map<string, string>();

/** k6 canonicalises header names as Go's net/http does (content-type → Content-Type). */
function canonicalHeader(name: string): string {
  let c = canonicalCache.get(name);
  if (c === undefined) {
    c = name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
    // Header names come from a small set; a server inventing new ones must not grow this forever.
    if (canonicalCache.size > 1000) canonicalCache.clear();
    canonicalCache.set(name, c);
  }
  return c;
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

interface Target {
  origin: string;
  path: string;
  host: string;
}

/** Origins by the scheme and authority as written: a few per run, each parsed once. */
const originCache = new Map<string, { origin: string; host: string }>();

/**
 * Characters a URL parser leaves as they are in a path and query: a URL made only of these
 * needs no parser beyond finding its authority, and that is the URL of nearly every request.
 */
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*$/;
/** Dot segments, plain or percent-encoded, which a parser resolves. */
const DOT_SEGMENT = /\/(\.|%2e)/i;

function parseUrl(url: string): Target {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`unsupported protocol scheme "${u.protocol.slice(0, -1)}"`);
  return { origin: u.origin, path: `${u.pathname}${u.search}`, host: u.host };
}

/**
 * Splits a URL into origin and path as `new URL` would. Agents call thousands of distinct URLs
 * (one per cluster and resource), so a cache of whole URLs thrashed; the origin is what repeats.
 */
function splitUrl(url: string): Target {
  const start = url.startsWith('http://') ? 7 : url.startsWith('https://') ? 8 : -1;
  if (start < 0) return parseUrl(url);
  let end = start;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */ || c === 92 /* \ */) break;
    end++;
  }
  const authority = url.slice(0, end);
  let o = originCache.get(authority);
  if (o === undefined) {
    const t = parseUrl(`${authority}/`);
    o = { origin: t.origin, host: t.host };
    if (originCache.size > 1000) originCache.clear();
    originCache.set(authority, o);
  }
  const path = end === url.length ? '/' : url.charCodeAt(end) === 63 ? `/${url.slice(end)}` : url.slice(end);
  if (!PLAIN_PATH.test(path) || DOT_SEGMENT.test(path) || path.endsWith('?')) return parseUrl(url);
  return { origin: o.origin, path, host: o.host };
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

/** Milliseconds rounded to whole nanoseconds. */
function ns(ms: number): number {
  return Math.round(ms * 1e6) / 1e6;
}

type Timings = { duration: number; blocked: number; looking_up: number; connecting: number; tls_handshaking: number; sending: number; waiting: number; receiving: number };

/**
 * k6's Response. What a script may never read is built on first read: the body text, the
 * header map with canonical names, and the request as sent.
 */
class K6Response {
  status: number;
  status_text: string;
  proto: string;
  error: string;
  error_code: number;
  url: string;
  remote_ip = '';
  remote_port = 0;
  timings: Timings;
  private readonly raw: RawResponse;
  private readonly method: string;
  private readonly reqHeaders: Record<string, string>;
  private readonly reqBody: string;
  private readonly responseType: ResponseType;
  /** The decoded body once read or set; `undefined` until then. */
  private bodyValue: string | ArrayBuffer | null | undefined = undefined;
  private headerCache: Record<string, string> | null = null;
  private requestCache: { method: string; url: string; headers: Record<string, string[]>; body: string } | null = null;

  constructor(raw: RawResponse, method: string, url: string, reqHeaders: Record<string, string>, reqBody: string, responseType: ResponseType, err: { message: string; code: number } | null) {
    this.raw = raw;
    this.method = method;
    this.reqHeaders = reqHeaders;
    this.reqBody = reqBody;
    this.responseType = responseType;
    this.status = raw.status;
    this.status_text = raw.status === 0 ? '' : `${raw.status} ${raw.statusText}`;
    this.proto = raw.error === null ? 'HTTP/1.1' : '';
    this.url = url;
    this.error = raw.error === null ? '' : (err?.message ?? '');
    this.error_code = err?.code ?? 0;
    const failed = raw.error !== null;
    // As in k6, duration is sending + waiting + receiving; queueing and connecting are "blocked".
    const blocked = failed ? 0 : Math.max(0, raw.tSocket - raw.tStart);
    const waiting = failed ? 0 : Math.max(0, raw.tHeaders - raw.tSocket);
    const receiving = failed ? 0 : raw.tEnd - raw.tHeaders;
    const connecting = failed ? 0 : Math.min(raw.connecting, blocked);
    // k6 measures in nanoseconds: round to them, so values print as k6's do (12.196373, not 12.196372999999994).
    this.timings = { duration: ns(waiting + receiving), blocked: ns(blocked), looking_up: 0, connecting: ns(connecting), tls_handshaking: 0, sending: 0, waiting: ns(waiting), receiving: ns(receiving) };
  }

  get body(): string | ArrayBuffer | null {
    if (this.bodyValue === undefined) {
      const raw = this.raw;
      if (raw.error !== null || this.responseType === 'none') this.bodyValue = null;
      else if (this.responseType === 'binary') this.bodyValue = raw.body.buffer.slice(raw.body.byteOffset, raw.body.byteOffset + raw.body.byteLength) as ArrayBuffer;
      else this.bodyValue = raw.body.toString('utf8');
    }
    return this.bodyValue;
  }

  set body(value: string | ArrayBuffer | null) {
    this.bodyValue = value;
  }

  get request(): { method: string; url: string; headers: Record<string, string[]>; body: string } {
    if (this.requestCache === null) {
      const h: Record<string, string[]> = {};
      for (const k of Object.keys(this.reqHeaders)) h[canonicalHeader(k)] = [this.reqHeaders[k] as string];
      this.requestCache = { method: this.method, url: this.url, headers: h, body: this.reqBody };
    }
    return this.requestCache;
  }

  get headers(): Record<string, string> {
    if (this.headerCache === null) {
      const out: Record<string, string> = {};
      const raw = this.raw.headers;
      for (const k of Object.keys(raw)) {
        const v = raw[k];
        if (v !== undefined) out[canonicalHeader(k)] = Array.isArray(v) ? v.join(', ') : v;
      }
      this.headerCache = out;
    }
    return this.headerCache;
  }

  json(selector?: string): unknown {
    const body = this.body;
    if (typeof body !== 'string') throw new Error('the body is null so we can\'t transform it to JSON - this likely was because of a request error getting the response');
    const value: unknown = JSON.parse(body);
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

/**
 * The tags of one request's points, shared by every request of the same template: the VU's tags
 * (the base), then method, url, name, status, expected_response, proto or error, error_code,
 * and the call's own tags. As in k6, a `name` tag stands for the URL in the `url` tag too, so
 * requests to per-cluster URLs under one name share one set.
 */
function requestTags(base: Readonly<SampleTags>, m: string, urlStr: string, status: number, expected: boolean, err: { message: string; code: number } | null, failed: boolean, user: UserTags | null): SampleTags {
  const urlTag = user?.name ?? urlStr;
  const key = `${m}\u0000${status}\u0000${expected ? 't' : 'f'}\u0000${failed ? `${err?.message ?? ''}\u0000` : ''}${err === null ? '' : err.code}\u0000${urlTag}${user === null ? '' : user.key}`;
  const hit = tagSets.get(base, key);
  if (hit !== undefined) return hit;
  const tags: SampleTags = { ...base };
  tags.method = m;
  tags.url = urlStr;
  tags.name = urlStr;
  tags.status = String(status);
  tags.expected_response = expected ? 'true' : 'false';
  if (!failed) tags.proto = 'HTTP/1.1';
  else tags.error = err?.message ?? '';
  if (err !== null) tags.error_code = String(err.code);
  if (user !== null) {
    for (const k of Object.keys(user.tags)) tags[k] = user.tags[k] as string;
    if (user.name !== undefined) tags.url = user.name;
  }
  return tagSets.put(base, key, tags);
}

/** A call's own tags as strings, with the key that names them in the tag cache. */
interface UserTags {
  tags: Record<string, string>;
  key: string;
  name: string | undefined;
}

function userTagsOf(tags: Record<string, unknown> | undefined | null): UserTags | null {
  if (tags === undefined || tags === null) return null;
  const out: Record<string, string> = {};
  for (const k of Object.keys(tags)) out[k] = String(tags[k]);
  return { tags: out, key: extraKey(out, '\u0000'), name: out.name };
}

interface RequestOptions {
  timeoutMs: number;
  responseType: ResponseType;
  cb: ExpectedStatuses | null;
  userTags: UserTags | null;
  baseTags: Readonly<SampleTags>;
}

function syncUnsupported(name: string): () => never {
  return () => {
    throw new Error(`http.${name}() is synchronous and would block the whole VU; the embedded engine supports only the async API: use \`await http.asyncRequest(method, url, body, params)\``);
  };
}

export function createHttpModule(vu: ModuleVU): object {
  let responseCallback: ExpectedStatuses | null = DEFAULT_EXPECTED;
  const reg = vu.ctx.registry;
  const metric = (name: (typeof HTTP_METRICS)[number]): MetricInfo => reg.get(name) as MetricInfo;
  const mReqs = metric('http_reqs');
  const mDuration = metric('http_req_duration');
  const mBlocked = metric('http_req_blocked');
  const mConnecting = metric('http_req_connecting');
  const mTls = metric('http_req_tls_handshaking');
  const mSending = metric('http_req_sending');
  const mWaiting = metric('http_req_waiting');
  const mReceiving = metric('http_req_receiving');
  const mFailed = metric('http_req_failed');

  /**
   * A request's answer as k6 has it: the response object, its points and traffic. Synchronous,
   * so a request costs asyncRequest's one async frame and the transport's one promise.
   */
  function record(m: string, urlStr: string, target: Target, headers: Record<string, string>, payload: Buffer | string | null, opts: RequestOptions, raw: RawResponse): K6Response {
    const failed = raw.error !== null;
    const err = !failed ? (raw.status >= 400 ? { message: '', code: 1000 + raw.status } : null) : errorInfo(raw.error as Error);
    const response = new K6Response(raw, m, urlStr, headers, typeof payload === 'string' ? payload : '', opts.responseType, err);
    const expected = !failed && isExpected(opts.cb, raw.status);
    const tags = requestTags(opts.baseTags, m, urlStr, raw.status, expected, err, failed, opts.userTags);

    const t = response.timings;
    const time = nowMs();
    const em = vu.ctx.emitter;
    em.push(mReqs, 1, tags, time);
    em.push(mDuration, t.duration, tags, time);
    em.push(mBlocked, t.blocked, tags, time);
    em.push(mConnecting, t.connecting, tags, time);
    em.push(mTls, t.tls_handshaking, tags, time);
    em.push(mSending, t.sending, tags, time);
    em.push(mWaiting, t.waiting, tags, time);
    em.push(mReceiving, t.receiving, tags, time);
    em.push(mFailed, expected ? 0 : 1, tags, time);
    let sent = m.length + target.path.length + target.host.length + 19;
    for (const k in headers) sent += k.length + (headers[k] as string).length + 4;
    if (payload !== null) sent += typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    vu.countTraffic(sent, raw.bytesReceived);
    if (failed) vu.ctx.log('warn', `Request Failed error="${urlStr}: ${err?.message ?? ''}"`);
    return response;
  }

  async function asyncRequest(method: string, url: unknown, body?: unknown, params?: RequestParams | null): Promise<K6Response> {
    if (vu.inInit) throw new Error('Making http requests in the init context is not supported');
    let m = String(method).toUpperCase();
    let urlStr = typeof url === 'object' && url !== null && 'url' in url ? String((url as { url: unknown }).url) : String(url);
    const p = params ?? {};
    const defaults = vu.ctx.httpDefaults;
    const headers: Record<string, string> = { 'user-agent': defaults.userAgent };
    if (p.headers !== undefined && p.headers !== null) for (const k of Object.keys(p.headers)) headers[k.toLowerCase()] = String(p.headers[k]);
    // A bad URL throws here, before anything is sent, as in k6.
    splitUrl(urlStr);
    let payload = encodeBody(body, headers);
    const opts: RequestOptions = {
      timeoutMs: p.timeout === undefined ? 60_000 : parseDuration(p.timeout, 'request timeout'),
      responseType: p.responseType ?? (defaults.discardResponseBodies ? 'none' : 'text'),
      cb: p.responseCallback === undefined ? responseCallback : p.responseCallback,
      userTags: userTagsOf(p.tags),
      // Tags are those at the call (inside a group, say), not those after an await.
      baseTags: vu.currentTags(),
    };
    // k6 follows up to 10 redirects by default (params.redirects), each hop its own sample.
    let redirectsLeft = typeof p.redirects === 'number' ? p.redirects : defaults.maxRedirects;
    for (;;) {
      const target = splitUrl(urlStr);
      const ticket = vu.hold();
      const raw = await vu.ctx.http.send({ origin: target.origin, path: target.path, method: m, headers, body: payload, timeoutMs: opts.timeoutMs }, vu.connections, vu);
      // The iteration ended while the request was in flight: its continuation must never run.
      if (!vu.isCurrent(ticket)) return new Promise<K6Response>(() => undefined);
      const response = record(m, urlStr, target, headers, payload, opts, raw);
      vu.release(ticket);
      if (raw.error !== null && (p.throw ?? defaults.throwOnError)) throw new Error(`${urlStr}: ${response.error}`);
      if (raw.error !== null || !REDIRECTS.has(raw.status) || redirectsLeft <= 0) return response;
      // Headers are parsed on first read: only a redirect needs them here.
      const location = raw.headers.location;
      if (typeof location !== 'string') return response;
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

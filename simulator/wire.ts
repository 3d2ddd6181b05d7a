// The simulator's HTTP/1.1 server: a request parser and a response writer on plain net sockets,
// instead of node:http. Why: on the shared 2-core box the simulator's CPU per request is what the
// harness can measure, and node:http's per-request machinery (an IncomingMessage and a
// ServerResponse, each a stream with its state objects, listeners, nextTicks, cork/uncork and a
// writev of header + body + an empty chunk, a tree of parsers for its timeouts) cost about as
// much as the simulator's own work. Here a request is one object, its body one string, its answer
// one string and one write. Measured with a bare answer to a lease PUT at 2,000 requests/s on
// 1,000 keep-alive connections: node:http 17-20k requests per CPU-second, this shape ~30k.
//
// What it keeps from node:http, so that clients see the same server (the wire contract in
// README.md; the quirks below are node's, as checked against it byte by byte):
// - the same response head: status line, the route's headers in order, Content-Type,
//   Content-Length, Date, then `Connection: keep-alive` + `Keep-Alive: timeout=65` (or
//   `Connection: close`, and no automatic Connection header when the answer sets its own);
// - keep-alive rules (HTTP/1.1 unless `Connection: close`, HTTP/1.0 only with keep-alive), HEAD
//   answered without a body, `Expect: 100-continue` (interim 100, other expectations 417);
// - request framing by Content-Length or chunked transfer coding; both at once, a duplicate
//   Content-Length, an unknown method, a missing Host on HTTP/1.1, bare LF line ends, control
//   characters or obs-fold in the head: 400 and the connection closed, as node answers them;
//   a head over 16 KiB: 431;
// - the first Authorization header wins (node drops duplicates of it);
// - a body the handler does not read is drained after the answer, so the connection stays usable;
// - idle keep-alive connections close after keepAliveTimeout, a head not complete within
//   headersTimeout gets 408 and is closed (node's connections check; here one sweep a second).
// Requests on one connection are handled one after another: a pipelined request waits for the
// answer to the one before it (node parses it meanwhile; no client of the simulator pipelines).
import { METHODS, STATUS_CODES } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';

export interface WireOptions {
  /** Idle keep-alive connections are closed after this long (node: server.keepAliveTimeout). */
  keepAliveTimeoutMs: number;
  /** A request head must be complete this long after it started (node: server.headersTimeout). */
  headersTimeoutMs: number;
}

/** Where a body read ends: the whole body, or why there is none. */
export interface BodySink {
  /** The body decoded as UTF-8 (what a JSON body needs; the bytes are not kept). */
  onBody(text: string): void;
  /** `too-large`: over the limit (the connection may already be cut); `gone`: the client left first. */
  onBodyError(reason: 'too-large' | 'gone'): void;
}

export type RequestHandler = (ex: Exchange) => void;

/** node's --max-http-header-size default: the request line and headers together. */
const MAX_HEAD_BYTES = 16 * 1024;
/** Oversized bodies are drained up to this many times the limit so the 413 reaches the client; beyond, the socket is cut. */
const DRAIN_LIMIT_FACTOR = 8;
/** Unprocessed input (pipelined requests) buffered behind a request still in progress before reading pauses. */
const MAX_BUFFERED_INPUT = 256 * 1024;

const KNOWN_METHODS: ReadonlySet<string> = new Set(METHODS);
/** node's parser knows these methods (http.METHODS); the API's own are checked without hashing. */
function isMethod(m: string): boolean {
  return m === 'GET' || m === 'PUT' || m === 'POST' || m === 'PATCH' || m === 'DELETE' || KNOWN_METHODS.has(m);
}
/** RFC 9110 tchar, as a lookup table by char code. */
const TOKEN_CHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN_CHAR[c.charCodeAt(0)] = 1;
const CONTINUE_EXPECTATION = /(?:^|\W)100-continue(?:$|\W)/i;
const DIGITS = /^\d{1,15}$/;

const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';
/** node's answer to an HTTP/1.1 request without Host (it goes through its response path: chunked, empty). */
const NO_HOST = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n';
const HEAD_TOO_LARGE = 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n';
const HEAD_TIMEOUT = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n';
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

/** `HTTP/1.1 <status> <reason>\r\n`, built once per status. */
const statusLines = new Map<number, string>();
function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) {
    line = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`;
    statusLines.set(status, line);
  }
  return line;
}

/** The Date header's value, rebuilt once a second rather than per response (node caches it too). */
let dateSecond = -1;
let dateText = '';
function httpDate(): string {
  const now = Date.now();
  const s = Math.floor(now / 1000);
  if (s !== dateSecond) {
    dateSecond = s;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

/** The end of most answers' heads: Date, keep-alive and the blank line, rebuilt once a second. */
let tailSecond = -1;
let tailLines = '';
let tailText = '';
function keepAliveTail(keepAliveLines: string): string {
  const date = httpDate();
  if (dateSecond !== tailSecond || keepAliveLines !== tailLines) {
    tailSecond = dateSecond;
    tailLines = keepAliveLines;
    tailText = `Date: ${date}\r\n${keepAliveLines}\r\n`;
  }
  return tailText;
}

/** OWS (spaces and tabs) off both ends; String#trim would also take Unicode spaces node keeps. */
function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

const enum BodyMode {
  /** The handler has not asked yet (only while it runs). */
  Undecided,
  Collect,
  Discard,
}

const enum Chunk {
  Size,
  Data,
  DataEnd,
  Trailer,
}

/** One request and its answer. The handler reads what it needs and calls respond() exactly once. */
export class Exchange {
  /** Told when the connection closes before the answer (a parked long poll leaves then). */
  onGone: { leave(): void } | null = null;
  answered = false;
  /** Set once the request's body has been read or skipped to its end. */
  bodyDone: boolean;
  // Body framing: bytes still expected (Content-Length), or the chunked decoder's state.
  remaining: number;
  chunkState = Chunk.Size;
  mode = BodyMode.Undecided;
  /** `Expect: 100-continue` (interim answer sent) or another expectation (417). */
  expect: 'continue' | 'failed' | null = null;
  private sink: BodySink | null = null;
  private max = 0;
  private size = 0;
  private over = false;
  private parts: Buffer[] | null = null;
  /** The body when it came in one piece: its read buffer and range (no slice object made). */
  private oneBuf: Buffer | null = null;
  private oneStart = 0;

  constructor(
    private readonly conn: Conn,
    readonly method: string,
    /** The request-target as sent: path and query, undecoded. */
    readonly target: string,
    /** The first Authorization header, OWS trimmed. */
    readonly authorization: string | undefined,
    readonly keepAlive: boolean,
    /** Declared Content-Length; -1 for a chunked body. */
    readonly contentLength: number,
  ) {
    this.remaining = contentLength;
    this.bodyDone = contentLength === 0;
  }

  get gone(): boolean {
    return this.conn.closed;
  }

  /**
   * Delivers the body to `sink` (synchronously when it is all here already): at most `max` bytes
   * kept, a larger body drained to its end and refused, one declared or sent beyond 8x `max` cut off.
   */
  readBody(max: number, sink: BodySink): void {
    this.mode = BodyMode.Collect;
    this.max = max;
    this.sink = sink;
    if (this.contentLength > max * DRAIN_LIMIT_FACTOR) {
      this.conn.destroy();
      this.endBody('too-large');
      return;
    }
    if (this.bodyDone) {
      this.endBody(null);
      return;
    }
    this.conn.pumpBody(this);
  }

  /** Body bytes as they are framed off the connection. */
  accept(buf: Buffer, start: number, end: number): void {
    if (this.mode !== BodyMode.Collect) return;
    this.size += end - start;
    if (this.over) {
      if (this.size > this.max * DRAIN_LIMIT_FACTOR) {
        this.conn.destroy();
        this.endBody('too-large');
      }
      return;
    }
    if (this.size > this.max) {
      this.over = true;
      this.parts = null;
      this.oneBuf = null;
      return;
    }
    if (this.parts === null && this.oneBuf === null) {
      // Nearly every body arrives whole in the read that brought its head.
      this.oneBuf = buf;
      this.oneStart = start;
      return;
    }
    if (this.parts === null) {
      this.parts = [(this.oneBuf as Buffer).subarray(this.oneStart, this.oneStart + this.size - (end - start))];
      this.oneBuf = null;
    }
    this.parts.push(buf.subarray(start, end));
  }

  /** The body's last byte arrived (or, with `failure`, never will). */
  endBody(failure: 'too-large' | 'gone' | null): void {
    this.bodyDone = true;
    const sink = this.sink;
    if (sink === null) return;
    this.sink = null;
    if (failure !== null) sink.onBodyError(failure);
    else if (this.over) sink.onBodyError('too-large');
    else if (this.oneBuf !== null) {
      const buf = this.oneBuf;
      this.oneBuf = null;
      sink.onBody(buf.toString('utf8', this.oneStart, this.oneStart + this.size));
    } else {
      const parts = this.parts;
      this.parts = null;
      sink.onBody(parts === null ? '' : Buffer.concat(parts, this.size).toString('utf8'));
    }
  }

  /**
   * Writes the answer. `headers` are the route's own (written first, in order); `body` null means
   * none (204 and the like); a `Connection` header of the route's own is kept and closes the connection.
   */
  respond(status: number, headers: Readonly<Record<string, string>> | undefined, contentType: string, body: string | null): void {
    if (this.answered) return;
    this.answered = true;
    this.onGone = null;
    const conn = this.conn;
    if (conn.closed) return;
    let head = statusLine(status);
    let own = false;
    let close = !this.keepAlive || conn.server.closing;
    if (headers !== undefined) {
      for (const name in headers) {
        const value = headers[name] as string;
        head += `${name}: ${value}\r\n`;
        if (name.length === 10 && name.toLowerCase() === 'connection') {
          own = true;
          if (/(?:^|,)\s*close\s*(?:,|$)/i.test(value)) close = true;
        }
      }
    }
    if (body !== null) head += `Content-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
    // A bodiless answer that may have a body (not 1xx/204/304): node frames its empty body as chunked.
    const emptyChunked = body === null && status >= 200 && status !== 204 && status !== 304;
    if (!own && !close && !emptyChunked) head += keepAliveTail(conn.server.keepAliveLines);
    else {
      head += `Date: ${httpDate()}\r\n`;
      if (!own) head += close ? 'Connection: close\r\n' : conn.server.keepAliveLines;
      if (emptyChunked) head += 'Transfer-Encoding: chunked\r\n';
      head += '\r\n';
    }
    // One write per answer, head and body together (node wrote them together too).
    conn.write(this.method === 'HEAD' ? head : emptyChunked ? `${head}0\r\n\r\n` : body === null ? head : head + body);
    conn.answered(close);
  }
}

const EMPTY = Buffer.alloc(0);

/** One client connection: its unprocessed input and the request in progress. */
class Conn {
  closed = false;
  /** Closing (an answer with `Connection: close`, a rejected head, a cut body): further input is ignored. */
  private ending = false;
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Where the search for the end of the head resumes (bytes before it were searched already). */
  private scanned = 0;
  private ex: Exchange | null = null;
  private paused = false;
  /** process() is on the stack: an answer given meanwhile is picked up by its loop, not by recursion. */
  private inProcess = false;
  /** When the connection went idle (keep-alive timeout), or when the head being received began (headers timeout). */
  since: number;

  constructor(
    readonly server: WireServer,
    readonly socket: Socket,
  ) {
    this.since = Date.now();
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => undefined);
    socket.on('close', () => this.onClose());
  }

  write(text: string): void {
    if (!this.closed && !this.socket.destroyed) this.socket.write(text);
  }

  destroy(): void {
    this.ending = true;
    this.socket.destroy();
  }

  /** Between requests (no exchange in progress). */
  get waiting(): boolean {
    return this.ex === null;
  }

  /** Between requests with nothing of the next one received. */
  get idle(): boolean {
    return this.ex === null && this.pos === this.buf.length;
  }

  private onData(d: Buffer): void {
    if (this.ending || this.closed) return;
    // The first bytes of a head: the headers timeout counts from here, as node's does.
    if (this.ex === null && this.pos === this.buf.length) this.since = Date.now();
    if (this.pos === this.buf.length) {
      this.buf = d;
      this.pos = 0;
      this.scanned = 0;
    } else {
      const rest = this.buf.subarray(this.pos);
      this.scanned = Math.max(0, this.scanned - this.pos);
      this.buf = Buffer.concat([rest, d], rest.length + d.length);
      this.pos = 0;
    }
    this.process();
  }

  private onClose(): void {
    this.closed = true;
    this.server.forget(this);
    const ex = this.ex;
    this.ex = null;
    if (ex === null || ex.answered) return;
    if (!ex.bodyDone) ex.endBody('gone');
    const gone = ex.onGone;
    ex.onGone = null;
    gone?.leave();
  }

  /** Frames as much of the exchange's body as has arrived. */
  pumpBody(ex: Exchange): void {
    if (ex.contentLength >= 0) {
      const take = Math.min(ex.remaining, this.buf.length - this.pos);
      if (take > 0) {
        const start = this.pos;
        this.pos += take;
        ex.remaining -= take;
        ex.accept(this.buf, start, start + take);
      }
      if (ex.remaining === 0 && !ex.bodyDone) ex.endBody(null);
      return;
    }
    if (!this.pumpChunked(ex)) {
      // A malformed chunked body: node's parser errors, answers 400 if nothing was written yet, and closes.
      if (ex.answered) this.destroy();
      else this.reject(BAD_REQUEST);
      if (!ex.bodyDone) ex.endBody('gone');
    }
  }

  /** The chunked decoder; false on a framing error. */
  private pumpChunked(ex: Exchange): boolean {
    const buf = this.buf;
    while (!ex.bodyDone && !this.ending) {
      switch (ex.chunkState) {
        case Chunk.Size: {
          const eol = buf.indexOf('\r\n', this.pos);
          if (eol < 0) return buf.length - this.pos <= 1024;
          const line = buf.toString('latin1', this.pos, eol);
          const semi = line.indexOf(';');
          const hex = trimOws(semi < 0 ? line : line.slice(0, semi));
          if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) return false;
          this.pos = eol + 2;
          ex.remaining = Number.parseInt(hex, 16);
          ex.chunkState = ex.remaining === 0 ? Chunk.Trailer : Chunk.Data;
          break;
        }
        case Chunk.Data: {
          const take = Math.min(ex.remaining, buf.length - this.pos);
          if (take === 0) return true;
          const start = this.pos;
          this.pos += take;
          ex.remaining -= take;
          ex.accept(buf, start, start + take);
          if (ex.remaining === 0) ex.chunkState = Chunk.DataEnd;
          break;
        }
        case Chunk.DataEnd: {
          if (buf.length - this.pos < 2) return true;
          if (buf[this.pos] !== 13 || buf[this.pos + 1] !== 10) return false;
          this.pos += 2;
          ex.chunkState = Chunk.Size;
          break;
        }
        case Chunk.Trailer: {
          // Trailer fields until an empty line; ignored, as node's request.trailers would be here.
          const eol = buf.indexOf('\r\n', this.pos);
          if (eol < 0) return buf.length - this.pos <= MAX_HEAD_BYTES;
          const empty = eol === this.pos;
          this.pos = eol + 2;
          if (empty) ex.endBody(null);
          break;
        }
      }
    }
    return true;
  }

  /** The exchange was answered: the connection goes on with the next request, or closes. */
  answered(close: boolean): void {
    if (this.socket.destroyed) return;
    if (close) {
      this.ending = true;
      // As node's destroySoon: the answer is flushed, then the connection is closed.
      this.socket.end(() => this.socket.destroy());
      return;
    }
    if (!this.inProcess) this.process();
  }

  private process(): void {
    this.inProcess = true;
    try {
      for (;;) {
        if (this.closed || this.ending) return;
        const ex = this.ex;
        if (ex === null) {
          if (!this.parseHead()) return;
          continue;
        }
        if (!ex.bodyDone) {
          // The handler did not ask for the body: it is skipped (node drains it after the answer).
          if (ex.mode === BodyMode.Undecided) ex.mode = BodyMode.Discard;
          this.pumpBody(ex);
          if (!ex.bodyDone) return;
        }
        if (!ex.answered) {
          // Waiting for the answer (a parked long poll: for up to minutes): keep no read buffer meanwhile.
          if (this.pos === this.buf.length) {
            this.buf = EMPTY;
            this.pos = 0;
            this.scanned = 0;
          } else if (!this.paused && this.buf.length - this.pos > MAX_BUFFERED_INPUT) {
            this.paused = true;
            this.socket.pause();
          }
          return;
        }
        // Done: the next request, if any has arrived.
        this.ex = null;
        this.since = Date.now();
        if (this.paused) {
          this.paused = false;
          this.socket.resume();
        }
      }
    } finally {
      this.inProcess = false;
    }
  }

  /** Parses one request head and hands its exchange to the handler; false when more input is needed. */
  private parseHead(): boolean {
    const buf = this.buf;
    // Empty lines before a request line are allowed (RFC 9112 2.2), as node allows them.
    while (this.pos + 1 < buf.length && buf[this.pos] === 13 && buf[this.pos + 1] === 10) this.pos += 2;
    if (this.pos >= buf.length) {
      // Everything read was used: let the read buffer go rather than keep it per idle connection.
      this.buf = EMPTY;
      this.pos = 0;
      this.scanned = 0;
      return false;
    }
    const end = buf.indexOf('\r\n\r\n', Math.max(this.pos, this.scanned - 3));
    if (end < 0) {
      if (buf.length - this.pos > MAX_HEAD_BYTES) this.reject(HEAD_TOO_LARGE);
      // An incomplete head (rare: a head nearly always comes in one read). node's parser rejects a
      // bad character as soon as it sees it, so a head with bare LF line ends is a 400 now rather
      // than a wait for a CRLF CRLF that never comes. A CR at the very end may still get its LF:
      // it is looked at again with the next bytes.
      else if (!this.headBytesOk(Math.max(this.pos, this.scanned))) this.reject(BAD_REQUEST);
      this.scanned = buf[buf.length - 1] === 13 ? buf.length - 1 : buf.length;
      return false;
    }
    if (end - this.pos > MAX_HEAD_BYTES) {
      this.reject(HEAD_TOO_LARGE);
      return false;
    }
    const head = buf.toString('latin1', this.pos, end);
    this.pos = end + 4;
    this.scanned = this.pos;
    const ex = this.parse(head);
    if (ex === null || ex === NO_HOST_HEADER) {
      this.reject(ex === null ? BAD_REQUEST : NO_HOST);
      return false;
    }
    if (ex === CONNECT) {
      // node emits 'connect' and, with no listener, destroys the socket.
      this.destroy();
      return false;
    }
    this.ex = ex;
    if (ex.expect === 'continue' && !ex.bodyDone) this.write(CONTINUE);
    if (ex.expect === 'failed') {
      ex.mode = BodyMode.Discard;
      ex.respond(417, undefined, '', null);
      return true;
    }
    try {
      this.server.handler(ex);
    } catch (err) {
      // The handler answers every failure itself; this is a bug, and the connection cannot go on.
      process.stderr.write(`simulator: internal error in the request handler: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      this.destroy();
      return false;
    }
    return true;
  }

  /** The same rules as parse()'s first pass, on the bytes of an incomplete head from `from` on. */
  private headBytesOk(from: number): boolean {
    const buf = this.buf;
    for (let k = from; k < buf.length; k++) {
      const c = buf[k] as number;
      if (c < 32) {
        if (c === 13) {
          if (k + 1 < buf.length && buf[k + 1] !== 10) return false;
        } else if (c === 10) {
          if (k === this.pos || buf[k - 1] !== 13) return false;
        } else if (c !== 9) return false;
      } else if (c === 127) return false;
    }
    return true;
  }

  private reject(answer: string): void {
    this.ending = true;
    this.socket.end(answer, () => this.socket.destroy());
  }

  /** A head still incomplete at the headers timeout: 408, as node answers it. */
  timeOut(): void {
    this.reject(HEAD_TIMEOUT);
  }

  /** A request head; null when it is malformed (400). */
  private parse(head: string): Exchange | null | typeof CONNECT | typeof NO_HOST_HEADER {
    // One pass for what node's parser refuses anywhere in a head: control characters other than
    // HTAB, CR not followed by LF, LF not preceded by CR (bare LF line ends), DEL.
    for (let k = 0; k < head.length; k++) {
      const c = head.charCodeAt(k);
      if (c < 32) {
        if (c === 13) {
          if (head.charCodeAt(k + 1) !== 10) return null;
          k++;
        } else if (c !== 9) return null;
      } else if (c === 127) return null;
    }
    let lineEnd = head.indexOf('\r\n');
    if (lineEnd < 0) lineEnd = head.length;
    const sp = head.indexOf(' ');
    if (sp <= 0 || sp > lineEnd) return null;
    const method = head.slice(0, sp);
    if (!isMethod(method)) return null;
    let t = sp + 1;
    while (head.charCodeAt(t) === 32) t++;
    let sp2 = head.indexOf(' ', t);
    if (sp2 > lineEnd) sp2 = -1;
    const target = head.slice(t, sp2 < 0 ? lineEnd : sp2);
    if (target === '') return null;
    // No version is HTTP/0.9, which node answers once and closes.
    let version: 9 | 10 | 11;
    let v = sp2 + 1;
    while (head.charCodeAt(v) === 32) v++;
    if (sp2 < 0) version = 9;
    else if (lineEnd - v === 8 && head.startsWith('HTTP/1.1', v)) version = 11;
    else if (lineEnd - v === 8 && head.startsWith('HTTP/1.0', v)) version = 10;
    else return null;
    if (method === 'CONNECT') return CONNECT;
    let authorization: string | undefined;
    let contentLength = -2;
    let chunked = false;
    let host = false;
    let close = false;
    let keepAliveToken = false;
    let expect: string | undefined;
    let i = lineEnd + 2;
    while (i < head.length) {
      let e = head.indexOf('\r\n', i);
      if (e < 0) e = head.length;
      const colon = head.indexOf(':', i);
      if (colon <= i || colon > e) return null;
      for (let k = i; k < colon; k++) {
        const c = head.charCodeAt(k);
        if (c >= 128 || TOKEN_CHAR[c] !== 1) return null;
      }
      // Only the headers the server acts on are looked at, picked by length first.
      switch (colon - i) {
        case 4:
          if (head.slice(i, colon).toLowerCase() === 'host') host = true;
          break;
        case 6:
          if (head.slice(i, colon).toLowerCase() === 'expect') expect = trimOws(head.slice(colon + 1, e));
          break;
        case 10:
          if (head.slice(i, colon).toLowerCase() === 'connection') {
            const value = trimOws(head.slice(colon + 1, e));
            if (value === 'keep-alive') keepAliveToken = true;
            else {
              for (const token of value.toLowerCase().split(',')) {
                const tk = trimOws(token);
                if (tk === 'close') close = true;
                else if (tk === 'keep-alive') keepAliveToken = true;
              }
            }
          }
          break;
        case 13:
          if (authorization === undefined && head.slice(i, colon).toLowerCase() === 'authorization') authorization = trimOws(head.slice(colon + 1, e));
          break;
        case 14:
          if (head.slice(i, colon).toLowerCase() === 'content-length') {
            const value = trimOws(head.slice(colon + 1, e));
            if (contentLength !== -2 || !DIGITS.test(value)) return null;
            contentLength = Number(value);
          }
          break;
        case 17:
          if (head.slice(i, colon).toLowerCase() === 'transfer-encoding') {
            const codings = head.slice(colon + 1, e).toLowerCase().split(',');
            if (trimOws(codings[codings.length - 1] ?? '') !== 'chunked') return null;
            chunked = true;
          }
          break;
      }
      i = e + 2;
    }
    if (chunked && contentLength !== -2) return null;
    if (version === 11 && !host) return NO_HOST_HEADER;
    const keepAlive = version === 11 ? !close : version === 10 && keepAliveToken && !close;
    const ex = new Exchange(this, method, target, authorization, keepAlive, chunked ? -1 : Math.max(0, contentLength));
    if (expect !== undefined && version === 11) ex.expect = CONTINUE_EXPECTATION.test(expect) ? 'continue' : 'failed';
    return ex;
  }

}

const CONNECT = Symbol('connect');
const NO_HOST_HEADER = Symbol('no host');

export class WireServer {
  readonly server: Server;
  closing = false;
  readonly keepAliveLines: string;
  private readonly conns = new Set<Conn>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    readonly handler: RequestHandler,
    private readonly options: WireOptions,
  ) {
    this.keepAliveLines = `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(options.keepAliveTimeoutMs / 1000)}\r\n`;
    // TCP keep-alive probes as node:http's `keepAlive: true` gave; no Nagle delay on small answers.
    this.server = createServer({ keepAlive: true, noDelay: true }, (socket) => {
      if (this.closing) {
        socket.destroy();
        return;
      }
      this.conns.add(new Conn(this, socket));
    });
  }

  listen(port: number, host: string, backlog: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ port, host, backlog }, () => {
        this.server.off('error', reject);
        // One sweep a second for both timeouts, instead of a timer per connection.
        this.sweeper = setInterval(() => this.sweep(), 1000);
        this.sweeper.unref();
        resolve();
      });
    });
  }

  forget(conn: Conn): void {
    this.conns.delete(conn);
  }

  /** Stops accepting; resolves once every connection has closed. Answers from then on close their connection. */
  close(): Promise<void> {
    this.closing = true;
    if (this.sweeper !== null) clearInterval(this.sweeper);
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  closeIdleConnections(): void {
    for (const c of this.conns) if (c.idle) c.destroy();
  }

  closeAllConnections(): void {
    for (const c of this.conns) c.destroy();
  }

  private sweep(): void {
    const now = Date.now();
    for (const c of this.conns) {
      if (!c.waiting) continue;
      if (c.idle) {
        if (now - c.since > this.options.keepAliveTimeoutMs) c.destroy();
      } else if (now - c.since > this.options.headersTimeoutMs) c.timeOut();
    }
  }
}

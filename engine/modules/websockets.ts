// k6/websockets (k6/experimental/websockets before k6 v1.6): the browser WebSocket API on the
// VU's event loop, as real k6 has it. An open socket keeps the iteration alive; events reach the
// script one by one as frames arrive; metrics, tags and event order follow k6 (checked against
// real k6 by test/engine/websockets.conformance.test.ts).
//
// The client is the `ws` package rather than undici's WebSocket: it hands over per-socket ping and
// pong frames (k6's onping/onpong and ws_ping), the status of a refused handshake (k6's status
// tag), the raw socket (k6's data_sent/data_received) and TLS options straight to tls.connect,
// and a message costs an EventEmitter call instead of a DOM MessageEvent (about 1.3 µs against
// 1.7 to 2.6 µs of CPU per received message, measured on this machine).
import type { Socket } from 'node:net';
import { Blob } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import WebSocketClient from 'ws';
import type { MetricInfo, MetricRegistry } from '../metrics';
import type { SampleTags } from '../samples';
import { extraKey, tagSets } from '../tags';
import { nowMs } from '../time';
import { tlsConnectOptions } from '../tls';
import type { Abortable } from './http-client';
import type { ModuleVU } from './vu-api';

/** What real k6 throws from its Go modules: scripts see `GoError: …` as they do on k6. */
export class GoError extends Error {
  override name = 'GoError';
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
type ReadyState = typeof CONNECTING | typeof OPEN | typeof CLOSING | typeof CLOSED;

const EVENT_TYPES = ['open', 'message', 'error', 'close', 'ping', 'pong'] as const;
type EventType = (typeof EVENT_TYPES)[number];
type Listener = (event: object) => unknown;

/** k6's builtin metrics of this module, declared on first use as k6 declares its builtins. */
interface WsMetrics {
  sessions: MetricInfo;
  connecting: MetricInfo;
  duration: MetricInfo;
  sent: MetricInfo;
  received: MetricInfo;
  ping: MetricInfo;
}

function wsMetrics(reg: MetricRegistry): WsMetrics {
  return {
    sessions: reg.register('ws_sessions', 'counter', 'default'),
    connecting: reg.register('ws_connecting', 'trend', 'time'),
    duration: reg.register('ws_session_duration', 'trend', 'time'),
    sent: reg.register('ws_msgs_sent', 'counter', 'default'),
    received: reg.register('ws_msgs_received', 'counter', 'default'),
    ping: reg.register('ws_ping', 'trend', 'time'),
  };
}

/** Close codes as gorilla/websocket (real k6's client) names them in its errors. */
const CLOSE_NAMES: Record<number, string> = {
  1000: 'normal',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status',
  1006: 'abnormal closure',
  1007: 'invalid payload data',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'mandatory extension missing',
  1011: 'internal server error',
  1012: 'service restart',
  1013: 'try again later',
  1015: 'TLS handshake error',
};

/** gorilla's CloseError text: `websocket: close 4000: bye`, `websocket: close 1011 (internal server error)`. */
export function closeErrorText(code: number, reason: string): string {
  const name = CLOSE_NAMES[code];
  return `websocket: close ${code}${name === undefined ? '' : ` (${name})`}${reason === '' ? '' : `: ${reason}`}`;
}

/** A connect error as Go's dialer words it, which is what a k6 script sees in `event.error`. */
export function dialErrorText(err: Error, host: string, port: string): string {
  const code = (err as { code?: string }).code;
  switch (code) {
    case 'ECONNREFUSED':
      return `dial tcp ${host}:${port}: connect: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${host}: no such host`;
    case 'ETIMEDOUT':
      return `dial tcp ${host}:${port}: i/o timeout`;
    case 'ECONNRESET':
      return `read tcp ${host}:${port}: read: connection reset by peer`;
    case 'EPIPE':
      return `write tcp ${host}:${port}: write: broken pipe`;
    default:
      return err.message;
  }
}

interface SocketParams {
  headers: Record<string, string>;
  userTags: Record<string, string> | null;
  compression: boolean;
}

function parseUrl(raw: unknown): URL {
  if (raw === undefined) throw new GoError('WebSocket requires a url');
  const text = String(raw);
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new GoError(`WebSocket requires valid url, but got "${text}"`);
  }
  const scheme = u.protocol.slice(0, -1);
  if (scheme !== 'ws' && scheme !== 'wss') throw new GoError(`WebSocket requires url with scheme ws or wss, but got "${scheme}"`);
  if (u.hash !== '') throw new GoError(`WebSocket requires no url fragment, but got "${u.hash.slice(1)}"`);
  return u;
}

function parseParams(raw: unknown, userAgent: string): SocketParams {
  const out: SocketParams = { headers: { 'User-Agent': userAgent }, userTags: null, compression: false };
  if (raw === undefined || raw === null) return out;
  const p = raw as Record<string, unknown>;
  for (const k of Object.keys(p)) {
    const v = p[k];
    switch (k) {
      case 'headers':
        if (v === undefined || v === null) break;
        for (const name of Object.keys(v as object)) {
          // One value per name whatever its case, as Go's Header.Set keeps it.
          for (const have of Object.keys(out.headers)) if (have.toLowerCase() === name.toLowerCase()) delete out.headers[have];
          out.headers[name] = String((v as Record<string, unknown>)[name]);
        }
        break;
      case 'tags':
        if (v === undefined || v === null) break;
        out.userTags = {};
        for (const name of Object.keys(v as object)) out.userTags[name] = String((v as Record<string, unknown>)[name]);
        break;
      case 'jar':
        // Cookies are not sent by the embedded engine's clients at all; a jar changes nothing.
        break;
      case 'compression': {
        const algo = String(v).trim();
        if (algo !== 'deflate') throw new GoError(`unsupported compression algorithm '${algo}', supported algorithm is 'deflate'`);
        out.compression = true;
        break;
      }
      default:
        throw new GoError(`unknown WebSocket's option ${k}`);
    }
  }
  return out;
}

function protocolList(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  if (Array.isArray(raw)) return raw.map((p) => String(p));
  return [String(raw)];
}

/**
 * A socket's tags, shared by all its points and by every socket to the same URL with the same
 * outcome: the VU's tags at construction, the call's tags, url and name (a name tag stands for
 * the URL, as in k6), and after a handshake status and subproto.
 */
function socketTags(base: Readonly<SampleTags>, url: string, user: Record<string, string> | null, status: number | null, subproto: string): SampleTags {
  const key = `\u0004ws\u0000${url}\u0000${status ?? '-'}\u0000${subproto}${user === null ? '' : extraKey(user, '\u0000')}`;
  const hit = tagSets.get(base, key);
  if (hit !== undefined) return hit;
  const tags: SampleTags = { ...base };
  if (user !== null) for (const k of Object.keys(user)) tags[k] = user[k] as string;
  const name = user?.name;
  tags.url = name ?? url;
  tags.name = name ?? url;
  if (status !== null) {
    tags.status = String(status);
    tags.subproto = subproto;
  }
  return tagSets.put(base, key, tags);
}

export function createWebSocketsModule(vu: ModuleVU): object {
  let metrics: WsMetrics | null = null;
  /** TLS options depend on the test's options, final only after the init context: made at first use. */
  let tlsFor: { options: Readonly<Record<string, unknown>>; byHost: Map<string, ReturnType<typeof tlsConnectOptions>> } | null = null;

  function tls(host: string): ReturnType<typeof tlsConnectOptions> {
    const options = vu.ctx.testOptions;
    if (tlsFor === null || tlsFor.options !== options) tlsFor = { options, byHost: new Map() };
    let t = tlsFor.byHost.get(host);
    if (t === undefined) {
      t = tlsConnectOptions(options, host);
      tlsFor.byHost.set(host, t);
    }
    return t;
  }

  class WebSocket {
    static readonly CONNECTING = CONNECTING;
    static readonly OPEN = OPEN;
    static readonly CLOSING = CLOSING;
    static readonly CLOSED = CLOSED;

    readonly url: string;
    #state: ReadyState = CONNECTING;
    #protocol = '';
    #binaryType: 'blob' | 'arraybuffer' = 'blob';
    readonly #client: WebSocketClient;
    readonly #m: WsMetrics;
    /** The VU's tags when the socket was made and the call's own: what the socket's tags build on. */
    readonly #base: Readonly<SampleTags>;
    readonly #user: Record<string, string> | null;
    #tags: SampleTags;
    readonly #ticket: number;
    readonly #tracker: Abortable;
    readonly #started: number;
    /** Whether the handshake succeeded: only such sessions get a ws_session_duration, as in k6. */
    #established = false;
    #socket: Socket | null = null;
    /** Set by close(): the code and reason this side sent, which the close event reports. */
    #sentClose: { code: number; reason: string } | null = null;
    /** close() called while connecting: sent once the socket opens, as k6 queues it. */
    #pendingClose: { code: number; reason: string } | null = null;
    #pingCounter = 0;
    readonly #pings = new Map<string, number>();
    readonly #on: Record<EventType, Listener | null> = { open: null, message: null, error: null, close: null, ping: null, pong: null };
    readonly #listeners: Record<EventType, Listener[]> = { open: [], message: [], error: [], close: [], ping: [], pong: [] };

    constructor(url: unknown, protocols?: unknown, params?: unknown) {
      if (vu.inInit) throw new GoError('Using websockets in the init context is not supported');
      const u = parseUrl(url);
      const p = parseParams(params, vu.ctx.httpDefaults.userAgent);
      this.url = String(url);
      this.#m = metrics ??= wsMetrics(vu.ctx.registry);
      this.#base = vu.currentTags();
      this.#user = p.userTags;
      this.#tags = socketTags(this.#base, this.url, this.#user, null, '');
      this.#ticket = vu.hold();
      this.#started = nowMs();
      const options: WebSocketClient.ClientOptions = {
        headers: p.headers,
        handshakeTimeout: 60_000,
        followRedirects: false,
        // gorilla (real k6) does not check that text frames are UTF-8; skipping it saves CPU per message.
        skipUTF8Validation: true,
        perMessageDeflate: p.compression ? { clientNoContextTakeover: true, serverNoContextTakeover: true } : false,
        ...(u.protocol === 'wss:' ? tls(u.hostname) : {}),
      };
      const client = new WebSocketClient(this.url, protocolList(protocols), options);
      client.binaryType = 'nodebuffer';
      this.#client = client;
      this.#tracker = {
        // The iteration ended (or was cut) with the socket open: k6 forwards nothing more to it.
        abort: () => {
          this.#state = CLOSED;
          client.terminate();
        },
      };
      vu.trackRequest(this.#tracker);
      const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
      const port = u.port !== '' ? u.port : u.protocol === 'wss:' ? '443' : '80';

      client.on('upgrade', (res: IncomingMessage) => {
        this.#socket = res.socket;
      });
      client.on('unexpected-response', (req, res: IncomingMessage) => {
        this.#socket = res.socket;
        this.#run(() => {
          this.#connected(res.statusCode ?? 0, '');
          this.#finish('websocket: bad handshake', true);
        });
        req.destroy();
        res.destroy();
      });
      client.on('open', () => {
        this.#run(() => {
          this.#protocol = client.protocol;
          this.#established = true;
          this.#connected(101, this.#protocol);
          this.#opened();
        });
      });
      client.on('message', (data: Buffer, isBinary: boolean) => {
        if (this.#state !== OPEN) return;
        this.#run(() => {
          const time = nowMs();
          vu.ctx.emitter.push(this.#m.received, 1, this.#tags, time);
          this.#dispatch('message', { type: 'message', target: this, timestamp: time, data: isBinary ? this.#binary(data) : data.toString('utf8'), origin: this.url });
        });
      });
      client.on('ping', () => {
        this.#run(() => this.#dispatch('ping', this.#event('ping')));
      });
      client.on('pong', (data: Buffer) => {
        this.#run(() => {
          const id = data.toString('utf8');
          const sentAt = this.#pings.get(id);
          if (sentAt === undefined) vu.ctx.log('warn', `received pong for unknown ping ID ${id}`);
          else {
            this.#pings.delete(id);
            const now = nowMs();
            vu.ctx.emitter.push(this.#m.ping, now - sentAt, this.#tags, now);
          }
          this.#dispatch('pong', this.#event('pong'));
        });
      });
      client.on('error', (err: Error) => {
        // Once open, a broken connection is no error to k6 (gorilla reports only close frames as
        // such): the 'close' that ws emits next ends the socket as k6 ends it.
        if (this.#state === CLOSED || this.#established) return;
        this.#run(() => {
          if (this.#socket === null) {
            // No handshake at all (refused, unresolvable, TLS): k6 still counts the session.
            this.#connected(null, '');
            this.#finish(dialErrorText(err, host, port), true);
          } else this.#finish(err.message, true);
        });
      });
      client.on('close', (code: number, reasonBytes: Buffer) => {
        if (this.#state === CLOSED) return;
        this.#run(() => {
          const sent = this.#sentClose;
          // As gorilla reports it to k6: a server's own close frame or a dropped connection is a
          // normal close; only a close frame answering ours with a code other than normal or
          // going away is an error, and then the event carries that frame's code and reason.
          if (sent === null) {
            this.#finish(null, false, 1000, '');
            return;
          }
          const reason = reasonBytes.toString('utf8');
          const framed = code !== 1005 && code !== 1006;
          const err = framed && code !== 1000 && code !== 1001 ? closeErrorText(code, reason) : null;
          this.#finish(err, false, framed ? code : sent.code, framed ? reason : sent.reason);
        });
      });
    }

    get readyState(): ReadyState {
      return this.#state;
    }

    get protocol(): string {
      return this.#protocol;
    }

    get bufferedAmount(): number {
      return this.#client.bufferedAmount;
    }

    get extensions(): string {
      return this.#client.extensions;
    }

    get binaryType(): string {
      return this.#binaryType;
    }

    set binaryType(value: string) {
      if (value !== 'blob' && value !== 'arraybuffer') throw new GoError(`unknown binaryType ${value}, the supported ones are "blob" and "arraybuffer"`);
      this.#binaryType = value;
    }

    get onopen(): Listener | null {
      return this.#on.open;
    }
    set onopen(fn: unknown) {
      this.#setOn('open', fn);
    }
    get onmessage(): Listener | null {
      return this.#on.message;
    }
    set onmessage(fn: unknown) {
      this.#setOn('message', fn);
    }
    get onerror(): Listener | null {
      return this.#on.error;
    }
    set onerror(fn: unknown) {
      this.#setOn('error', fn);
    }
    get onclose(): Listener | null {
      return this.#on.close;
    }
    set onclose(fn: unknown) {
      this.#setOn('close', fn);
    }
    get onping(): Listener | null {
      return this.#on.ping;
    }
    set onping(fn: unknown) {
      this.#setOn('ping', fn);
    }
    get onpong(): Listener | null {
      return this.#on.pong;
    }
    set onpong(fn: unknown) {
      this.#setOn('pong', fn);
    }

    addEventListener(type: unknown, fn: unknown): void {
      if (typeof fn !== 'function') throw new GoError(`handler for event type "${String(type)}" isn't a callable function`);
      const t = String(type);
      if (!(EVENT_TYPES as readonly string[]).includes(t)) {
        vu.ctx.log('warn', `can't add event handler: unknown event type: ${t}`);
        return;
      }
      this.#listeners[t as EventType].push(fn as Listener);
    }

    send(data: unknown): void {
      this.#assertOpen();
      if (typeof data === 'string') this.#client.send(data);
      else if (data instanceof ArrayBuffer) this.#client.send(Buffer.from(data), { binary: true });
      else if (ArrayBuffer.isView(data)) this.#client.send(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { binary: true });
      else throw new GoError(`unsupported send type ${data === null ? 'null' : typeof data}`);
      // Counted when handed to the socket (k6 counts when written): a callback per message would
      // cost more than the difference is worth.
      vu.ctx.emitter.push(this.#m.sent, 1, this.#tags, nowMs());
    }

    ping(): void {
      this.#assertOpen();
      const id = String(this.#pingCounter++);
      this.#pings.set(id, nowMs());
      this.#client.ping(id);
      // k6 writes its pings through the same queue as messages, and counts them as sent messages.
      vu.ctx.emitter.push(this.#m.sent, 1, this.#tags, nowMs());
    }

    close(code?: unknown, reason?: unknown): void {
      if (this.#state === CLOSING || this.#state === CLOSED) return;
      const c = code === undefined || code === null || Number(code) === 0 ? 1000 : Number(code);
      const r = reason === undefined || reason === null ? '' : String(reason);
      if (this.#state === CONNECTING) {
        this.#state = CLOSING;
        this.#pendingClose = { code: c, reason: r };
        return;
      }
      this.#sendClose(c, r);
    }

    #sendClose(code: number, reason: string): void {
      this.#state = CLOSING;
      this.#sentClose = { code, reason };
      this.#client.close(code, reason);
      // k6 sends its close frame through the message queue too: it counts as a sent message.
      vu.ctx.emitter.push(this.#m.sent, 1, this.#tags, nowMs());
    }

    #assertOpen(): void {
      if (this.#state !== OPEN) throw new GoError('InvalidStateError');
    }

    #setOn(type: EventType, fn: unknown): void {
      if (fn === undefined || fn === null) this.#on[type] = null;
      else if (typeof fn !== 'function') throw new GoError(`a value for 'on${type}' should be callable`);
      else this.#on[type] = fn as Listener;
    }

    #event(type: EventType): { type: EventType; target: WebSocket; timestamp: number } {
      return { type, target: this, timestamp: nowMs() };
    }

    #binary(data: Buffer): ArrayBuffer | Blob {
      const ab = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
      return this.#binaryType === 'arraybuffer' ? ab : new Blob([ab]);
    }

    /** The handshake ended (status null: no answer at all): k6's session and connecting points. */
    #connected(status: number | null, subproto: string): void {
      this.#tags = socketTags(this.#base, this.url, this.#user, status, subproto);
      const em = vu.ctx.emitter;
      em.push(this.#m.sessions, 1, this.#tags, this.#started);
      em.push(this.#m.connecting, nowMs() - this.#started, this.#tags, this.#started);
    }

    #opened(): void {
      const pending = this.#pendingClose;
      if (pending !== null) {
        // k6 queues a close() made while connecting and sends it once connected, without an open event.
        this.#pendingClose = null;
        this.#sendClose(pending.code, pending.reason);
        return;
      }
      this.#state = OPEN;
      this.#dispatch('open', this.#event('open'));
    }

    #dispatch(type: EventType, event: object): void {
      const on = this.#on[type];
      if (on !== null) on.call(undefined, event);
      const list = this.#listeners[type];
      for (let i = 0; i < list.length; i++) (list[i] as Listener).call(undefined, event);
    }

    /**
     * Runs a script callback on the VU's loop: nothing once the iteration is over. An exception
     * closes the socket, reaches its error and close listeners (as in k6) unless they threw it,
     * and then ends the iteration as an uncaught exception. (Real k6 lets the VU's other sockets
     * run on until they close before it ends the iteration; here they are cut at once, since a
     * throwing listener is a script bug either way and waiting could hold the VU indefinitely.)
     */
    #run(fn: () => void): void {
      if (!vu.isCurrent(this.#ticket)) {
        this.#state = CLOSED;
        this.#client.terminate();
        return;
      }
      try {
        fn();
      } catch (err) {
        this.#client.terminate();
        if (this.#state !== CLOSED) {
          try {
            this.#finish(err instanceof Error ? err.message : String(err), true, undefined, '', false);
          } catch {
            // A listener that throws while being told of an exception: the first one is reported.
          }
        }
        vu.fail(err);
      }
    }

    /**
     * The socket is closed: error listeners (if `error`), close listeners, the session's
     * duration and traffic, and then (if `release`) the VU's loop let go. `failed` sockets (no
     * handshake, a throwing listener) give a close event without code, as k6's do.
     */
    #finish(error: string | null, failed: boolean, code?: number, reason = '', release = true): void {
      if (this.#state === CLOSED) return;
      this.#state = CLOSED;
      vu.untrackRequest(this.#tracker);
      if (failed) this.#client.terminate();
      const now = nowMs();
      if (this.#established) vu.ctx.emitter.push(this.#m.duration, now - this.#started, this.#tags, now);
      const s = this.#socket;
      if (s !== null) vu.countTraffic(s.bytesWritten, s.bytesRead);
      if (error !== null) this.#dispatch('error', { type: 'error', target: this, timestamp: now, error });
      this.#dispatch('close', { type: 'close', target: this, timestamp: nowMs(), code: failed ? undefined : code, reason });
      if (release) vu.release(this.#ticket);
    }
  }

  return { WebSocket, Blob };
}

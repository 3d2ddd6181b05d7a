// The HTTP transport behind k6/http: one undici Agent per engine instance with keep-alive, driven
// through the raw dispatch API (no per-request streams) and measuring k6's timings.
import { Agent, buildConnector, type Dispatcher } from 'undici';
import type { TlsConnectOptions } from '../tls';

export interface RawResponse {
  status: number;
  statusText: string;
  /** Response headers by lower-case name, parsed on first read. */
  readonly headers: Readonly<Record<string, string | string[]>>;
  body: Buffer;
  /** Bytes on the wire, estimated from status line, headers and body. */
  bytesReceived: number;
  tStart: number;
  /** When the request went onto a socket: the time before is k6's "blocked" (queue + connect). */
  tSocket: number;
  /** Connect time of a new connection this request waited for (0 on a reused one). */
  connecting: number;
  tHeaders: number;
  tEnd: number;
  error: Error | null;
}

export interface RawRequest {
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer | string | null;
  timeoutMs: number;
}

export interface Abortable {
  abort(reason: Error): void;
}

/** Who aborts a request when its iteration ends: it holds the request's handle while in flight. */
export interface RequestTracker {
  trackRequest(request: Abortable): void;
  untrackRequest(request: Abortable): void;
}

/** Where connections live: per VU (k6's semantics: every VU has its own transport) or shared. */
export type ConnectionScope = 'per-vu' | 'shared';

/** The pool a VU's requests go through; one per VU when connections are per VU. */
export interface ConnectionOwner {
  dispatcher: Agent | null;
  /** The last connection this owner opened: how long it took and when it was ready. */
  lastConnect: { ms: number; at: number } | null;
}

export class HttpClient {
  private readonly shared: Agent | null;
  private readonly agents = new Set<Agent>();

  constructor(
    readonly scope: ConnectionScope = 'per-vu',
    /** k6's noConnectionReuse: a new connection for every request. */
    private readonly noReuse = false,
    /** TLS of a connection to a host, from k6's insecureSkipTLSVerify, tlsAuth and SSL_CERT_FILE (engine/tls.ts). */
    private readonly tlsFor: (host: string) => TlsConnectOptions = () => ({ rejectUnauthorized: true }),
    /**
     * k6's batchPerHost, taken as the most connections a VU keeps to one host. k6 caps only idle
     * connections with it and opens more on demand; an unbounded pool here keeps its peak size
     * for the whole keep-alive, and a VU running hundreds of agents then exhausts the process's
     * file descriptors. A request over the cap waits for a connection, and the wait is reported
     * as http_req_blocked, as k6 reports waiting for a connection, not as http_req_duration.
     */
    private readonly maxPerHost: number | null = null,
  ) {
    this.shared = scope === 'shared' ? this.newAgent() : null;
  }

  /** One connector per host: tlsAuth picks the client certificate by host name. */
  private readonly connectors = new Map<string, buildConnector.connector>();

  private connectorFor(host: string): buildConnector.connector {
    let c = this.connectors.get(host);
    if (c === undefined) {
      // No TLS session cache: a resumed session would carry another identity's handshake.
      c = buildConnector({ ...this.tlsFor(host), maxCachedSessions: 0 });
      this.connectors.set(host, c);
    }
    return c;
  }

  private newAgent(owner?: ConnectionOwner): Agent {
    const base: buildConnector.connector = (opts, cb) => this.connectorFor(opts.hostname)(opts, cb);
    // A VU's own pool times its connects, so the request that waited for one reports k6's
    // http_req_connecting (a shared pool cannot tell whose connect it was).
    const connect: buildConnector.connector =
      owner === undefined
        ? base
        : (opts, cb) => {
            const t0 = performance.now();
            base(opts, (...args) => {
              const at = performance.now();
              owner.lastConnect = { ms: at - t0, at };
              cb(...args);
            });
          };
    const agent = new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000, pipelining: 1, connections: owner === undefined ? null : this.maxPerHost, connect });
    this.agents.add(agent);
    return agent;
  }

  private dispatcherFor(owner: ConnectionOwner): Agent {
    if (this.shared !== null) return this.shared;
    return (owner.dispatcher ??= this.newAgent(owner));
  }

  /**
   * Sends a request; `tracker` holds a handle that aborts it while it is in flight (used when an
   * iteration ends). Resolves with the response or with `error` set; never rejects.
   */
  send(req: RawRequest, owner: ConnectionOwner, tracker: RequestTracker): Promise<RawResponse> {
    const agent = this.dispatcherFor(owner);
    return new Promise<RawResponse>((resolve) => {
      const exchange = new Exchange(owner, tracker, resolve);
      tracker.trackRequest(exchange);
      try {
        agent.dispatch(
          {
            origin: req.origin,
            path: req.path,
            method: req.method as Dispatcher.HttpMethod,
            headers: req.headers,
            body: req.body,
            headersTimeout: req.timeoutMs,
            bodyTimeout: req.timeoutMs,
            reset: this.noReuse,
          },
          exchange,
        );
      } catch (err) {
        exchange.onError(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Drops a VU's connections (k6's noVUConnectionReuse, at the end of each iteration). */
  release(owner: ConnectionOwner): void {
    const agent = owner.dispatcher;
    if (agent === null || agent === this.shared) return;
    owner.dispatcher = null;
    this.agents.delete(agent);
    void agent.destroy().catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents].map((a) => a.destroy().catch(() => undefined)));
    this.agents.clear();
  }
}

const EMPTY = Buffer.alloc(0);
const NO_HEADERS: Buffer[] = [];

/**
 * One request in flight: undici's handler, the response it builds, and the handle that aborts
 * it, all in one object. A VU with hundreds of agents has as many requests waiting (long polls),
 * and a promise, a response object and seven closures each were most of their memory. It speaks
 * undici's callback API (onConnect … onComplete), which undici runs without a wrapper and which
 * hands the headers over raw: they are parsed only if the script reads them.
 */
class Exchange implements RawResponse, Abortable, Dispatcher.DispatchHandler {
  status = 0;
  statusText = '';
  body: Buffer = EMPTY;
  bytesReceived = 0;
  readonly tStart = performance.now();
  tSocket = 0;
  connecting = 0;
  tHeaders = 0;
  tEnd = 0;
  error: Error | null = null;
  private rawHeaders: Buffer[] = NO_HEADERS;
  private parsed: Record<string, string | string[]> | null = null;
  private chunks: Buffer[] | null = null;
  private abortDispatch: ((err?: Error) => void) | null = null;
  private settled = false;

  constructor(
    private readonly owner: ConnectionOwner,
    private readonly tracker: RequestTracker,
    private readonly resolve: (res: RawResponse) => void,
  ) {}

  get headers(): Readonly<Record<string, string | string[]>> {
    if (this.parsed === null) {
      const out: Record<string, string | string[]> = {};
      const raw = this.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const name = (raw[i] as Buffer).toString('latin1').toLowerCase();
        const value = (raw[i + 1] as Buffer).toString('latin1');
        const prev = Object.hasOwn(out, name) ? out[name] : undefined;
        if (prev === undefined) out[name] = value;
        else if (Array.isArray(prev)) prev.push(value);
        else out[name] = [prev, value];
      }
      this.parsed = out;
    }
    return this.parsed;
  }

  abort(reason: Error): void {
    this.abortDispatch?.(reason);
    this.done(reason);
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortDispatch = abort;
    this.tSocket = performance.now();
    const conn = this.owner.lastConnect;
    if (conn !== null && conn.at >= this.tStart) {
      this.connecting = conn.ms;
      this.owner.lastConnect = null;
    }
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], _resume: () => void, statusText: string): boolean {
    this.tHeaders = performance.now();
    this.status = statusCode;
    this.statusText = statusText ?? '';
    this.rawHeaders = rawHeaders;
    let n = 17 + this.statusText.length;
    for (let i = 0; i < rawHeaders.length; i++) n += (rawHeaders[i] as Buffer).length + 2;
    this.bytesReceived = n;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.body === EMPTY && this.chunks === null) this.body = chunk;
    else (this.chunks ??= [this.body]).push(chunk);
    return true;
  }

  onComplete(): void {
    this.done(null);
  }

  onError(err: Error): void {
    this.done(err);
  }

  private done(err: Error | null): void {
    if (this.settled) return;
    this.settled = true;
    this.tEnd = performance.now();
    if (this.tHeaders === 0) this.tHeaders = this.tEnd;
    if (this.tSocket === 0) this.tSocket = this.tHeaders;
    this.error = err;
    if (err === null) {
      if (this.chunks !== null) this.body = Buffer.concat(this.chunks);
      this.bytesReceived += this.body.length;
    } else this.body = EMPTY;
    this.chunks = null;
    this.abortDispatch = null;
    this.tracker.untrackRequest(this);
    this.resolve(this);
  }
}

// The HTTP transport behind k6/http: one undici Agent per engine instance with keep-alive, driven
// through the raw dispatch API (no per-request streams) and measuring k6's timings.
import { Agent, buildConnector, type Dispatcher } from 'undici';

export interface RawResponse {
  status: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
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
    /** k6's insecureSkipTLSVerify. */
    private readonly insecure = false,
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

  private newAgent(owner?: ConnectionOwner): Agent {
    const base = buildConnector(this.insecure ? { rejectUnauthorized: false } : {});
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
      const res: RawResponse = { status: 0, statusText: '', headers: {}, body: EMPTY, bytesReceived: 0, tStart: performance.now(), tSocket: 0, connecting: 0, tHeaders: 0, tEnd: 0, error: null };
      const chunks: Buffer[] = [];
      let controller: Dispatcher.DispatchController | null = null;
      let settled = false;
      const done = (err: Error | null): void => {
        if (settled) return;
        settled = true;
        res.tEnd = performance.now();
        if (res.tHeaders === 0) res.tHeaders = res.tEnd;
        if (res.tSocket === 0) res.tSocket = res.tHeaders;
        res.error = err;
        if (err === null) {
          res.body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
          res.bytesReceived += res.body.length;
        }
        tracker.untrackRequest(handle);
        resolve(res);
      };
      const handle: Abortable = {
        abort(reason: Error): void {
          if (controller !== null) controller.abort(reason);
          done(reason);
        },
      };
      tracker.trackRequest(handle);
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(c: Dispatcher.DispatchController): void {
          controller = c;
          res.tSocket = performance.now();
          const conn = owner.lastConnect;
          if (conn !== null && conn.at >= res.tStart) {
            res.connecting = conn.ms;
            owner.lastConnect = null;
          }
        },
        onResponseStart(_c, statusCode, headers, statusMessage): void {
          res.tHeaders = performance.now();
          res.status = statusCode;
          res.statusText = statusMessage ?? '';
          res.headers = headers;
          let n = 17 + (statusMessage?.length ?? 0);
          for (const k in headers) {
            const v = headers[k];
            n += k.length + 4 + (typeof v === 'string' ? v.length : Array.isArray(v) ? v.join(', ').length : 0);
          }
          res.bytesReceived = n;
        },
        onResponseData(_c, chunk: Buffer): void {
          chunks.push(chunk);
        },
        onResponseEnd(): void {
          done(null);
        },
        onResponseError(_c, err: Error): void {
          done(err);
        },
      };
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
          handler,
        );
      } catch (err) {
        done(err instanceof Error ? err : new Error(String(err)));
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

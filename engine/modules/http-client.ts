// The HTTP transport behind k6/http: one undici Agent per engine instance with keep-alive, driven
// through the raw dispatch API (no per-request streams) and measuring k6's timings.
import { Agent, type Dispatcher } from 'undici';

export interface RawResponse {
  status: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Bytes on the wire, estimated from status line, headers and body. */
  bytesReceived: number;
  tStart: number;
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

export class HttpClient {
  private readonly agent: Agent;

  constructor() {
    this.agent = new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000, pipelining: 1, connections: null });
  }

  /**
   * Sends a request; `track` receives a handle that aborts it (used when an iteration ends).
   * Resolves with the response or with `error` set; never rejects.
   */
  send(req: RawRequest, track: (a: Abortable | null) => void): Promise<RawResponse> {
    return new Promise<RawResponse>((resolve) => {
      const res: RawResponse = { status: 0, statusText: '', headers: {}, body: EMPTY, bytesReceived: 0, tStart: performance.now(), tHeaders: 0, tEnd: 0, error: null };
      const chunks: Buffer[] = [];
      let controller: Dispatcher.DispatchController | null = null;
      let settled = false;
      const done = (err: Error | null): void => {
        if (settled) return;
        settled = true;
        res.tEnd = performance.now();
        if (res.tHeaders === 0) res.tHeaders = res.tEnd;
        res.error = err;
        if (err === null) {
          res.body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
          res.bytesReceived += res.body.length;
        }
        track(null);
        resolve(res);
      };
      const handle: Abortable = {
        abort(reason: Error): void {
          if (controller !== null) controller.abort(reason);
          done(reason);
        },
      };
      track(handle);
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(c: Dispatcher.DispatchController): void {
          controller = c;
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
        this.agent.dispatch(
          {
            origin: req.origin,
            path: req.path,
            method: req.method as Dispatcher.HttpMethod,
            headers: req.headers,
            body: req.body,
            headersTimeout: req.timeoutMs,
            bodyTimeout: req.timeoutMs,
          },
          handler,
        );
      } catch (err) {
        done(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  async close(): Promise<void> {
    await this.agent.destroy().catch(() => undefined);
  }
}

const EMPTY = Buffer.alloc(0);

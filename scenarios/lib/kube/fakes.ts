// Fakes of the two seams (the transport and the socket factory) for unit tests, here and in the
// protocol modules built on this layer: they record every request and answer from a script.
import type { CallTags } from '../http-types';
import type { WatchSocket, WatchSocketFactory, WatchSocketHandlers } from './sources';
import type { KubeResponse, KubeTransport } from './transport';
import type { KubeObject, Status, WatchEventType } from './types';

export interface RecordedRequest {
  method: string;
  url: string;
  /** The path without the query. */
  path: string;
  /** The query decoded, and as sent (`raw`, '' when none). */
  query: Record<string, string>;
  rawQuery: string;
  body: string | null;
  headers: Readonly<Record<string, string>>;
  tags: CallTags;
  timeoutMs: number;
}

function decode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

export function splitUrl(url: string): { path: string; query: Record<string, string>; rawQuery: string } {
  const noScheme = url.replace(/^[a-z]+:\/\/[^/]+/i, '');
  const q = noScheme.indexOf('?');
  const path = q < 0 ? noScheme : noScheme.slice(0, q);
  const rawQuery = q < 0 ? '' : noScheme.slice(q + 1);
  const query: Record<string, string> = {};
  if (rawQuery !== '') {
    for (const part of rawQuery.split('&')) {
      const eq = part.indexOf('=');
      query[decode(eq < 0 ? part : part.slice(0, eq))] = eq < 0 ? '' : decode(part.slice(eq + 1));
    }
  }
  return { path, query, rawQuery };
}

export type Responder = (req: RecordedRequest) => KubeResponse | Promise<KubeResponse>;

export class FakeTransport implements KubeTransport {
  readonly requests: RecordedRequest[] = [];

  constructor(public responder: Responder) {}

  request(method: string, url: string, body: string | null, headers: Readonly<Record<string, string>>, tags: CallTags, timeoutMs: number): Promise<KubeResponse> {
    const req: RecordedRequest = { method, url, ...splitUrl(url), body, headers, tags, timeoutMs };
    this.requests.push(req);
    return Promise.resolve(this.responder(req));
  }
}

export function reply(status: number, body?: unknown, headers: Record<string, string> = {}): KubeResponse {
  return { status, body: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body), headers, error: status === 0 ? 'dial tcp: connection refused' : '' };
}

export function status(code: number, reason: string, message = ''): Status {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message };
}

export function event(type: WatchEventType, object: KubeObject | Status): string {
  return JSON.stringify({ type, object });
}

export function bookmark(resourceVersion: string, initialEventsEnd = false): string {
  const metadata = initialEventsEnd ? { resourceVersion, annotations: { 'k8s.io/initial-events-end': 'true' } } : { resourceVersion };
  return event('BOOKMARK', { kind: 'Pod', apiVersion: 'v1', metadata });
}

/** One fake socket: the script plays the server (open, send, serverClose, fail); close() is the client's. */
export class FakeSocket implements WatchSocket {
  closedByClient = false;
  closedByServer = false;

  constructor(
    readonly url: string,
    readonly headers: Readonly<Record<string, string>>,
    readonly tags: CallTags,
    private readonly h: WatchSocketHandlers,
  ) {}

  get path(): string {
    return splitUrl(this.url).path;
  }

  get query(): Record<string, string> {
    return splitUrl(this.url).query;
  }

  get closed(): boolean {
    return this.closedByClient || this.closedByServer;
  }

  open(): this {
    this.h.open();
    return this;
  }

  send(...messages: string[]): this {
    for (const m of messages) if (!this.closed) this.h.message(m);
    return this;
  }

  /** A frame as k6 would hand it over: a string for text, an ArrayBuffer for binary. */
  sendFrame(data: unknown): this {
    if (!this.closed) this.h.message(data);
    return this;
  }

  serverClose(): void {
    if (this.closed) return;
    this.closedByServer = true;
    this.h.close();
  }

  /** A failed handshake (before open) or a broken connection (after). */
  fail(message: string): void {
    if (this.closed) return;
    this.h.error(message);
    this.serverClose();
  }

  close(): void {
    if (this.closed) return;
    this.closedByClient = true;
    // k6 reports the close as an event later, not inside close().
    void Promise.resolve().then(() => this.h.close());
  }
}

export class FakeSockets {
  readonly sockets: FakeSocket[] = [];

  /** script runs a microtask after each socket is made, as a server answers after the dial. */
  constructor(public script: (s: FakeSocket) => void = () => {}) {}

  readonly factory: WatchSocketFactory = (url, headers, tags, handlers) => {
    const s = new FakeSocket(url, headers, tags, handlers);
    this.sockets.push(s);
    void Promise.resolve().then(() => this.script(s));
    return s;
  };

  get last(): FakeSocket | undefined {
    return this.sockets[this.sockets.length - 1];
  }
}

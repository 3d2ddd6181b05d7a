// Where a watch's events come from. Two sources, one interface:
// - WebSocket (socketSource): kube-apiserver serves every watch over WebSocket too, one event JSON
//   per text message, so events arrive as they happen; one HTTP/1.1 connection per watch.
// - Long poll (longPollSource): a plain GET through the transport. k6/http returns only when the
//   body ends, so the events of a watch arrive together when the server closes it (at
//   timeoutSeconds): the weaker mode, for targets where WebSocket is off.
// The socket itself is behind WatchSocketFactory so that this file imports no k6 module (ws.ts
// holds the k6 one) and tests drive it with a fake.
import type { CallTags } from '../http-types';
import { clearTimeout, setTimeout } from '../timers';
import { errorFromResponse, isTooManyRequests, type KubeError } from './errors';
import { originOf, toWebSocketUrl } from './paths';
import type { StopSignal } from './stop';
import { retryAfterSeconds, type KubeTransport } from './transport';

export interface StreamRequest {
  /** The watch URL (http or https: a socket source turns it into ws or wss). */
  url: string;
  headers: Readonly<Record<string, string>>;
  tags: CallTags;
  /** The client's own bound: past it the stream is ended from this side. */
  timeoutMs: number;
}

export type StreamEnd =
  /** The stream ran and ended: closed by the server (timeoutSeconds), broken, timed out, or ended by the consumer. */
  | { kind: 'ended'; by: 'server' | 'broken' | 'timeout' | 'consumer' }
  /** It never started: an HTTP error (status and Status), or a failed handshake (status 0: k6 does not say which). */
  | { kind: 'refused'; status: number; error: KubeError; retriable: boolean }
  | { kind: 'stopped' };

export interface EventSource {
  readonly kind: 'websocket' | 'long-poll';
  /**
   * Opens one watch; every message (one event's JSON text) goes to onMessage, which returns false
   * to end the stream. Resolves when the stream is over; at stop, at once.
   */
  open(req: StreamRequest, onMessage: (text: string) => boolean, stop: StopSignal): Promise<StreamEnd>;
}

/** client-go retries a watch that could not start only when the server was unreachable or asked it to slow down. */
function retriable(e: KubeError): boolean {
  return isTooManyRequests(e) || (e.status === 0 && /connection refused/i.test(e.message));
}

function refused(status: number, error: KubeError): StreamEnd {
  return { kind: 'refused', status, error, retriable: retriable(error) };
}

/** What the event source needs from a WebSocket: k6's satisfies it (ws.ts), so does a test's fake. */
export interface WatchSocket {
  close(): void;
}

export interface WatchSocketHandlers {
  open(): void;
  /** A text message is a string; binary ones are not events of a JSON watch. */
  message(data: unknown): void;
  error(message: string): void;
  close(): void;
}

export type WatchSocketFactory = (url: string, headers: Readonly<Record<string, string>>, tags: CallTags, handlers: WatchSocketHandlers) => WatchSocket;

export interface SocketSourceOptions {
  /** The Origin header; the API server's own origin unless set (a null origin is refused). */
  origin?: string;
}

export function socketSource(factory: WatchSocketFactory, options: SocketSourceOptions = {}): EventSource {
  return {
    kind: 'websocket',
    open(req, onMessage, stop) {
      if (stop.stopped) return Promise.resolve<StreamEnd>({ kind: 'stopped' });
      return new Promise<StreamEnd>((resolve) => {
        let opened = false;
        let settled = false;
        let socket: WatchSocket | undefined;
        let closeWanted = false;
        let offStop = (): void => {};
        const finish = (end: StreamEnd, close: boolean): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          offStop();
          if (close) {
            if (socket !== undefined) socket.close();
            else closeWanted = true;
          }
          resolve(end);
        };
        const timer = setTimeout(() => finish({ kind: 'ended', by: 'timeout' }, true), req.timeoutMs);
        offStop = stop.onStop(() => finish({ kind: 'stopped' }, true));
        const handlers: WatchSocketHandlers = {
          open() {
            opened = true;
          },
          message(data) {
            if (settled) return;
            // A binary frame is no event of a JSON watch: '' reaches the parser and counts as undecodable.
            if (!onMessage(typeof data === 'string' ? data : '')) finish({ kind: 'ended', by: 'consumer' }, true);
          },
          error(message) {
            if (opened) finish({ kind: 'ended', by: 'broken' }, true);
            else finish(refused(0, { status: 0, code: 0, reason: '', message }), true);
          },
          close() {
            if (opened) finish({ kind: 'ended', by: 'server' }, false);
            else finish(refused(0, { status: 0, code: 0, reason: '', message: 'closed before the handshake completed' }), false);
          },
        };
        const headers = { ...req.headers, Origin: options.origin ?? originOf(req.url) };
        socket = factory(toWebSocketUrl(req.url), headers, req.tags, handlers);
        if (closeWanted) socket.close();
      });
    },
  };
}

export function longPollSource(transport: KubeTransport): EventSource {
  return {
    kind: 'long-poll',
    async open(req, onMessage, stop) {
      const res = await stop.race(transport.request('GET', req.url, null, req.headers, req.tags, req.timeoutMs));
      if (res === undefined) return { kind: 'stopped' };
      if (res.status < 200 || res.status >= 300) {
        const ra = res.status === 429 || res.status >= 500 ? retryAfterSeconds(res.headers) : undefined;
        return refused(res.status, errorFromResponse(res.status, res.body, res.error, ra));
      }
      // One event a line (the JSON watch stream's framing); the last line may lack its newline.
      const body = res.body;
      let start = 0;
      while (start < body.length) {
        if (stop.stopped) return { kind: 'stopped' };
        let end = body.indexOf('\n', start);
        if (end < 0) end = body.length;
        if (end - start > 1 && !onMessage(body.slice(start, end))) return { kind: 'ended', by: 'consumer' };
        start = end + 1;
      }
      return { kind: 'ended', by: 'server' };
    },
  };
}

// The Transport protocol modules get in Node (preflight probes, the end-of-run /metrics read): the
// same call shape as the k6 transport, over undici, with no samples recorded. A Kubernetes target
// brings its own TLS trust and client certificate (TargetSpec.kube): such calls go through an
// undici Agent made for exactly those, never the global one.
import { Agent, request, WebSocket, type Dispatcher } from 'undici';
import { METHOD, type CallResult, type CallTags } from '../../scenarios/lib/http-types';
import type { TargetSpec, Transport } from '../../scenarios/lib/protocol';
import { retryAfterMs } from '../../scenarios/lib/backoff';
import type { WatchSocketFactory } from '../../scenarios/lib/kube/sources';
import type { KubeResponse } from '../../scenarios/lib/kube/transport';

export type TargetTls = NonNullable<TargetSpec['kube']>;

function reason(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string; message?: string }; message?: string };
  return e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(err);
}

/**
 * `ca` replaces Node's bundled roots, as a kubeconfig's CA does for kubectl: a cluster CA is the
 * one authority for that server. Without one the public roots apply. No TLS session cache: a
 * resumed session keeps the client certificate it was made with, and the probe tests saw a
 * dispatcher without a certificate resume one made with it, i.e. act as another identity.
 */
export function tlsDispatcher(tls: TargetTls): Agent {
  const connect: { rejectUnauthorized: boolean; maxCachedSessions: number; ca?: string; cert?: string; key?: string } = { rejectUnauthorized: !tls.insecureSkipTlsVerify, maxCachedSessions: 0 };
  if (tls.caPem !== undefined) connect.ca = tls.caPem;
  if (tls.clientCertPem !== undefined) connect.cert = tls.clientCertPem;
  if (tls.clientKeyPem !== undefined) connect.key = tls.clientKeyPem;
  return new Agent({ connect });
}

async function send(dispatcher: Dispatcher | undefined, url: string, token: string, method: string, body: unknown, timeoutMs: number): Promise<{ status: number; text: string; retryAfter: string | undefined; error: string }> {
  const headers: Record<string, string> = {};
  if (token !== '') headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await request(url, {
      method: method as 'GET',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      ...(dispatcher ? { dispatcher } : {}),
    });
    const text = await res.body.text();
    const ra = res.headers['retry-after'];
    return { status: res.statusCode, text, retryAfter: Array.isArray(ra) ? ra[0] : ra, error: '' };
  } catch (err) {
    return { status: 0, text: '', retryAfter: undefined, error: reason(err) };
  }
}

/** Headers as one string each: undici gives repeated ones as arrays, the kube layer wants k6's shape. */
function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

async function raw(dispatcher: Dispatcher | undefined, method: string, url: string, body: string | null, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<KubeResponse> {
  try {
    const res = await request(url, {
      method: method as 'GET',
      headers: { ...headers },
      body: body ?? undefined,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      ...(dispatcher ? { dispatcher } : {}),
    });
    return { status: res.statusCode, body: await res.body.text(), headers: flatHeaders(res.headers) };
  } catch (err) {
    return { status: 0, body: '', headers: {}, error: reason(err) };
  }
}

/** undici's WebSocket, which takes headers (bearer, Origin) and the target's TLS dispatcher. */
function sockets(dispatcher: Dispatcher | undefined): WatchSocketFactory {
  return (url, headers, _tags, h) => {
    const ws = new WebSocket(url, { headers: { ...headers }, ...(dispatcher ? { dispatcher } : {}) });
    ws.onopen = () => h.open();
    ws.onmessage = (e) => h.message(typeof e.data === 'string' ? e.data : Buffer.from(e.data as ArrayBuffer).toString('utf8'));
    ws.onerror = () => h.error('websocket error');
    ws.onclose = () => h.close();
    return ws;
  };
}

export interface NodeTransport extends Transport {
  /** A GET whose answer is text (Prometheus exposition), with the same TLS and bearer handling. */
  text(url: string, token: string, timeoutMs?: number): Promise<{ status: number; text: string; error: string }>;
}

export function nodeTransportFor(tls?: TargetTls): NodeTransport {
  const dispatcher = tls === undefined ? undefined : tlsDispatcher(tls);
  return {
    async call<T>(url: string, token: string, tags: CallTags, body?: unknown, timeoutMs = 10_000): Promise<CallResult<T>> {
      const r = await send(dispatcher, url, token, METHOD[tags.verb], body, timeoutMs);
      if (r.status === 0) return { status: 0, body: undefined, retryAfterMs: undefined, error: r.error };
      let parsed: T | undefined;
      if (r.status >= 200 && r.status < 300 && r.text.length > 0) {
        try {
          parsed = JSON.parse(r.text) as T;
        } catch {
          parsed = undefined;
        }
      }
      return { status: r.status, body: parsed, retryAfterMs: retryAfterMs(r.retryAfter), error: '' };
    },
    request: (method, url, body, headers, _tags, timeoutMs) => raw(dispatcher, method, url, body, headers, timeoutMs),
    watchSockets: sockets(dispatcher),
    async text(url: string, token: string, timeoutMs = 5000) {
      const r = await send(dispatcher, url, token, 'GET', undefined, timeoutMs);
      return { status: r.status, text: r.text, error: r.error };
    },
  };
}

/** For plain URL targets (the simulator, --target): the global dispatcher, public roots. */
export const nodeTransport: NodeTransport = nodeTransportFor();

// The k6 transport: async calls (never the blocking http.* ones), tagged by the API latency SLI
// they feed, with bounded timeouts. Protocol modules get it as their Transport.
import http from 'k6/http';
import { retryAfterMs } from './backoff';
import { k6KubeTransport } from './kube/k6-transport';
import { k6WatchSockets } from './kube/ws';
import { METHOD, type CallResult, type CallTags } from './http-types';
import type { Transport } from './protocol';

export type { CallResult, CallTags, Scope, Verb } from './http-types';

export async function call<T>(url: string, token: string, tags: CallTags, body?: unknown, timeoutMs = 10_000): Promise<CallResult<T>> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  let payload: string | null = null;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await http.asyncRequest(METHOD[tags.verb], url, payload, {
    headers,
    tags: { sli: tags.sli, verb: tags.verb, resource: tags.resource, scope: tags.scope, name: tags.name },
    timeout: timeoutMs,
    responseType: 'text',
  });
  let parsed: T | undefined;
  if (res.status >= 200 && res.status < 300 && typeof res.body === 'string' && res.body.length > 0) {
    try {
      parsed = JSON.parse(res.body) as T;
    } catch {
      parsed = undefined;
    }
  }
  return { status: res.status, body: parsed, retryAfterMs: retryAfterMs(res.headers['Retry-After']), error: res.error };
}

// The Kubernetes layer's raw request and WebSockets ride along, so a protocol reaches them through
// the Transport it is handed and still imports no k6 module.
export const k6Transport: Transport = { call, request: k6KubeTransport.request, watchSockets: k6WatchSockets };

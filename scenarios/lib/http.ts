// One way to call the control plane from a scenario: async (never the blocking http.* calls),
// tagged by the API latency SLI it feeds, with bounded timeouts.
import http from 'k6/http';
import { retryAfterMs } from './backoff';
import type { ApiSliTag } from './plan';

export type Verb = 'GET' | 'LIST' | 'WATCH' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Scope = 'resource' | 'namespace' | 'cluster';

/** Tags of one API call. `name` is the URL template, so 100,000 clusters stay one series. */
export interface CallTags {
  sli: ApiSliTag;
  verb: Verb;
  resource: string;
  scope: Scope;
  name: string;
}

export interface CallResult<T> {
  status: number;
  /** Parsed JSON body for 2xx answers that have one. */
  body: T | undefined;
  retryAfterMs: number | undefined;
  error: string;
}

const METHOD: Record<Verb, string> = { GET: 'GET', LIST: 'GET', WATCH: 'GET', POST: 'POST', PUT: 'PUT', PATCH: 'PATCH', DELETE: 'DELETE' };

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

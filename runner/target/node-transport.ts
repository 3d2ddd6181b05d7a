// The Transport protocol modules get in Node (preflight probes): the same call shape as the k6
// transport, over undici, with no samples recorded.
import { request } from 'undici';
import { METHOD, type CallResult, type CallTags } from '../../scenarios/lib/http-types';
import type { Transport } from '../../scenarios/lib/protocol';
import { retryAfterMs } from '../../scenarios/lib/backoff';

function reason(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string; message?: string }; message?: string };
  return e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(err);
}

async function call<T>(url: string, token: string, tags: CallTags, body?: unknown, timeoutMs = 10_000): Promise<CallResult<T>> {
  const headers: Record<string, string> = {};
  if (token !== '') headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await request(url, {
      method: METHOD[tags.verb] as 'GET',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    let parsed: T | undefined;
    if (res.statusCode >= 200 && res.statusCode < 300 && text.length > 0) {
      try {
        parsed = JSON.parse(text) as T;
      } catch {
        parsed = undefined;
      }
    }
    const ra = res.headers['retry-after'];
    return { status: res.statusCode, body: parsed, retryAfterMs: retryAfterMs(Array.isArray(ra) ? ra[0] : ra), error: '' };
  } catch (err) {
    return { status: 0, body: undefined, retryAfterMs: undefined, error: reason(err) };
  }
}

export const nodeTransport: Transport = { call };

// The one seam between the Kubernetes client and the network: a raw request with method, body,
// headers and tags, a raw answer. k6/http behind it in scenarios (k6-transport.ts), fakes in tests.
// Narrower than a fetch so that the k6 one stays a few lines, and wider than ../protocol.ts's
// Transport, which cannot send PATCH content types or read an error's Status body.
import type { CallTags } from '../http-types';

export interface KubeResponse {
  /** 0 when no answer came (refused, reset, timed out). */
  status: number;
  /** The body as text ('' when none). */
  body: string;
  headers: Readonly<Record<string, string>>;
  /** What went wrong when status is 0. */
  error?: string;
}

export interface KubeTransport {
  request(method: string, url: string, body: string | null, headers: Readonly<Record<string, string>>, tags: CallTags, timeoutMs: number): Promise<KubeResponse>;
}

/** A header by name: k6 canonicalises names (`Retry-After`), Node lower-cases them. */
export function header(headers: Readonly<Record<string, string>>, canonical: string): string | undefined {
  return headers[canonical] ?? headers[canonical.toLowerCase()];
}

/** Retry-After as client-go reads it: whole seconds only (an HTTP date is ignored). */
export function retryAfterSeconds(headers: Readonly<Record<string, string>>): number | undefined {
  const h = header(headers, 'Retry-After');
  if (h === undefined || !/^\d+$/.test(h.trim())) return undefined;
  return Number(h.trim());
}

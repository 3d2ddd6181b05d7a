// The shape of one API call, shared by the k6 transport (http.ts), the runner's Node transport
// and every protocol module. Types only.
import type { ApiSliTag } from './sli';

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

/** The HTTP method a verb is sent with (LIST and WATCH are GETs, as in Kubernetes). */
export const METHOD: Readonly<Record<Verb, string>> = { GET: 'GET', LIST: 'GET', WATCH: 'GET', POST: 'POST', PUT: 'PUT', PATCH: 'PATCH', DELETE: 'DELETE' };

/**
 * Appended to the URL template (`name` tag) of an operator's call where agents call the same URLs,
 * so that the run can tell the two apart in its per-template counts (runner/target/fidelity.ts).
 */
export const OPERATOR_SUFFIX = ' (operator)';

// A Kubernetes API client for virtual agents: typed paths, SLI-tagged calls, JSON and the three
// patch content types, client-go's pager, its Retry-After handling and RetryOnConflict. One
// KubeClient per agent (its bearer token); they share the transport. Errors are values (KubeResult).
import type { CallTags } from '../http-types';
import { BackoffSteps, DEFAULT_RETRY, type BackoffSpec } from './backoff';
import { errorFromResponse, isConflict, isGone, type KubeError } from './errors';
import { collectionPath, encodeQuery, objectPath, type CollectionRef, type ObjectRef, type Query } from './paths';
import { collectionTags, objectTags } from './sli-tags';
import { StopSignal } from './stop';
import { retryAfterSeconds, type KubeResponse, type KubeTransport } from './transport';
import type { KubeList, KubeObject, Status } from './types';

export type PatchType = 'merge' | 'json' | 'strategic';

export const PATCH_CONTENT_TYPE: Readonly<Record<PatchType, string>> = Object.freeze({
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
});

const JSON_TYPE = 'application/json';

export type KubeResult<T> = { ok: true; status: number; value: T } | { ok: false; status: number; error: KubeError };

export interface KubeClientOptions {
  /** `http://host:port` of the API server, no trailing slash. */
  baseUrl: string;
  /** The agent's bearer token ('' for none). */
  token: string;
  /** Per request; client-go sets none by default, a load generator must. */
  timeoutMs?: number;
  /** Per LIST page: a cluster-wide page may take long (its SLO is 30 s). */
  listTimeoutMs?: number;
  /** Retries on 429 (and 5xx) with Retry-After: client-go's rest client allows 10. */
  maxRetries?: number;
  /** Longest single Retry-After wait honoured: a server asking for an hour is not waited for. */
  maxRetryAfterMs?: number;
  /** RetryOnConflict's backoff: retry.DefaultRetry unless set. */
  conflictRetry?: Readonly<BackoffSpec>;
  userAgent?: string;
  /** Retry waits end at stop; no wait starts that would end past deadlineMs. */
  signal?: StopSignal;
  deadlineMs?: number;
  random?: () => number;
}

export interface GetOptions {
  /** '0' reads from the watch cache, as a kubelet's node GET does. */
  resourceVersion?: string;
}

export type ListQuery = Pick<Query, 'labelSelector' | 'fieldSelector' | 'limit' | 'resourceVersion' | 'resourceVersionMatch'>;

export interface ListResult<T> {
  /** The list's resourceVersion: where a watch that follows it starts. */
  resourceVersion: string;
  /** Every item, unless an `each` callback took them. */
  items: T[];
  count: number;
  pages: number;
  /** The server split the list into pages (the reflector keeps paging its relists only then). */
  paginated: boolean;
}

export interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
}

export interface UpdateWithRetryOptions<T> {
  /** Write the status subresource (PUT .../status) instead of the object. */
  status?: boolean;
  /** The first attempt mutates this (an object from a cache or an earlier answer) instead of a fresh GET. */
  initial?: T;
}

/** Pages of one list at most: a runaway continue chain must end. */
const MAX_PAGES = 100_000;

export class KubeClient {
  private readonly readHeaders: Readonly<Record<string, string>>;
  private readonly writeHeaders: Partial<Record<PatchType | 'json-body', Readonly<Record<string, string>>>> = {};
  private readonly timeoutMs: number;
  private readonly listTimeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryAfterMs: number;
  private readonly random: () => number;
  /** Requests retried after a Retry-After: an agent reports it as its own counter. */
  retries = 0;

  constructor(
    private readonly transport: KubeTransport,
    private readonly options: Readonly<KubeClientOptions>,
  ) {
    // Built once per client: every GET of this agent sends the same frozen headers object.
    this.readHeaders = Object.freeze(this.headers(undefined));
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.listTimeoutMs = options.listTimeoutMs ?? 60_000;
    this.maxRetries = options.maxRetries ?? 10;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
    this.random = options.random ?? Math.random;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** The same client as another agent. */
  withToken(token: string): KubeClient {
    return new KubeClient(this.transport, { ...this.options, token });
  }

  /** The same client with its retry waits bound to another stop signal and deadline (a watch's). */
  withSignal(signal: StopSignal, deadlineMs?: number): KubeClient {
    return new KubeClient(this.transport, { ...this.options, signal, deadlineMs: deadlineMs ?? this.options.deadlineMs });
  }

  /** Authorization and Accept for a stream (a watch): its source adds what its protocol needs. */
  streamHeaders(): Readonly<Record<string, string>> {
    return this.readHeaders;
  }

  private headers(contentType: string | undefined): Record<string, string> {
    const h: Record<string, string> = { Accept: JSON_TYPE };
    if (this.options.token !== '') h.Authorization = `Bearer ${this.options.token}`;
    if (contentType !== undefined) h['Content-Type'] = contentType;
    if (this.options.userAgent !== undefined) h['User-Agent'] = this.options.userAgent;
    return h;
  }

  private bodyHeaders(kind: PatchType | 'json-body'): Readonly<Record<string, string>> {
    return (this.writeHeaders[kind] ??= Object.freeze(this.headers(kind === 'json-body' ? JSON_TYPE : PATCH_CONTENT_TYPE[kind])));
  }

  url(path: string, query?: Query): string {
    return `${this.options.baseUrl}${path}${encodeQuery(query)}`;
  }

  get<T extends KubeObject>(ref: ObjectRef, opts?: GetOptions): Promise<KubeResult<T>> {
    const q = opts?.resourceVersion === undefined ? undefined : { resourceVersion: opts.resourceVersion };
    return this.send<T>('GET', this.url(objectPath(ref), q), null, this.readHeaders, objectTags('GET', ref), this.timeoutMs);
  }

  /** One page. */
  listPage<T extends KubeObject>(ref: CollectionRef, query?: ListQuery & { continue?: string }): Promise<KubeResult<KubeList<T>>> {
    return this.send<KubeList<T>>('GET', this.url(collectionPath(ref), query), null, this.readHeaders, collectionTags('LIST', ref), this.listTimeoutMs);
  }

  /**
   * Every page, as client-go's pager reads them: later pages carry `continue` and no
   * resourceVersion; a continue token that expired (410) becomes one full list without a limit,
   * at the resourceVersion first asked for. With `each`, items are handed over page by page and
   * not kept (after an expired token they may be handed over twice).
   */
  async list<T extends KubeObject>(ref: CollectionRef, query: ListQuery = {}, each?: (item: T) => void): Promise<KubeResult<ListResult<T>>> {
    const out: ListResult<T> = { resourceVersion: '', items: [], count: 0, pages: 0, paginated: false };
    let page: ListQuery & { continue?: string } = query;
    while (out.pages < MAX_PAGES) {
      let r = await this.listPage<T>(ref, page);
      let whole = false;
      if (!r.ok && page.continue !== undefined && isGone(r.error)) {
        out.items = [];
        out.count = 0;
        r = await this.listPage<T>(ref, { ...query, limit: undefined });
        whole = true;
      }
      if (!r.ok) return r;
      out.pages++;
      const items = r.value.items ?? [];
      out.count += items.length;
      if (each === undefined) for (const it of items) out.items.push(it);
      else for (const it of items) each(it);
      // Every page of one list has the snapshot's resourceVersion; the last one seen is kept, as the pager does.
      const rv = r.value.metadata?.resourceVersion;
      if (rv !== undefined && rv !== '') out.resourceVersion = rv;
      const next = r.value.metadata?.continue;
      if (whole || next === undefined || next === '') return { ok: true, status: r.status, value: out };
      out.paginated = true;
      page = { labelSelector: query.labelSelector, fieldSelector: query.fieldSelector, limit: query.limit, continue: next };
    }
    return { ok: false, status: 0, error: { status: 0, code: 0, reason: '', message: `list of ${ref.type.resource} ran past ${MAX_PAGES} pages` } };
  }

  /** POST to the collection. */
  create<T extends KubeObject>(ref: CollectionRef, obj: T): Promise<KubeResult<T>> {
    return this.send<T>('POST', this.url(collectionPath(ref)), JSON.stringify(obj), this.bodyHeaders('json-body'), collectionTags('POST', ref), this.timeoutMs);
  }

  /** PUT the whole object: its metadata.resourceVersion makes it an optimistic-lock write (409 if stale). */
  update<T extends KubeObject>(ref: ObjectRef, obj: T): Promise<KubeResult<T>> {
    return this.send<T>('PUT', this.url(objectPath(ref)), JSON.stringify(obj), this.bodyHeaders('json-body'), objectTags('PUT', ref), this.timeoutMs);
  }

  /** PUT .../status. */
  updateStatus<T extends KubeObject>(ref: ObjectRef, obj: T): Promise<KubeResult<T>> {
    return this.update(statusRef(ref), obj);
  }

  /** PATCH with the content type of its kind; a status patch is `{ ...ref, subresource: 'status' }`. */
  patch<T extends KubeObject>(ref: ObjectRef, type: PatchType, patch: unknown): Promise<KubeResult<T>> {
    return this.send<T>('PATCH', this.url(objectPath(ref)), JSON.stringify(patch), this.bodyHeaders(type), objectTags('PATCH', ref), this.timeoutMs);
  }

  patchStatus<T extends KubeObject>(ref: ObjectRef, type: PatchType, patch: unknown): Promise<KubeResult<T>> {
    return this.patch(statusRef(ref), type, patch);
  }

  /** DELETE; the answer is the object (being finalised) or a Status. */
  delete(ref: ObjectRef, opts?: DeleteOptions): Promise<KubeResult<KubeObject & Status>> {
    const body = opts === undefined ? null : JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', ...opts });
    return this.send<KubeObject & Status>('DELETE', this.url(objectPath(ref)), body, body === null ? this.readHeaders : this.bodyHeaders('json-body'), objectTags('DELETE', ref), this.timeoutMs);
  }

  /**
   * retry.RetryOnConflict around GET, mutate, PUT: on 409 the object is read afresh and mutate
   * applied again, at most conflictRetry.steps attempts (5) with its short waits. mutate returns
   * the object to write, or undefined when nothing needs writing (the current object is the answer).
   */
  async updateWithRetry<T extends KubeObject>(ref: ObjectRef, mutate: (current: T) => T | undefined, opts: UpdateWithRetryOptions<T> = {}): Promise<KubeResult<T>> {
    const backoff = new BackoffSteps(this.options.conflictRetry ?? DEFAULT_RETRY, this.random);
    const target = opts.status === true ? statusRef(ref) : ref;
    const read: ObjectRef = { type: ref.type, namespace: ref.namespace, name: ref.name };
    let current = opts.initial;
    for (;;) {
      let base: T;
      let status = 200;
      if (current !== undefined) {
        base = current;
        current = undefined;
      } else {
        const got = await this.get<T>(read);
        if (!got.ok) return got;
        base = got.value;
        status = got.status;
      }
      const next = mutate(base);
      if (next === undefined) return { ok: true, status, value: base };
      const put = await this.update<T>(target, next);
      if (put.ok || !isConflict(put.error) || backoff.remaining <= 1) return put;
      const wait = backoff.next();
      if (!(await this.pause(wait))) return put;
    }
  }

  /**
   * One request, repeated while the server answers 429 (or 5xx) with a Retry-After, as client-go's
   * rest client does: exactly the seconds asked for (capped), at most maxRetries times, any verb
   * (the server did not act on the request).
   */
  private async send<T>(method: string, url: string, body: string | null, headers: Readonly<Record<string, string>>, tags: CallTags, timeoutMs: number): Promise<KubeResult<T>> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.transport.request(method, url, body, headers, tags, timeoutMs);
      if (res.status >= 200 && res.status < 300) return parseBody<T>(res);
      const ra = res.status === 429 || res.status >= 500 ? retryAfterSeconds(res.headers) : undefined;
      const error = errorFromResponse(res.status, res.body, res.error, ra);
      if (ra === undefined || attempt >= this.maxRetries) return { ok: false, status: res.status, error };
      if (!(await this.pause(Math.min(ra * 1000, this.maxRetryAfterMs)))) return { ok: false, status: res.status, error };
      this.retries++;
    }
  }

  /** Waits, unless stopped or the wait would end past the deadline; false when it did not wait. */
  private async pause(ms: number): Promise<boolean> {
    const signal = this.options.signal;
    const deadline = this.options.deadlineMs;
    if (deadline !== undefined && Date.now() + ms > deadline) return false;
    if (signal === undefined) {
      await new StopSignal().sleep(ms);
      return true;
    }
    if (signal.stopped) return false;
    await signal.sleep(ms);
    return !signal.stopped;
  }
}

function statusRef(ref: ObjectRef): ObjectRef {
  return ref.subresource === 'status' ? ref : { type: ref.type, namespace: ref.namespace, name: ref.name, subresource: 'status' };
}

function parseBody<T>(res: KubeResponse): KubeResult<T> {
  // An empty 2xx body (a DELETE through some proxies) is an empty object, not an error.
  if (res.body.length === 0) return { ok: true, status: res.status, value: {} as T };
  try {
    return { ok: true, status: res.status, value: JSON.parse(res.body) as T };
  } catch {
    return { ok: false, status: res.status, error: { status: res.status, code: res.status, reason: 'InvalidBody', message: `a ${res.status} answer whose body is not JSON` } };
  }
}

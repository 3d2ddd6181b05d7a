// A watch the way client-go's reflector keeps one (tools/cache/reflector.go, ListAndWatch):
// - LIST with resourceVersion=0 (the watch cache) and limit=500, paged; then WATCH from the list's
//   resourceVersion with allowWatchBookmarks=true and timeoutSeconds drawn from [300, 600) s;
// - when the server closes the watch, watch again at once from the last resourceVersion seen
//   (BOOKMARK events move it and are not delivered);
// - 410 Gone (an ERROR event carrying a Status with code 410, or an HTTP 410) and any other
//   failure: list again after the reflector's backoff (800 ms doubling to 30 s); a watch that
//   lasted under a second with no event counts as a failure, so a server that hangs up at once
//   is not hammered;
// - optionally the streaming list first (sendInitialEvents=true, resourceVersionMatch=NotOlderThan,
//   initial state as ADDED events ending in a BOOKMARK annotated k8s.io/initial-events-end), and
//   LIST+WATCH when the server refuses it, as client-go >= 1.35 does against 1.30/1.31 servers.
// Unlike an informer it keeps no store: events go straight to the agent's handler (10,000 watches
// on 2 cores), a relist hands every item over again as ADDED between onListStart and onSynced.
import type { CallTags } from '../http-types';
import { clearTimeout, setTimeout } from '../timers';
import { ReflectorBackoff } from './backoff';
import type { KubeClient, ListQuery } from './client';
import { errorFromStatus, isGone, isTooLargeResourceVersion, isTooManyRequests, type KubeError } from './errors';
import { collectionPath, type CollectionRef, type Query } from './paths';
import { collectionTags } from './sli-tags';
import type { EventSource } from './sources';
import { StopSignal } from './stop';
import type { DeliveredEventType, KubeObject, WatchEvent } from './types';

export interface WatchHandlers<T> {
  onEvent(type: DeliveredEventType, object: T): void;
  /** A (re)list starts: the ADDED items that follow are the whole state, so an agent keeping its own set can drop what does not come again. */
  onListStart?(): void;
  /** The list (or the streaming list's initial events) is complete at this resourceVersion. */
  onSynced?(resourceVersion: string): void;
}

export interface WatchOptions<T> {
  client: KubeClient;
  source: EventSource;
  collection: CollectionRef;
  labelSelector?: string;
  fieldSelector?: string;
  handlers: WatchHandlers<T>;
  /** Every loop ends here (and at stop()). */
  deadlineMs: number;
  /** Try the streaming list first (client-go >= 1.35); falls back to LIST+WATCH when refused. */
  streamingList?: boolean;
  /** LIST page size: the reflector's 500. */
  pageSize?: number;
  /** timeoutSeconds is drawn from [min, 2 × min): the reflector's 300. */
  minWatchTimeoutS?: number;
  /** How long past timeoutSeconds a stream may stay open before this side ends it. */
  streamGraceMs?: number;
  random?: () => number;
}

export interface WatchStats {
  /** LIST cycles (paged lists count once), and those after the first. */
  lists: number;
  relists: number;
  listErrors: number;
  /** Objects handed over by lists. */
  listed: number;
  /** Streaming lists tried, and those refused or broken before their initial events ended. */
  streamingLists: number;
  streamingFallbacks: number;
  /** Watch requests in all, and those resuming from an earlier watch's resourceVersion. */
  watches: number;
  rewatches: number;
  /** 410s met (watch events, watch answers, lists). */
  expired: number;
  events: number;
  bookmarks: number;
  errorEvents: number;
  decodeErrors: number;
  handlerErrors: number;
  /** Reflector backoffs waited. */
  backoffs: number;
}

type Next = 'stopped' | 'rewatch' | 'retry' | 'relist';

const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

export class Watch<T extends KubeObject = KubeObject> {
  readonly stats: WatchStats = {
    lists: 0,
    relists: 0,
    listErrors: 0,
    listed: 0,
    streamingLists: 0,
    streamingFallbacks: 0,
    watches: 0,
    rewatches: 0,
    expired: 0,
    events: 0,
    bookmarks: 0,
    errorEvents: 0,
    decodeErrors: 0,
    handlerErrors: 0,
    backoffs: 0,
  };

  private readonly signal = new StopSignal();
  private readonly client: KubeClient;
  private readonly source: EventSource;
  private readonly collection: CollectionRef;
  private readonly handlers: WatchHandlers<T>;
  private readonly deadlineMs: number;
  private readonly tags: CallTags;
  private readonly path: string;
  private readonly backoff: ReflectorBackoff;
  private readonly random: () => number;
  private running: Promise<void> | undefined;

  private rv = '';
  /** The last list or watch ended in 410: list again with resourceVersion="" (a consistent read). */
  private rvUnavailable = false;
  /** The last list came in pages: keep paging relists from a resourceVersion (the reflector's paginatedResult). */
  private paginated = false;

  // State of the stream being read: plain fields, so that an event costs its JSON.parse and no more.
  private streamEvents = 0;
  private streamError: KubeError | undefined;
  private initialPhase = false;
  private initialRv = '';
  private synced = false;

  constructor(private readonly opts: Readonly<WatchOptions<T>>) {
    this.client = opts.client.withSignal(this.signal, opts.deadlineMs);
    this.source = opts.source;
    this.collection = opts.collection;
    this.handlers = opts.handlers;
    this.deadlineMs = opts.deadlineMs;
    this.tags = collectionTags('WATCH', opts.collection);
    this.path = collectionPath(opts.collection);
    this.random = opts.random ?? Math.random;
    this.backoff = new ReflectorBackoff(undefined, this.random);
  }

  /** The last resourceVersion seen: where the next watch starts. */
  get resourceVersion(): string {
    return this.rv;
  }

  get stopped(): boolean {
    return this.signal.stopped;
  }

  /** Runs until stop() or the deadline; the promise resolves then (never rejects). Calling it again returns the same run. */
  start(): Promise<void> {
    return (this.running ??= this.run());
  }

  stop(): void {
    this.signal.stop();
  }

  private live(): boolean {
    return !this.signal.stopped && Date.now() < this.deadlineMs;
  }

  private async run(): Promise<void> {
    const timer = setTimeout(() => this.signal.stop(), Math.max(0, this.deadlineMs - Date.now()));
    try {
      while (this.live()) {
        try {
          await this.listAndWatch();
        } catch {
          // A transport that threw (rather than answering status 0): a failed cycle like any other.
          this.stats.listErrors++;
        }
        if (!this.live()) break;
        await this.pauseBackoff();
      }
    } finally {
      clearTimeout(timer);
      this.signal.stop();
    }
  }

  private async pauseBackoff(): Promise<void> {
    this.stats.backoffs++;
    await this.signal.sleep(this.backoff.next());
  }

  private async listAndWatch(): Promise<void> {
    if (this.opts.streamingList === true) {
      this.stats.streamingLists++;
      this.handlers.onListStart?.();
      const next = await this.stream(true);
      if (next === 'stopped') return;
      if (this.synced) {
        // The stream that carried the initial state went on as an ordinary watch.
        if (next === 'relist') return;
        if (next === 'retry') await this.pauseBackoff();
        return this.watchLoop(true);
      }
      this.stats.streamingFallbacks++;
    }
    if (!(await this.list())) return;
    await this.watchLoop(false);
  }

  private async watchLoop(resuming: boolean): Promise<void> {
    let resumes = resuming;
    while (this.live()) {
      if (resumes) this.stats.rewatches++;
      resumes = true;
      const next = await this.stream(false);
      if (next === 'stopped' || next === 'relist') return;
      if (next === 'retry') await this.pauseBackoff();
    }
  }

  private listQuery(rv: string): ListQuery {
    // The reflector pages a list from the cache (rv 0) or a consistent one (rv ""), but a list
    // from a later resourceVersion only if the server paged before: paging with an rv is exact
    // and could meet a 410.
    const paged = rv === '0' || rv === '' || this.paginated;
    return { labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector, resourceVersion: rv, limit: paged ? (this.opts.pageSize ?? 500) : undefined };
  }

  private readonly deliverListed = (item: T): void => {
    this.stats.listed++;
    try {
      this.handlers.onEvent('ADDED', item);
    } catch {
      this.stats.handlerErrors++;
    }
  };

  private async list(): Promise<boolean> {
    if (this.stats.lists > 0) this.stats.relists++;
    this.stats.lists++;
    this.handlers.onListStart?.();
    const rv = this.rvUnavailable ? '' : this.rv === '' ? '0' : this.rv;
    let r = await this.signal.race(this.client.list<T>(this.collection, this.listQuery(rv), this.deliverListed));
    if (r !== undefined && !r.ok && (isGone(r.error) || isTooLargeResourceVersion(r.error))) {
      this.stats.expired++;
      this.rvUnavailable = true;
      r = await this.signal.race(this.client.list<T>(this.collection, this.listQuery(''), this.deliverListed));
    }
    if (r === undefined) return false;
    if (!r.ok) {
      this.stats.listErrors++;
      return false;
    }
    this.paginated = r.value.paginated;
    this.rv = r.value.resourceVersion;
    this.rvUnavailable = false;
    this.handlers.onSynced?.(this.rv);
    return true;
  }

  /** Opens one watch (the streaming list when `initial`), reads it to its end, and says what comes next. */
  private async stream(initial: boolean): Promise<Next> {
    const min = this.opts.minWatchTimeoutS ?? 300;
    const drawn = Math.floor(min * (this.random() + 1));
    // A long poll is a request no one can cancel: it must not outlive the run.
    const timeoutSeconds = this.source.kind === 'long-poll' ? Math.max(1, Math.min(drawn, Math.floor((this.deadlineMs - Date.now()) / 1000))) : drawn;
    const { labelSelector, fieldSelector } = this.opts;
    const query: Query = initial
      ? { allowWatchBookmarks: true, fieldSelector, labelSelector, resourceVersion: this.rvUnavailable ? '' : this.rv, resourceVersionMatch: 'NotOlderThan', sendInitialEvents: true, timeoutSeconds, watch: true }
      : { allowWatchBookmarks: true, fieldSelector, labelSelector, resourceVersion: this.rv, timeoutSeconds, watch: true };
    this.streamEvents = 0;
    this.streamError = undefined;
    this.initialPhase = initial;
    this.initialRv = '';
    if (initial) this.synced = false;
    this.stats.watches++;
    const started = Date.now();
    const end = await this.source.open(
      { url: this.client.url(this.path, query), headers: this.client.streamHeaders(), tags: this.tags, timeoutMs: timeoutSeconds * 1000 + (this.opts.streamGraceMs ?? 30_000) },
      this.onMessage,
      this.signal,
    );
    this.initialPhase = false;
    if (end.kind === 'stopped' || this.signal.stopped) return 'stopped';
    if (end.kind === 'refused') {
      if (isGone(end.error)) {
        this.stats.expired++;
        return 'relist';
      }
      return end.retriable ? 'retry' : 'relist';
    }
    const err = this.streamError;
    if (err !== undefined) {
      if (isGone(err)) {
        // The reflector lists again from the last resourceVersion it saw (a list is "not older
        // than" it, so it cannot be too old); only a list that fails with 410 goes to "".
        this.stats.expired++;
        return 'relist';
      }
      return isTooManyRequests(err) ? 'retry' : 'relist';
    }
    if (this.streamEvents === 0 && Date.now() - started < 1000) return 'relist';
    return 'rewatch';
  }

  /** One message, one JSON.parse; bound once, so reading a stream allocates nothing else per event. */
  private readonly onMessage = (text: string): boolean => {
    let ev: WatchEvent | null;
    try {
      ev = JSON.parse(text) as WatchEvent | null;
    } catch {
      this.stats.decodeErrors++;
      return true;
    }
    const obj = ev === null || typeof ev !== 'object' ? undefined : ev.object;
    if (obj === null || typeof obj !== 'object') {
      this.stats.decodeErrors++;
      return true;
    }
    this.streamEvents++;
    const type = ev!.type;
    switch (type) {
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED': {
        const rv = obj.metadata?.resourceVersion;
        if (rv !== undefined && rv !== '') this.setRv(rv);
        this.stats.events++;
        try {
          this.handlers.onEvent(type, obj as T);
        } catch {
          this.stats.handlerErrors++;
        }
        return true;
      }
      case 'BOOKMARK': {
        this.stats.bookmarks++;
        const md = obj.metadata;
        const rv = md?.resourceVersion;
        if (rv !== undefined && rv !== '') this.setRv(rv);
        if (this.initialPhase && md?.annotations?.[INITIAL_EVENTS_END] === 'true') {
          this.initialPhase = false;
          this.synced = true;
          this.rv = this.initialRv !== '' ? this.initialRv : this.rv;
          this.rvUnavailable = false;
          this.handlers.onSynced?.(this.rv);
        }
        return true;
      }
      case 'ERROR':
        this.stats.errorEvents++;
        this.streamError = errorFromStatus(obj, typeof obj.code === 'number' ? obj.code : 0);
        return false;
      default:
        this.stats.decodeErrors++;
        return true;
    }
  };

  /** During a streaming list the resourceVersion counts only once its initial events have all come (client-go keeps it aside too). */
  private setRv(rv: string): void {
    if (this.initialPhase) this.initialRv = rv;
    else this.rv = rv;
  }
}

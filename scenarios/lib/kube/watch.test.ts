import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KubeClient } from './client';
import { bookmark, event, FakeSockets, FakeTransport, reply, status, type FakeSocket, type RecordedRequest, type Responder } from './fakes';
import { RESOURCES, type CollectionRef } from './paths';
import { longPollSource, socketSource, type EventSource } from './sources';
import type { KubeObject, Pod } from './types';
import { Watch, type WatchOptions } from './watch';

const BASE = 'http://api.test:6443';
const T0 = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;
const pods: CollectionRef = { type: RESOURCES.pods };
const pod = (name: string, rv: string): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', resourceVersion: rv }, spec: { nodeName: 'n1' } });
const podList = (rv: string, ...items: Pod[]): unknown => ({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: rv }, items });

/** Lets promise chains and due fake timers run. */
const settle = (ms = 0): Promise<void> => vi.advanceTimersByTimeAsync(ms).then(() => undefined);

interface Rig {
  watch: Watch<Pod>;
  done: Promise<void>;
  transport: FakeTransport;
  sockets: FakeSockets;
  seen: string[];
  lists: RecordedRequest[];
}

function rig(list: Responder, script: (s: FakeSocket, n: number) => void, extra: Partial<WatchOptions<Pod>> & { longPoll?: boolean } = {}): Rig {
  const transport = new FakeTransport(list);
  let n = 0;
  const sockets = new FakeSockets((s) => script(s, n++));
  const client = new KubeClient(transport, { baseUrl: BASE, token: 'node-token' });
  const source: EventSource = extra.longPoll === true ? longPollSource(transport) : socketSource(sockets.factory);
  const seen: string[] = [];
  const watch = new Watch<Pod>({
    client,
    source,
    collection: pods,
    fieldSelector: 'spec.nodeName=n1',
    deadlineMs: T0 + HOUR,
    random: () => 0.5,
    handlers: { onEvent: (type, p) => seen.push(`${type} ${p.metadata?.name} ${p.metadata?.resourceVersion}`) },
    ...extra,
  });
  const done = watch.start();
  return { watch, done, transport, sockets, seen, get lists() { return transport.requests.filter((r) => r.query.watch !== 'true'); } };
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Watch over WebSocket', () => {
  it("lists from the cache (rv 0, limit 500), then watches from the list's resourceVersion with bookmarks and a 300-600 s timeout", async () => {
    const r = rig(
      () => reply(200, podList('100', pod('a', '90'), pod('b', '95'))),
      (s) => s.open().send(event('ADDED', pod('c', '101')), bookmark('150')),
    );
    await settle();
    expect(r.lists.map((x) => `${x.path}?${x.rawQuery} ${x.tags.sli}`)).toEqual(['/api/v1/pods?fieldSelector=spec.nodeName%3Dn1&limit=500&resourceVersion=0 read-cluster']);
    expect(r.sockets.sockets).toHaveLength(1);
    const s = r.sockets.last!;
    expect(s.url).toBe('ws://api.test:6443/api/v1/pods?allowWatchBookmarks=true&fieldSelector=spec.nodeName%3Dn1&resourceVersion=100&timeoutSeconds=450&watch=true');
    expect(s.headers).toMatchObject({ Authorization: 'Bearer node-token', Origin: 'http://api.test:6443' });
    expect(s.tags).toMatchObject({ sli: 'none', verb: 'WATCH', name: 'GET /api/v1/pods?watch' });
    // Listed items come as ADDED; the bookmark is not delivered but moves the resourceVersion.
    expect(r.seen).toEqual(['ADDED a 90', 'ADDED b 95', 'ADDED c 101']);
    expect(r.watch.resourceVersion).toBe('150');
    expect(r.watch.stats).toMatchObject({ lists: 1, relists: 0, watches: 1, rewatches: 0, events: 1, bookmarks: 1, listed: 2 });
    r.watch.stop();
    await r.done;
  });

  it('draws timeoutSeconds uniformly from [300, 600)', async () => {
    const draws = [0, 0.999_999, 0.25];
    const r = rig(
      () => reply(200, podList('1')),
      (s) => {
        s.open().send(bookmark('2'));
        setTimeout(() => s.serverClose(), 1000);
      },
      { random: () => draws.shift() ?? 0.5 },
    );
    await settle(2500);
    expect(r.sockets.sockets.map((s) => s.query.timeoutSeconds)).toEqual(['300', '599', '375']);
    r.watch.stop();
    await r.done;
  });

  it('watches again from the last resourceVersion when the server closes at timeoutSeconds, without listing', async () => {
    const r = rig(
      () => reply(200, podList('100')),
      (s, n) => {
        s.open().send(event('MODIFIED', pod('a', String(200 + n))), bookmark(String(300 + n)));
        setTimeout(() => s.serverClose(), Number(s.query.timeoutSeconds) * 1000);
      },
    );
    await settle();
    expect(r.sockets.sockets).toHaveLength(1);
    await settle(450_000);
    expect(r.sockets.sockets.map((s) => s.query.resourceVersion)).toEqual(['100', '300']);
    await settle(450_000);
    expect(r.sockets.sockets.map((s) => s.query.resourceVersion)).toEqual(['100', '300', '301']);
    expect(r.lists).toHaveLength(1);
    expect(r.watch.stats).toMatchObject({ lists: 1, relists: 0, watches: 3, rewatches: 2 });
    expect(r.seen).toEqual(['MODIFIED a 200', 'MODIFIED a 201', 'MODIFIED a 202']);
    r.watch.stop();
    await r.done;
  });

  it('lists again on an ERROR event with a 410 Status, after the backoff, from the last resourceVersion seen', async () => {
    let lists = 0;
    const r = rig(
      () => reply(200, podList(String(100 * ++lists))),
      (s, n) => {
        s.open();
        if (n === 0) s.send(event('ADDED', pod('a', '120')), event('ERROR', status(410, 'Expired', 'too old resource version: 100 (500)')), event('ADDED', pod('never', '130')));
      },
    );
    await settle();
    const first = r.sockets.sockets[0]!;
    expect(first.closedByClient).toBe(true);
    expect(r.lists).toHaveLength(1);
    // The reflector's backoff: 800 ms × (1 + 0.5).
    await settle(1199);
    expect(r.lists).toHaveLength(1);
    await settle(1);
    expect(r.lists.map((x) => x.rawQuery)).toEqual(['fieldSelector=spec.nodeName%3Dn1&limit=500&resourceVersion=0', 'fieldSelector=spec.nodeName%3Dn1&resourceVersion=120']);
    expect(r.sockets.sockets.map((s) => s.query.resourceVersion)).toEqual(['100', '200']);
    expect(r.seen).toEqual(['ADDED a 120']);
    expect(r.watch.stats).toMatchObject({ lists: 2, relists: 1, expired: 1, errorEvents: 1 });
    r.watch.stop();
    await r.done;
  });

  it('lists with resourceVersion="" (paged) when the list itself answers 410', async () => {
    const r = rig(
      (req) => (req.query.resourceVersion === '120' ? reply(410, status(410, 'Expired')) : reply(200, podList(req.query.resourceVersion === undefined ? '900' : '100'))),
      (s, n) => {
        s.open();
        if (n === 0) s.send(event('ADDED', pod('a', '120')), event('ERROR', status(410, 'Expired')));
      },
    );
    await settle(2000);
    expect(r.lists.map((x) => x.query.resourceVersion ?? '""')).toEqual(['0', '120', '""']);
    expect(r.lists[2]!.query.limit).toBe('500');
    expect(r.sockets.sockets.map((s) => s.query.resourceVersion)).toEqual(['100', '900']);
    expect(r.watch.stats.expired).toBe(2);
    r.watch.stop();
    await r.done;
  });

  it('relists after a watch that ends within a second with no event, with a growing backoff', async () => {
    const at: number[] = [];
    const r = rig(
      () => {
        at.push(Date.now() - T0);
        return reply(200, podList('100'));
      },
      (s) => {
        s.open();
        s.serverClose();
      },
    );
    await settle(1200 + 2400 + 4800);
    // 800 ms, 1.6 s, 3.2 s, each × 1.5 (jitter 1.0 at random 0.5).
    expect(at).toEqual([0, 1200, 3600, 8400]);
    expect(r.watch.stats).toMatchObject({ lists: 4, relists: 3, watches: 4, rewatches: 0 });
    r.watch.stop();
    await r.done;
  });

  it('backs off and watches again (no list) when the server says 429 in an ERROR event', async () => {
    const r = rig(
      () => reply(200, podList('100')),
      (s, n) => {
        s.open();
        if (n === 0) s.send(event('ERROR', status(429, 'TooManyRequests')));
      },
    );
    await settle(1200);
    expect(r.lists).toHaveLength(1);
    expect(r.sockets.sockets.map((s) => s.query.resourceVersion)).toEqual(['100', '100']);
    expect(r.watch.stats).toMatchObject({ rewatches: 1, backoffs: 1 });
    r.watch.stop();
    await r.done;
  });

  it('counts undecodable messages and failing handlers, and keeps watching', async () => {
    const r = rig(
      () => reply(200, podList('1')),
      (s) => s.open().send('not json', 'null', '{"type":"ADDED"}', event('ADDED', pod('boom', '2')), event('ADDED', pod('ok', '3'))),
      { handlers: { onEvent: (_t, p) => { if (p.metadata?.name === 'boom') throw new Error('agent bug'); } } },
    );
    await settle();
    expect(r.watch.stats).toMatchObject({ decodeErrors: 3, handlerErrors: 1, events: 2 });
    expect(r.watch.resourceVersion).toBe('3');
    expect(r.sockets.last!.closed).toBe(false);
    r.watch.stop();
    await r.done;
  });
});

describe('streaming list', () => {
  it('takes the initial state from the stream, syncs at the initial-events-end bookmark, and goes on watching without a LIST', async () => {
    const synced: string[] = [];
    const r = rig(
      () => reply(500, status(500, 'InternalError')),
      (s, n) => {
        s.open();
        if (n === 0) {
          s.send(event('ADDED', pod('a', '5')), event('ADDED', pod('b', '6')), bookmark('10', true), event('MODIFIED', pod('a', '11')));
          setTimeout(() => s.serverClose(), 450_000);
        }
      },
      { streamingList: true, handlers: { onEvent: (t, p) => r.seen.push(`${t} ${p.metadata?.name}`), onSynced: (rv) => synced.push(rv) } },
    );
    await settle();
    expect(r.sockets.last!.url).toBe(
      'ws://api.test:6443/api/v1/pods?allowWatchBookmarks=true&fieldSelector=spec.nodeName%3Dn1&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&timeoutSeconds=450&watch=true',
    );
    expect(synced).toEqual(['10']);
    expect(r.seen).toEqual(['ADDED a', 'ADDED b', 'MODIFIED a']);
    await settle(450_000);
    const again = r.sockets.sockets[1]!;
    expect(again.query).toMatchObject({ resourceVersion: '11', watch: 'true', allowWatchBookmarks: 'true' });
    expect(again.query.sendInitialEvents).toBeUndefined();
    expect(r.transport.requests).toHaveLength(0);
    expect(r.watch.stats).toMatchObject({ streamingLists: 1, streamingFallbacks: 0, lists: 0, rewatches: 1 });
    r.watch.stop();
    await r.done;
  });

  it('falls back to LIST+WATCH at once when the server refuses it', async () => {
    const r = rig(
      () => reply(200, podList('100', pod('a', '99'))),
      (s, n) => {
        if (n === 0) s.fail('websocket: bad handshake');
        else s.open();
      },
      { streamingList: true },
    );
    await settle();
    expect(r.lists.map((x) => x.query.resourceVersion)).toEqual(['0']);
    expect(r.sockets.sockets).toHaveLength(2);
    expect(r.sockets.sockets[1]!.query).toMatchObject({ resourceVersion: '100' });
    expect(r.sockets.sockets[1]!.query.sendInitialEvents).toBeUndefined();
    expect(r.watch.stats).toMatchObject({ streamingLists: 1, streamingFallbacks: 1, lists: 1 });
    r.watch.stop();
    await r.done;
  });

  it('falls back when the stream ends before its initial events do, keeping the resourceVersion it had (long poll, HTTP 422 too)', async () => {
    const r = rig(
      () => reply(200, podList('100')),
      (s, n) => {
        s.open();
        if (n === 0) {
          s.send(event('ADDED', pod('a', '50')));
          s.serverClose();
        }
      },
      { streamingList: true },
    );
    await settle();
    expect(r.lists.map((x) => x.query.resourceVersion)).toEqual(['0']);
    expect(r.watch.stats.streamingFallbacks).toBe(1);
    r.watch.stop();
    await r.done;

    const lp = rig(
      (req) => (req.query.sendInitialEvents === 'true' ? reply(422, status(422, 'Invalid', 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled')) : req.query.watch === 'true' ? new Promise(() => {}) : reply(200, podList('7'))),
      () => {},
      { streamingList: true, longPoll: true },
    );
    await settle();
    expect(lp.transport.requests.map((x) => (x.query.watch === 'true' ? `watch ${x.query.sendInitialEvents === undefined ? 'plain' : 'streaming'}` : 'list'))).toEqual(['watch streaming', 'list', 'watch plain']);
    lp.watch.stop();
    await lp.done;
  });
});

describe('Watch over long poll', () => {
  it('gets the events when the body ends, watches again from the last resourceVersion, and relists on an HTTP 410', async () => {
    let watches = 0;
    const r = rig(
      (req) => {
        if (req.query.watch !== 'true') return reply(200, podList(req.query.resourceVersion === '0' ? '100' : '500'));
        watches++;
        if (watches === 1) return reply(200, `${event('ADDED', pod('a', '101'))}\n${bookmark('140')}\n`);
        if (watches === 2) return reply(410, status(410, 'Gone'));
        return new Promise(() => {});
      },
      () => {},
      { longPoll: true, deadlineMs: T0 + 200_000 },
    );
    await settle();
    const w = r.transport.requests.filter((x) => x.query.watch === 'true');
    // A long poll cannot be cancelled: its timeoutSeconds ends it before the run does.
    expect(w[0]!.query).toMatchObject({ resourceVersion: '100', timeoutSeconds: '200', allowWatchBookmarks: 'true' });
    expect(w[0]!.timeoutMs).toBe(230_000);
    expect(w[1]!.query.resourceVersion).toBe('140');
    expect(r.seen).toEqual(['ADDED a 101']);
    await settle(1200);
    expect(r.lists.map((x) => x.query.resourceVersion)).toEqual(['0', '140']);
    expect(r.transport.requests.at(-1)!.query).toMatchObject({ watch: 'true', resourceVersion: '500' });
    expect(r.watch.stats).toMatchObject({ relists: 1, expired: 1, rewatches: 1 });
    r.watch.stop();
    await r.done;
  });
});

describe('stopping', () => {
  it('stop() ends an open watch (closing its socket), a backoff, and a list in flight; nothing is sent afterwards', async () => {
    const open = rig(() => reply(200, podList('1')), (s) => s.open());
    await settle();
    open.watch.stop();
    await open.done;
    expect(open.sockets.last!.closedByClient).toBe(true);

    const backingOff = rig(() => reply(503, status(503, 'ServiceUnavailable')), () => {});
    await settle(100);
    expect(backingOff.watch.stats.listErrors).toBe(1);
    backingOff.watch.stop();
    await backingOff.done;

    const listing = rig(() => new Promise(() => {}), () => {});
    await settle(100);
    listing.watch.stop();
    await listing.done;

    await settle(HOUR);
    for (const r of [open, backingOff, listing]) {
      expect(r.watch.stopped).toBe(true);
      expect(r.transport.requests.length + r.sockets.sockets.length).toBe(r === open ? 2 : 1);
    }
  });

  it('ends every loop at the deadline, and start() twice is one run', async () => {
    const r = rig(
      () => reply(200, podList('1')),
      (s) => s.open(),
      { deadlineMs: T0 + 60_000 },
    );
    expect(r.watch.start()).toBe(r.done);
    await settle(60_000);
    await r.done;
    expect(r.sockets.last!.closedByClient).toBe(true);
    await settle(HOUR);
    expect(r.sockets.sockets).toHaveLength(1);
    expect(r.transport.requests).toHaveLength(1);
  });

  it('a watch of objects of any type needs no type argument', () => {
    const t = new FakeTransport(() => reply(200, podList('1')));
    const w: Watch = new Watch<KubeObject>({ client: new KubeClient(t, { baseUrl: BASE, token: '' }), source: longPollSource(t), collection: pods, deadlineMs: T0, handlers: { onEvent: () => {} } });
    expect(w.resourceVersion).toBe('');
  });
});

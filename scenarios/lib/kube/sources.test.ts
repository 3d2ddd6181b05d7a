import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallTags } from '../http-types';
import { FakeSockets, FakeTransport, reply, status } from './fakes';
import { longPollSource, socketSource, type StreamRequest } from './sources';
import { StopSignal } from './stop';

const tags: CallTags = { sli: 'none', verb: 'WATCH', resource: 'pods', scope: 'cluster', name: 'GET /api/v1/pods?watch' };
const req: StreamRequest = { url: 'https://api.test:6443/api/v1/pods?watch=true', headers: { Authorization: 'Bearer t', Accept: 'application/json' }, tags, timeoutMs: 60_000 };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('socket source', () => {
  it('dials ws(s) with the token and an Origin, hands every message over, ends when the server closes', async () => {
    const sockets = new FakeSockets((s) => {
      s.open().send('{"a":1}', '{"a":2}');
      s.serverClose();
    });
    const got: string[] = [];
    const end = await socketSource(sockets.factory).open(req, (m) => got.push(m) > 0, new StopSignal());
    expect(end).toEqual({ kind: 'ended', by: 'server' });
    expect(got).toEqual(['{"a":1}', '{"a":2}']);
    const s = sockets.last!;
    expect(s.url).toBe('wss://api.test:6443/api/v1/pods?watch=true');
    expect(s.headers).toEqual({ Authorization: 'Bearer t', Accept: 'application/json', Origin: 'https://api.test:6443' });
    expect(s.tags).toBe(tags);
  });

  it('reports a failed handshake as refused, retriable only when the connection was refused', async () => {
    const refused = await socketSource(new FakeSockets((s) => s.fail('websocket: bad handshake')).factory).open(req, () => true, new StopSignal());
    expect(refused).toMatchObject({ kind: 'refused', status: 0, retriable: false });
    const down = await socketSource(new FakeSockets((s) => s.fail('dial tcp 127.0.0.1:6443: connect: connection refused')).factory).open(req, () => true, new StopSignal());
    expect(down).toMatchObject({ kind: 'refused', retriable: true });
    const broken = await socketSource(new FakeSockets((s) => s.open().fail('read: connection reset by peer')).factory).open(req, () => true, new StopSignal());
    expect(broken).toEqual({ kind: 'ended', by: 'broken' });
  });

  it('closes the socket when the consumer is done, at its own timeout, and at stop', async () => {
    const sockets = new FakeSockets((s) => s.open().send('x', 'y'));
    const seen: string[] = [];
    expect(await socketSource(sockets.factory).open(req, (m) => (seen.push(m), false), new StopSignal())).toEqual({ kind: 'ended', by: 'consumer' });
    expect(seen).toEqual(['x']);
    expect(sockets.last!.closedByClient).toBe(true);

    const quiet = new FakeSockets((s) => s.open());
    const p = socketSource(quiet.factory).open({ ...req, timeoutMs: 5000 }, () => true, new StopSignal());
    await vi.advanceTimersByTimeAsync(5000);
    expect(await p).toEqual({ kind: 'ended', by: 'timeout' });
    expect(quiet.last!.closedByClient).toBe(true);

    const stop = new StopSignal();
    const p2 = socketSource(quiet.factory).open(req, () => true, stop);
    await vi.advanceTimersByTimeAsync(10);
    stop.stop();
    expect(await p2).toEqual({ kind: 'stopped' });
    expect(quiet.last!.closedByClient).toBe(true);
  });

  it('passes a binary frame on as an empty message, for the parser to count', async () => {
    const sockets = new FakeSockets();
    const got: string[] = [];
    const p = socketSource(sockets.factory).open(req, (m) => got.push(m) > 0, new StopSignal());
    await Promise.resolve();
    const s = sockets.last!;
    s.open();
    s.sendFrame(new ArrayBuffer(2));
    s.serverClose();
    await p;
    expect(got).toEqual(['']);
  });
});

describe('long-poll source', () => {
  it('delivers the events of the body, one a line, when the request ends', async () => {
    const t = new FakeTransport(() => reply(200, '{"type":"ADDED"}\n{"type":"MODIFIED"}\n\n{"type":"DELETED"}'));
    const got: string[] = [];
    const end = await longPollSource(t).open(req, (m) => got.push(m) > 0, new StopSignal());
    expect(end).toEqual({ kind: 'ended', by: 'server' });
    expect(got).toEqual(['{"type":"ADDED"}', '{"type":"MODIFIED"}', '{"type":"DELETED"}']);
    expect(t.requests[0]).toMatchObject({ method: 'GET', url: req.url, timeoutMs: 60_000, tags });
  });

  it('refuses with the Status of an HTTP error, and stops without waiting for the request', async () => {
    const gone = await longPollSource(new FakeTransport(() => reply(410, status(410, 'Gone')))).open(req, () => true, new StopSignal());
    expect(gone).toMatchObject({ kind: 'refused', status: 410, error: { reason: 'Gone' }, retriable: false });
    const busy = await longPollSource(new FakeTransport(() => reply(429, status(429, 'TooManyRequests'), { 'Retry-After': '1' }))).open(req, () => true, new StopSignal());
    expect(busy).toMatchObject({ kind: 'refused', status: 429, retriable: true });

    const stop = new StopSignal();
    const hang = new FakeTransport(() => new Promise(() => {}));
    const p = longPollSource(hang).open(req, () => true, stop);
    stop.stop();
    expect(await p).toEqual({ kind: 'stopped' });
  });
});

// k6/websockets on the embedded engine against real k6: the same scripts (test/engine/scripts/
// ws-*.js) against one WebSocket server started here, with the same expectations on both, and
// the same metric names and tag keys. Without k6 the real-k6 side is skipped locally (the reason
// printed) but fails under CI=true. k6 before v1.6 gets the scripts with k6/experimental/websockets
// (harness.ts, scriptForK6), as the product's bundles are built.
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { K6_EXIT } from '../../engine/exit-codes';
import type { PointLine } from '../../engine/samples';
import { websocketsModuleFor } from '../../runner/engines/k6';
import { inCi } from '../helpers/ci';
import { countPoints, k6Binary, runOnEngine, runOnK6, type K6UnderTest, type RunOutcome } from './harness';

type Engine = 'embedded' | 'k6';

const MANY = 50;
const PACE_MS = 300;

/** What the server saw of one run (one engine's run of one script), by the run id in the URL. */
interface RunLog {
  headers: Array<Record<string, string | string[] | undefined>>;
  /** Epoch ms at which each paced message was handed to the socket. */
  pacedSentAt: number[];
  manyOpen: number;
  manyPeak: number;
  manyClosedBy: number[];
}

const runs = new Map<string, RunLog>();

function runLog(id: string): RunLog {
  let r = runs.get(id);
  if (r === undefined) {
    r = { headers: [], pacedSentAt: [], manyOpen: 0, manyPeak: 0, manyClosedBy: [] };
    runs.set(id, r);
  }
  return r;
}

function serve(socket: ServerSocket, req: IncomingMessage): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const log = runLog(url.searchParams.get('run') ?? '');
  switch (url.pathname) {
    case '/headers': {
      log.headers.push(req.headers);
      socket.send(JSON.stringify({ authorization: req.headers.authorization ?? '', origin: req.headers.origin ?? '' }));
      setTimeout(() => socket.close(1000, 'done'), 50);
      return;
    }
    case '/paced': {
      // Three events 300 ms apart, as an API server sends watch events: the script must see each
      // before the next one leaves here.
      socket.ping('server');
      let seq = 0;
      const next = (): void => {
        log.pacedSentAt.push(Date.now());
        socket.send(JSON.stringify({ seq }));
        seq++;
        if (seq < 3) setTimeout(next, PACE_MS);
        else setTimeout(() => socket.close(1000, 'done'), 100);
      };
      setTimeout(next, 100);
      return;
    }
    case '/many': {
      log.manyOpen++;
      log.manyPeak = Math.max(log.manyPeak, log.manyOpen);
      socket.on('close', (code) => {
        log.manyOpen--;
        log.manyClosedBy.push(code);
      });
      const open = manySockets.get(log) ?? [];
      open.push(socket);
      manySockets.set(log, open);
      // No socket hears anything until all are open at once.
      if (log.manyOpen === MANY) for (const c of open) c.send('go');
      return;
    }
    default:
      socket.close(4404, 'no such path');
  }
}

const manySockets = new Map<RunLog, ServerSocket[]>();

let wss: WebSocketServer;
let wsUrl = '';
const found = k6Binary();
const onCI = inCi();

function k6(): K6UnderTest {
  if (found.k6 === undefined) throw new Error(found.reason);
  return found.k6;
}

function needK6(skip: () => void): void {
  if (found.k6 !== undefined && websocketsModuleFor(found.k6.version) !== 'k6/websockets') {
    // Before v1.6 k6 has only the experimental module, whose metrics, tags and event order differ
    // from the stable one the embedded engine follows; the protocols that need WebSockets (the
    // Kubernetes ones) ask for k6 v1.6 or later, so there is nothing to conform to here.
    console.log(`skipping the real-k6 side: k6 ${found.k6.version.text} has only k6/experimental/websockets; the embedded engine follows k6/websockets (k6 v1.6+)`);
    skip();
    return;
  }
  if (found.k6 !== undefined) return;
  if (onCI) throw new Error(`real k6 is required under CI=true: ${found.reason}`);
  console.log(`skipping the real-k6 side: ${found.reason}`);
  skip();
}

/** Each script runs once per engine; cases share the outcome. */
const results = new Map<string, Promise<RunOutcome>>();

function result(script: string, engine: Engine): Promise<RunOutcome> {
  const key = `${script}:${engine}`;
  let r = results.get(key);
  if (r === undefined) {
    const input = { script, env: { WS_URL: wsUrl, RUN: key, REFUSED_URL: 'ws://127.0.0.1:1/refused' } };
    r = engine === 'embedded' ? runOnEngine(input) : runOnK6(k6(), input);
    results.set(key, r);
  }
  return r;
}

function points(r: RunOutcome, metric: string): PointLine[] {
  return r.points.filter((p) => p.metric === metric);
}

function tagsOf(r: RunOutcome, metric: string): Array<Record<string, string>> {
  return points(r, metric).map((p) => p.data.tags ?? {});
}

/** The ws_* metrics a run emitted and each one's tag keys: what must match between the engines. */
function wsShape(r: RunOutcome): Record<string, string[][]> {
  const out: Record<string, Set<string>> = {};
  for (const p of r.points) {
    if (!p.metric.startsWith('ws_')) continue;
    (out[p.metric] ??= new Set()).add(JSON.stringify(Object.keys(p.data.tags ?? {}).sort()));
  }
  return Object.fromEntries(Object.entries(out).map(([m, keys]) => [m, [...keys].sort().map((k) => JSON.parse(k) as string[])]));
}

interface Case {
  name: string;
  script: string;
  check: (r: RunOutcome, engine: Engine) => void;
}

const CASES: Case[] = [
  {
    name: 'headers reach the server; the server closes; pings both ways',
    script: 'ws-stream.js',
    check: (r, engine) => {
      expect(r.exitCode).toBe(K6_EXIT.ok);
      const seen = runLog(`ws-stream.js:${engine}`).headers;
      expect(seen).toHaveLength(1);
      expect(seen[0]?.authorization).toBe('Bearer fleet-token');
      expect(seen[0]?.origin).toBe('https://fleetload.test');
      expect(tagsOf(r, 'stream_events').find((t) => t.kind === 'headers')).toMatchObject({ authorization: 'Bearer fleet-token', origin: 'https://fleetload.test', type: 'message' });
      // Closed by the server: a close event with k6's code, and no error.
      expect(tagsOf(r, 'stream_events').filter((t) => (t.kind ?? '').endsWith('-close'))).toEqual(
        expect.arrayContaining([expect.objectContaining({ kind: 'headers-close', code: '1000', state: '3' }), expect.objectContaining({ kind: 'paced-close', code: '1000' })]),
      );
      expect(tagsOf(r, 'stream_events').filter((t) => (t.kind ?? '').endsWith('-error'))).toEqual([]);
      expect(countPoints(r.points, 'stream_events', { kind: 'paced-open', state: '1' })).toBe(1);
      expect(countPoints(r.points, 'stream_events', { kind: 'ping' })).toBe(1);
      expect(countPoints(r.points, 'stream_events', { kind: 'pong' })).toBe(1);
      expect(points(r, 'ws_ping')).toHaveLength(1);
      expect(countPoints(r.points, 'ws_sessions')).toBe(2);
      expect(points(r, 'ws_session_duration')).toHaveLength(2);
      // 1 + 3 messages in; the ping is the one message out (k6 counts pings as sent messages).
      expect(countPoints(r.points, 'ws_msgs_received')).toBe(4);
      expect(countPoints(r.points, 'ws_msgs_sent')).toBe(1);
      // The call's tags and the handshake's status ride on the socket's points.
      expect(tagsOf(r, 'ws_sessions').find((t) => t.watch === 'headers')).toMatchObject({ status: '101', subproto: '', url: `${wsUrl}/headers?run=ws-stream.js:${engine}` });
      expect(countPoints(r.points, 'data_received')).toBeGreaterThan(200);
      expect(countPoints(r.points, 'iterations')).toBe(1);
    },
  },
  {
    name: 'messages arrive one by one, each before the server sends the next',
    script: 'ws-stream.js',
    check: (r, engine) => {
      const sent = runLog(`ws-stream.js:${engine}`).pacedSentAt;
      expect(sent).toHaveLength(3);
      const got = points(r, 'paced_received_at').map((p) => ({ seq: Number(p.data.tags?.seq), at: p.data.value }));
      expect(got.map((g) => g.seq)).toEqual([0, 1, 2]);
      for (let i = 0; i < 3; i++) {
        const at = got[i]?.at ?? Number.NaN;
        expect(at).toBeGreaterThanOrEqual((sent[i] ?? 0) - 1);
        if (i < 2) expect(at).toBeLessThan(sent[i + 1] ?? 0);
      }
    },
  },
  {
    name: `${MANY} sockets open at once in one VU, each closed by the client`,
    script: 'ws-many.js',
    check: (r, engine) => {
      expect(r.exitCode).toBe(K6_EXIT.ok);
      const log = runLog(`ws-many.js:${engine}`);
      expect(log.manyPeak).toBe(MANY);
      expect(countPoints(r.points, 'many_messages')).toBe(MANY);
      expect(countPoints(r.points, 'many_closed', { code: '1000', state: '3' })).toBe(MANY);
      expect(log.manyClosedBy).toEqual(Array.from({ length: MANY }, () => 1000));
      // A name tag stands for the URL in the url tag too.
      expect(new Set(tagsOf(r, 'ws_sessions').map((t) => `${t.url} ${t.name}`))).toEqual(new Set(['many many']));
      // Each socket's close frame is a sent message, as k6 counts it.
      expect(countPoints(r.points, 'ws_msgs_sent')).toBe(MANY);
      expect(countPoints(r.points, 'ws_msgs_received')).toBe(MANY);
      expect(r.logs.filter((l) => /error|Uncaught/i.test(l))).toEqual([]);
    },
  },
  {
    name: 'a refused connection: error, then close, then the iteration ends',
    script: 'ws-refused.js',
    check: (r) => {
      expect(r.exitCode).toBe(K6_EXIT.ok);
      expect(countPoints(r.points, 'iterations')).toBe(2);
      const ev = tagsOf(r, 'refused_events');
      expect(ev.filter((t) => t.kind === 'open')).toEqual([]);
      expect(ev.filter((t) => t.kind === 'error')).toEqual([
        { kind: 'error', n: '0', error: 'dial tcp 127.0.0.1:1: connect: connection refused', state: '3', group: '', scenario: 'default' },
        { kind: 'error', n: '0', error: 'dial tcp 127.0.0.1:1: connect: connection refused', state: '3', group: '', scenario: 'default' },
      ]);
      expect(ev.filter((t) => t.kind === 'close').map((t) => t.n)).toEqual(['1', '1']);
      expect(ev.filter((t) => t.kind === 'send-before-open').map((t) => t.error)).toEqual(['GoError: InvalidStateError', 'GoError: InvalidStateError']);
      // The session counts though it never opened; it has no status and no duration.
      expect(countPoints(r.points, 'ws_sessions')).toBe(2);
      expect(tagsOf(r, 'ws_sessions')[0]).toEqual({ group: '', scenario: 'default', url: 'ws://127.0.0.1:1/refused', name: 'ws://127.0.0.1:1/refused' });
      expect(points(r, 'ws_session_duration')).toEqual([]);
    },
  },
];

beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', serve);
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
});

describe('k6/websockets: embedded engine conforms to k6', () => {
  for (const c of CASES) {
    it(`${c.name} [embedded]`, async () => {
      c.check(await result(c.script, 'embedded'), 'embedded');
    });
    it(`${c.name} [real k6]`, async (ctx) => {
      needK6(() => ctx.skip());
      c.check(await result(c.script, 'k6'), 'k6');
    });
  }

  for (const script of ['ws-stream.js', 'ws-many.js', 'ws-refused.js']) {
    it(`${script}: the same ws_* metrics with the same tag keys on both`, async (ctx) => {
      const embedded = wsShape(await result(script, 'embedded'));
      expect(Object.keys(embedded).length).toBeGreaterThan(0);
      needK6(() => ctx.skip());
      expect(embedded).toEqual(wsShape(await result(script, 'k6')));
    });
  }
});

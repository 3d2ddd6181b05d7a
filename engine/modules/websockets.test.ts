// k6/websockets on the embedded engine: scripts run through runEmbedded against a WebSocket server
// of the test's own. What real k6 does in the same cases (checked by hand against k6 v1.8.1, and
// for the common ones by test/engine/websockets.conformance.test.ts) is what is expected here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { K6_EXIT } from '../exit-codes';
import { runEmbedded } from '../index';
import type { PointLine } from '../samples';
import { closeErrorText, dialErrorText } from './websockets';

// A self-signed certificate for 127.0.0.1, valid 2000 to 2999: test data, not a secret.
const CERT = `-----BEGIN CERTIFICATE-----
MIIBZjCCAQugAwIBAgIUDbEF3gMktb3UY9RqFQOttgcrjTkwCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwOZmxlZXRsb2FkIHRlc3QwIBcNMDAwMTAxMDAwMDAwWhgPMjk5
OTEyMzEwMDAwMDBaMBkxFzAVBgNVBAMMDmZsZWV0bG9hZCB0ZXN0MFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAEMj608UMKhE6Sl+ulS70UQI4KefLDdzzygIYV0fbf
yIyByzJsCXDFxpM8bPUsytM7e3oZnF/V8YPJTjKa2Cq21qMvMC0wGgYDVR0RBBMw
EYcEfwAAAYIJbG9jYWxob3N0MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwID
SQAwRgIhAKF6LqNa1PAOeeyYnDreQGut0jjFBVE9cOLMf4yqyy8KAiEA6e5CRjlb
fXZKwx/Lmqz1N0Tuu0SY+jxvHsIxtlwapwY=
-----END CERTIFICATE-----
`;
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgrH+8Rut8PE46m1k+
MKL7fPnooZ8/J+j71N7TbNDqqtWhRANCAAQyPrTxQwqETpKX66VLvRRAjgp58sN3
PPKAhhXR9t/IjIHLMmwJcMXGkzxs9SzK0zt7ehmcX9Xxg8lOMprYKrbW
-----END PRIVATE KEY-----
`;

interface Outcome {
  exitCode: number;
  points: PointLine[];
  logs: string[];
}

let dir = '';
let wsUrl = '';
let wssUrl = '';
let wss: WebSocketServer;
let secure: WebSocketServer;
let https: HttpsServer;
/** Close codes and reasons the server received, by path. */
const closes = new Map<string, Array<{ code: number; reason: string }>>();

function serve(socket: ServerSocket, req: IncomingMessage): void {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  socket.on('close', (code, reason) => {
    const list = closes.get(path) ?? [];
    list.push({ code, reason: reason.toString() });
    closes.set(path, list);
  });
  if (path === '/close-after-300') setTimeout(() => socket.close(1000, ''), 300);
  if (path === '/hello') socket.send('hello');
  if (path === '/drop') setTimeout(() => socket.terminate(), 50);
  if (path === '/binary') socket.send(Buffer.from([1, 2, 3, 250]));
  if (path === '/echo') socket.on('message', (d, isBinary) => socket.send(d, { binary: isBinary }));
}

let scriptNo = 0;
async function run(source: string, options: { env?: Record<string, string> } = {}): Promise<Outcome> {
  const path = join(dir, `script-${scriptNo++}.js`);
  writeFileSync(path, source);
  const points: PointLine[] = [];
  const logs: string[] = [];
  const r = await runEmbedded({
    bundlePath: path,
    env: { WS_URL: wsUrl, WSS_URL: wssUrl, ...(options.env ?? {}) },
    workers: 1,
    onSamples: (b) => {
      for (const l of b) if (l.type === 'Point') points.push(l);
    },
    onLog: (_level, line) => logs.push(line),
  });
  return { exitCode: r.exitCode, points, logs };
}

function tagged(r: Outcome, metric: string): Array<Record<string, string>> {
  return r.points.filter((p) => p.metric === metric).map((p) => p.data.tags ?? {});
}

/** A one-iteration script around `body`, with `ev` a counter whose tags record what happened. */
function script(body: string, options = '{ vus: 1, iterations: 1 }', module = 'k6/websockets'): string {
  return `const { WebSocket } = require('${module}');
const { Counter } = require('k6/metrics');
const ev = new Counter('ev');
exports.options = ${options};
exports.default = function () {
${body}
};
`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleetload-ws-'));
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', serve);
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  https = createHttpsServer({ cert: CERT, key: KEY });
  secure = new WebSocketServer({ server: https });
  secure.on('connection', serve);
  await new Promise<void>((r) => https.listen(0, '127.0.0.1', () => r()));
  wssUrl = `wss://127.0.0.1:${(https.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of [wss, secure]) for (const c of s.clients) c.terminate();
  await new Promise<void>((r) => wss.close(() => r()));
  await new Promise<void>((r) => secure.close(() => r()));
  await new Promise<void>((r) => https.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('k6/websockets on the VU event loop', () => {
  it('an open socket keeps the iteration alive until it closes', async () => {
    const r = await run(script(`const s = new WebSocket(__ENV.WS_URL + '/close-after-300'); s.onclose = () => ev.add(1, { kind: 'close' });`));
    expect(r.exitCode).toBe(K6_EXIT.ok);
    expect(tagged(r, 'ev')).toEqual([{ kind: 'close', group: '', scenario: 'default' }]);
    const duration = r.points.find((p) => p.metric === 'iteration_duration')?.data.value ?? 0;
    expect(duration).toBeGreaterThanOrEqual(290);
  });

  it('an exception in a listener closes the socket, tells its error and close listeners, and ends the iteration', async () => {
    const r = await run(
      script(`const s = new WebSocket(__ENV.WS_URL + '/hello');
  s.onmessage = () => { throw new Error('listener broke'); };
  s.onerror = (e) => ev.add(1, { kind: 'error', error: e.error });
  s.onclose = (e) => ev.add(1, { kind: 'close', code: String(e.code) });`),
    );
    expect(tagged(r, 'ev').map((t) => `${t.kind} ${t.error ?? t.code}`)).toEqual(['error listener broke', 'close undefined']);
    expect(r.logs.some((l) => l.startsWith('Uncaught') && l.includes('listener broke'))).toBe(true);
    await expect.poll(() => closes.get('/hello')?.length ?? 0).toBe(1);
    expect(closes.get('/hello')?.[0]?.code).toBe(1006);
  });

  it('a connection dropped without a close frame ends in a plain close, as in k6', async () => {
    const r = await run(
      script(`const s = new WebSocket(__ENV.WS_URL + '/drop');
  s.onerror = (e) => ev.add(1, { kind: 'error', error: e.error });
  s.onclose = (e) => ev.add(1, { kind: 'close', code: String(e.code) });`),
    );
    expect(tagged(r, 'ev').map((t) => `${t.kind} ${t.error ?? t.code}`)).toEqual(['close 1000']);
    expect(r.points.filter((p) => p.metric === 'ws_session_duration')).toHaveLength(1);
  });

  it('close() while connecting is sent once connected, with no open event', async () => {
    const r = await run(
      script(`const s = new WebSocket(__ENV.WS_URL + '/queued-close');
  s.onopen = () => ev.add(1, { kind: 'open' });
  s.close(1000, 'never mind');
  ev.add(1, { kind: 'state', state: String(s.readyState) });
  s.onclose = (e) => ev.add(1, { kind: 'close', code: String(e.code), reason: e.reason });`),
    );
    expect(tagged(r, 'ev').map((t) => `${t.kind} ${t.state ?? t.code ?? ''}`)).toEqual(['state 2', 'close 1000']);
    await expect.poll(() => closes.get('/queued-close')).toEqual([{ code: 1000, reason: 'never mind' }]);
    // The close frame is a sent message, as k6 counts it.
    expect(r.points.filter((p) => p.metric === 'ws_msgs_sent')).toHaveLength(1);
  });

  it('a close the server answers with a code other than normal is an error, as gorilla reports it', async () => {
    const r = await run(
      script(`const s = new WebSocket(__ENV.WS_URL + '/echo');
  s.onopen = () => s.close(4000, 'bye');
  s.onerror = (e) => ev.add(1, { kind: 'error', error: e.error });
  s.onclose = (e) => ev.add(1, { kind: 'close', code: String(e.code), reason: e.reason });`),
    );
    expect(tagged(r, 'ev').map((t) => `${t.kind}|${t.error ?? `${t.code}|${t.reason}`}`)).toEqual(['error|websocket: close 4000: bye', 'close|4000|bye']);
  });

  it('a refused handshake carries its status and fails with k6 words', async () => {
    const server = createHttpsServer({ cert: CERT, key: KEY });
    server.on('upgrade', (_req, sock) => sock.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    try {
      const url = `wss://127.0.0.1:${(server.address() as AddressInfo).port}/forbidden`;
      const r = await run(
        script(`const s = new WebSocket('${url}');
  s.onerror = (e) => ev.add(1, { kind: 'error', error: e.error });
  s.onclose = (e) => ev.add(1, { kind: 'close', code: String(e.code) });`, '{ vus: 1, iterations: 1, insecureSkipTLSVerify: true }'),
      );
      expect(tagged(r, 'ev').map((t) => `${t.kind} ${t.error ?? t.code}`)).toEqual(['error websocket: bad handshake', 'close undefined']);
      expect(tagged(r, 'ws_sessions')).toEqual([{ group: '', scenario: 'default', url, name: url, status: '403', subproto: '' }]);
      expect(r.points.filter((p) => p.metric === 'ws_session_duration')).toEqual([]);
    } finally {
      await new Promise<void>((res) => server.close(() => res()));
    }
  });

  it('delivers binary messages as ArrayBuffer or Blob by binaryType, and sends typed arrays', async () => {
    const r = await run(
      script(`const a = new WebSocket(__ENV.WS_URL + '/binary');
  a.binaryType = 'arraybuffer';
  a.onmessage = (e) => { ev.add(1, { kind: 'ab', bytes: Array.from(new Uint8Array(e.data)).join(',') }); a.close(); };
  const b = new WebSocket(__ENV.WS_URL + '/binary');
  b.onmessage = (e) => { ev.add(1, { kind: 'blob', size: String(e.data.size) }); b.close(); };
  const c = new WebSocket(__ENV.WS_URL + '/echo');
  c.binaryType = 'arraybuffer';
  c.onopen = () => c.send(new Uint8Array([9, 8, 7]));
  c.onmessage = (e) => { ev.add(1, { kind: 'echo', bytes: Array.from(new Uint8Array(e.data)).join(',') }); c.close(); };`),
    );
    const byKind = Object.fromEntries(tagged(r, 'ev').map((t) => [t.kind, t.bytes ?? t.size]));
    expect(byKind).toEqual({ ab: '1,2,3,250', blob: '4', echo: '9,8,7' });
  });

  it('k6/experimental/websockets is the same module', async () => {
    const r = await run(script(`const s = new WebSocket(__ENV.WS_URL + '/hello'); s.onmessage = (e) => { ev.add(1, { data: e.data }); s.close(); };`, undefined, 'k6/experimental/websockets'));
    expect(tagged(r, 'ev').map((t) => t.data)).toEqual(['hello']);
  });

  it('refuses what k6 refuses, with k6 messages', async () => {
    const r = await run(
      script(`const tries = {
    scheme: () => new WebSocket('http://127.0.0.1:1/'),
    fragment: () => new WebSocket('ws://127.0.0.1:1/#x'),
    option: () => new WebSocket('ws://127.0.0.1:1/', null, { bogus: 1 }),
    compression: () => new WebSocket('ws://127.0.0.1:1/', null, { compression: 'gzip' }),
    binaryType: () => { const s = new WebSocket(__ENV.WS_URL + '/close-after-300'); try { s.binaryType = 'text'; } finally { s.close(); } },
    handler: () => { const s = new WebSocket(__ENV.WS_URL + '/close-after-300'); try { s.onmessage = 5; } finally { s.close(); } },
  };
  for (const k of Object.keys(tries)) {
    try { tries[k](); ev.add(1, { k, error: 'none' }); } catch (e) { ev.add(1, { k, error: String(e) }); }
  }`),
    );
    expect(Object.fromEntries(tagged(r, 'ev').map((t) => [t.k, t.error]))).toEqual({
      scheme: 'GoError: WebSocket requires url with scheme ws or wss, but got "http"',
      fragment: 'GoError: WebSocket requires no url fragment, but got "x"',
      option: "GoError: unknown WebSocket's option bogus",
      compression: "GoError: unsupported compression algorithm 'gzip', supported algorithm is 'deflate'",
      binaryType: 'GoError: unknown binaryType text, the supported ones are "blob" and "arraybuffer"',
      handler: "GoError: a value for 'onmessage' should be callable",
    });
  });

  it('cannot be used in the init context', async () => {
    const r = await run(`const { WebSocket } = require('k6/websockets');\nnew WebSocket('ws://127.0.0.1:1/');\nexports.default = function () {};\n`);
    expect(r.exitCode).toBe(K6_EXIT.scriptException);
    expect(r.logs.join('\n')).toMatch(/init context is not supported/);
  });
});

describe('wss and k6 TLS options', () => {
  const secureScript = (options: string): string =>
    script(
      `const s = new WebSocket(__ENV.WSS_URL + '/hello');
  s.onmessage = (e) => { ev.add(1, { kind: 'message', data: e.data }); s.close(); };
  s.onerror = (e) => ev.add(1, { kind: 'error', error: e.error });`,
      options,
    );

  it('refuses a certificate it does not trust', async () => {
    const r = await run(secureScript('{ vus: 1, iterations: 1 }'));
    const [e] = tagged(r, 'ev');
    expect(e?.kind).toBe('error');
    expect(e?.error).toMatch(/certificate/i);
  });

  it('accepts it with insecureSkipTLSVerify', async () => {
    const r = await run(secureScript('{ vus: 1, iterations: 1, insecureSkipTLSVerify: true }'));
    expect(tagged(r, 'ev').map((t) => `${t.kind} ${t.data ?? t.error}`)).toEqual(['message hello']);
  });

  it('trusts the roots in SSL_CERT_FILE, as Go and so real k6 do', async () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, CERT);
    const before = process.env.SSL_CERT_FILE;
    process.env.SSL_CERT_FILE = ca;
    try {
      const r = await run(secureScript('{ vus: 1, iterations: 1 }'));
      expect(tagged(r, 'ev').map((t) => `${t.kind} ${t.data ?? t.error}`)).toEqual(['message hello']);
    } finally {
      if (before === undefined) delete process.env.SSL_CERT_FILE;
      else process.env.SSL_CERT_FILE = before;
    }
  });
});

describe('error texts as real k6 (gorilla/websocket and Go) word them', () => {
  it('close errors name known codes', () => {
    expect(closeErrorText(4000, 'bye')).toBe('websocket: close 4000: bye');
    expect(closeErrorText(1011, '')).toBe('websocket: close 1011 (internal server error)');
    expect(closeErrorText(1008, 'no')).toBe('websocket: close 1008 (policy violation): no');
  });

  it('dial errors name the address', () => {
    const err = (code: string): Error => Object.assign(new Error(`x ${code}`), { code });
    expect(dialErrorText(err('ECONNREFUSED'), '127.0.0.1', '1')).toBe('dial tcp 127.0.0.1:1: connect: connection refused');
    expect(dialErrorText(err('ENOTFOUND'), 'nowhere.invalid', '80')).toBe('dial tcp: lookup nowhere.invalid: no such host');
    expect(dialErrorText(err('EWHATEVER'), 'h', '1')).toBe('x EWHATEVER');
  });
});

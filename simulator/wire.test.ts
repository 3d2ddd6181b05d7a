// The HTTP/1.1 server (wire.ts) on raw sockets: framing, keep-alive, the interim and refused
// answers, and what node:http answered before it for the same bytes (heads checked line by line).
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from './server';
import { HANG_MS, OP, REG, registerReady, start, waitFor } from './test-helpers';
import { WireServer, type Exchange } from './wire';

let sim: RunningSimulator;
let token: string;
beforeAll(async () => {
  sim = await start({ maxBodyBytes: 1024 });
  token = await registerReady(sim.url, 'fleet', 'a');
});
afterAll(async () => {
  await sim.close();
});

/** A raw connection: what it received so far, and whether the server closed it. */
class Raw {
  text = '';
  closed = false;
  private readonly socket: Socket;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (d: Buffer) => (this.text += d.toString('latin1')));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => (this.closed = true));
  }

  send(data: string): this {
    this.socket.write(data);
    return this;
  }

  /** The answers received so far (split at each status line). */
  answers(): string[] {
    return this.text.split(/(?=HTTP\/1\.1 \d{3} )/).filter((a) => a !== '');
  }

  async until(what: string, cond: (r: Raw) => boolean): Promise<this> {
    await waitFor(what, () => cond(this));
    return this;
  }

  end(): void {
    this.socket.destroy();
  }
}

const raw = (): Raw => new Raw(sim.port);
const head = (answer: string): string[] => (answer.split('\r\n\r\n')[0] ?? '').split('\r\n').filter((l) => !l.startsWith('Date: '));
const body = (answer: string): string => answer.slice(answer.indexOf('\r\n\r\n') + 4);
const LEASE = '/api/v1/namespaces/fleet/clusters/a/lease';

describe('wire: requests and answers', () => {
  it('answers with node:http\'s head, keeps the connection, and answers pipelined requests in order', async () => {
    const r = raw();
    r.send('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/info HTTP/1.1\r\nHost: x\r\n\r\n');
    await r.until('two answers', (x) => x.answers().length === 2 && body(x.answers()[1] as string).endsWith('}'));
    const [a, b] = r.answers() as [string, string];
    expect(head(a)).toEqual(['HTTP/1.1 200 OK', 'Content-Type: application/json', 'Content-Length: 11', 'Connection: keep-alive', 'Keep-Alive: timeout=65']);
    expect(a).toMatch(/\r\nDate: [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\r\n/);
    expect(body(a)).toBe('{"ok":true}');
    expect(JSON.parse(body(b))).toMatchObject({ apiVersion: 'fleetload.sim/v1' });
    // Still open: a third request on the same connection.
    r.send(`PUT ${LEASE} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: 2\r\n\r\n{}`);
    await r.until('the lease answer', (x) => x.answers().length === 3 && body(x.answers()[2] as string).endsWith('}'));
    expect(JSON.parse(body(r.answers()[2] as string))).toMatchObject({ phase: 'Ready', leaseDurationSeconds: 40 });
    expect(r.closed).toBe(false);
    r.end();
  });

  it('reads a request sent a byte at a time', async () => {
    const r = raw();
    const req = `PUT ${LEASE} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: 12\r\n\r\n{"nodes":[]}`;
    for (const ch of req) {
      r.send(ch);
      await new Promise((res) => setImmediate(res));
    }
    await r.until('the answer', (x) => x.answers().length === 1 && body(x.answers()[0] as string).endsWith('}'));
    expect(head(r.answers()[0] as string)[0]).toBe('HTTP/1.1 200 OK');
    r.end();
  });

  it('takes a chunked body, with extensions and trailers', async () => {
    const r = raw();
    const json = JSON.stringify({ clusterName: 'chunked', namespace: 'fleet' });
    const [p1, p2] = [json.slice(0, 10), json.slice(10)];
    r.send(`POST /api/v1/registrations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${REG}\r\nTransfer-Encoding: chunked\r\n\r\n${p1.length.toString(16)};x=1\r\n${p1}\r\n`);
    await new Promise((res) => setTimeout(res, 20));
    r.send(`${p2.length.toString(16)}\r\n${p2}\r\n0\r\nX-Trailer: t\r\n\r\n`);
    await r.until('the answer', (x) => x.answers().length === 1 && body(x.answers()[0] as string).endsWith('}'));
    expect(head(r.answers()[0] as string)[0]).toBe('HTTP/1.1 202 Accepted');
    expect(JSON.parse(body(r.answers()[0] as string))).toMatchObject({ clusterName: 'chunked', phase: 'Pending' });
    r.end();
  });

  it('sends 100 Continue to Expect: 100-continue and 417 to other expectations', async () => {
    const r = raw();
    r.send(`PUT ${LEASE} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n`);
    await r.until('the interim answer', (x) => x.text.includes('\r\n\r\n'));
    expect(r.text).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    r.send('{}');
    await r.until('the final answer', (x) => x.answers().length === 2 && body(x.answers()[1] as string).endsWith('}'));
    expect(head(r.answers()[1] as string)[0]).toBe('HTTP/1.1 200 OK');
    r.send('PUT /admin/faults HTTP/1.1\r\nHost: x\r\nExpect: a-pony\r\nContent-Length: 2\r\n\r\n{}GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await r.until('417 and the next answer', (x) => x.answers().length === 4 && x.text.endsWith('{"ok":true}'));
    expect(head(r.answers()[2] as string)).toEqual(['HTTP/1.1 417 Expectation Failed', 'Connection: keep-alive', 'Keep-Alive: timeout=65', 'Transfer-Encoding: chunked']);
    r.end();
  });

  it('answers HEAD without a body and goes on', async () => {
    const r = raw();
    r.send('HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await r.until('two answers', (x) => x.answers().length === 2 && x.text.endsWith('}'));
    const [a, b] = r.answers() as [string, string];
    expect(head(a)).toEqual(['HTTP/1.1 405 Method Not Allowed', 'Allow: GET', 'Content-Type: application/json', 'Content-Length: 83', 'Connection: keep-alive', 'Keep-Alive: timeout=65']);
    expect(body(a)).toBe('');
    expect(body(b)).toBe('{"ok":true}');
    r.end();
  });

  it('closes after Connection: close and after HTTP/1.0 unless keep-alive', async () => {
    for (const [req, close] of [
      ['GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', true],
      ['GET /healthz HTTP/1.0\r\n\r\n', true],
      ['GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', false],
    ] as const) {
      const r = raw().send(req);
      await r.until('the answer', (x) => x.text.endsWith('}'));
      expect(head(r.text)).toContain(close ? 'Connection: close' : 'Connection: keep-alive');
      if (close) await r.until('the close', (x) => x.closed);
      else {
        await new Promise((res) => setTimeout(res, 50));
        expect(r.closed).toBe(false);
      }
      r.end();
    }
  });

  it('drains a body the route does not read, and the connection goes on', async () => {
    const r = raw();
    const junk = 'x'.repeat(5000);
    r.send(`GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: ${junk.length}\r\n\r\n`);
    await r.until('the answer before the body', (x) => x.text.endsWith('}'));
    r.send(`${junk}GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`);
    await r.until('the second answer', (x) => x.answers().length === 2 && x.text.endsWith('}'));
    r.end();
  });
});

describe('wire: refusals', () => {
  it.each([
    ['a request line without a method', 'GARBAGE\r\n\r\n'],
    ['bare LF line ends in an incomplete head', 'GET /healthz HTTP/1.1\nHost: x\n'],
    ['a CR without LF in an incomplete head', 'GET /healthz HTTP/1.1\r\nHost: x\rY'],
    ['an unknown method', 'FOO /healthz HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['bare LF line ends', 'GET /healthz HTTP/1.1\nHost: x\n\n'],
    ['a control character', 'GET /healthz HTTP/1.1\r\nHost: x\r\nX: a\x01b\r\n\r\n'],
    ['a folded header', 'GET /healthz HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n'],
    ['a bad header name', 'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n'],
    ['two Content-Length headers', 'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na'],
    ['Content-Length and chunked', 'GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n'],
    ['a coding other than chunked', 'GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n'],
    ['an unknown version', 'GET /healthz HTTP/1.2\r\nHost: x\r\n\r\n'],
  ])('400 and close for %s', async (_name, req) => {
    const r = raw().send(req);
    await r.until('the close', (x) => x.closed);
    expect(r.text).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  it('400 for HTTP/1.1 without Host, as node answers it', async () => {
    const r = raw().send('GET /healthz HTTP/1.1\r\n\r\n');
    await r.until('the close', (x) => x.closed);
    expect(r.text).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
  });

  it('431 for a head over 16 KiB', async () => {
    const r = raw().send(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`);
    await r.until('the close', (x) => x.closed);
    expect(r.text).toBe('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n');
  });

  it('413 with Connection: close for a body over the limit; a body declared beyond 8x it is cut off', async () => {
    const big = JSON.stringify({ clusterName: 'b', namespace: 'fleet', labels: { k: 'v'.repeat(60) }, requestedAt: 1 }).padEnd(2000, ' ');
    const r = raw().send(`POST /api/v1/registrations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${REG}\r\nContent-Length: ${big.length}\r\n\r\n${big}`);
    await r.until('the close', (x) => x.closed);
    expect(head(r.text)).toEqual(['HTTP/1.1 413 Payload Too Large', 'Connection: close', 'Content-Type: application/json', 'Content-Length: 97']);
    expect(JSON.parse(body(r.text))).toMatchObject({ error: { code: 'payload_too_large', field: 'body' } });
    const cut = raw().send(`POST /api/v1/registrations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${REG}\r\nContent-Length: ${1024 * 8 + 1}\r\n\r\n`);
    await cut.until('the cut', (x) => x.closed);
    expect(cut.text).toBe('');
  });
});

describe('wire: clients that leave', () => {
  it('a client gone before its body ends gets nothing and leaves no request in flight', async () => {
    const r = raw().send(`POST /api/v1/namespaces/fleet/bundles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${OP}\r\nContent-Length: 100\r\n\r\n{"name":`);
    await waitFor('the request in flight', () => sim.sim.inflightCount === 1);
    r.end();
    await waitFor('nothing in flight', () => sim.sim.inflightCount === 0);
    expect(r.text).toBe('');
  });

  it('a parked watch whose client leaves is no longer parked', async () => {
    const r = raw().send(`GET /api/v1/namespaces/fleet/clusters/a/deployments?watch=1&timeoutSeconds=300 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`);
    await waitFor('the watch to park', () => sim.sim.hub.parked === 1);
    r.end();
    await waitFor('the watch to leave', () => sim.sim.hub.parked === 0);
  });
});

describe('WireServer timeouts', () => {
  it('closes idle keep-alive connections, and answers 408 to a head that never completes', async () => {
    const server = new WireServer((ex: Exchange) => ex.respond(204, undefined, '', null), { keepAliveTimeoutMs: 200, headersTimeoutMs: 300 });
    await server.listen(0, '127.0.0.1', 16);
    try {
      const port = (server.server.address() as { port: number }).port;
      const idle = new Raw(port).send('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      await idle.until('the answer', (x) => x.text.includes('\r\n\r\n'));
      expect(head(idle.text)).toEqual(['HTTP/1.1 204 No Content', 'Connection: keep-alive', 'Keep-Alive: timeout=0']);
      await idle.until('the idle close', (x) => x.closed);
      const slow = new Raw(port).send('GET / HTTP/1.1\r\nHo');
      await slow.until('the 408', (x) => x.closed);
      expect(slow.text).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    } finally {
      server.closeAllConnections();
      await server.close();
    }
  }, HANG_MS * 2);
});

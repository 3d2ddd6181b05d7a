// Shared by the simulator's tests (not a test itself: no .test.ts): a real server on an ephemeral
// port and a tiny typed client.
import { request } from 'node:http';
import { DEFAULT_TOKENS, type RegistrationStatus } from './api';
import type { SimulatorOptions } from './options';
import { startSimulator, type RunningSimulator } from './server';

export const REG = DEFAULT_TOKENS.registration;
export const OP = DEFAULT_TOKENS.operator;

export async function start(options: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  return startSimulator({ port: 0, processMetrics: false, ...options });
}

export interface Res<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = unknown>(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string } = {},
): Promise<Res<T>> {
  const headers: Record<string, string> = {};
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('application/json')) parsed = JSON.parse(text) as unknown;
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** Registers and waits until Ready; returns the cluster token. */
export async function registerReady(base: string, namespace: string, clusterName: string, labels?: Record<string, string>): Promise<string> {
  const r = await call<RegistrationStatus>(base, 'POST', '/api/v1/registrations', {
    token: REG,
    body: labels === undefined ? { clusterName, namespace } : { clusterName, namespace, labels },
  });
  if (r.status !== 202) throw new Error(`registration answered ${r.status}: ${JSON.stringify(r.body)}`);
  // Long polls until Ready, as an agent does: the server may clamp a wait (--max-wait-seconds), so
  // one wait ending Pending is not a failure.
  for (;;) {
    const s = await call<RegistrationStatus>(base, 'GET', `/api/v1/registrations/${r.body.id}?waitSeconds=300`, { token: REG });
    if (s.status !== 200) throw new Error(`registration wait answered ${s.status}: ${JSON.stringify(s.body)}`);
    if (s.body.phase === 'Ready' && s.body.credentials !== undefined) return s.body.credentials.token;
  }
}

export const clusterPath = (ns: string, name: string): string => `/api/v1/namespaces/${ns}/clusters/${name}`;

/**
 * How long waitFor waits before calling it a hang. Not a timing goal (those live in bench/): long
 * enough that a shared, loaded machine never reaches it for something that does happen.
 */
export const HANG_MS = 20_000;

/** Polls `cond` until it holds; throws naming `what` if it never does. */
export async function waitFor(what: string, cond: () => Promise<boolean> | boolean, stepMs = 10): Promise<void> {
  // performance.now, not Date.now: some tests freeze Date.
  const until = performance.now() + HANG_MS;
  while (!(await cond())) {
    if (performance.now() > until) throw new Error(`still waiting after ${HANG_MS} ms for: ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export interface HeldRequest {
  /** Sends the body; resolves with the answer. */
  release(): Promise<Res>;
}

/**
 * A request the server has received, authorised and admitted, then holds in flight for as long as
 * the test wants: its headers announce a body that is sent only on release(). This holds a
 * --max-inflight slot by state rather than by a sleep that a loaded machine could outlast.
 */
export function holdRequest(base: string, method: string, path: string, token: string, body: unknown): HeldRequest {
  const text = JSON.stringify(body);
  const req = request(new URL(path, base), {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
  });
  const answer = new Promise<Res>((resolve, reject) => {
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('error', reject);
      res.once('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const json = (res.headers['content-type'] ?? '').includes('application/json');
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
        resolve({ status: res.statusCode ?? 0, headers, body: json ? (JSON.parse(raw) as unknown) : raw });
      });
    });
  });
  // A test that never releases (the server was closed first) must not fail on an unhandled rejection.
  answer.catch(() => undefined);
  req.flushHeaders();
  return {
    release() {
      req.end(text);
      return answer;
    },
  };
}

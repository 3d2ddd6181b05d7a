// Shared by the simulator suites: a real server on an ephemeral port and a tiny typed client.
import type { RegistrationStatus } from '../../simulator/api';
import type { SimulatorOptions } from '../../simulator/options';
import { startSimulator, type RunningSimulator } from '../../simulator/server';

export const REG = 'fleetload-registration';
export const OP = 'fleetload-operator';

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
  const s = await call<RegistrationStatus>(base, 'GET', `/api/v1/registrations/${r.body.id}?waitSeconds=10`, { token: REG });
  if (s.body.phase !== 'Ready' || s.body.credentials === undefined) throw new Error(`not Ready: ${JSON.stringify(s.body)}`);
  return s.body.credentials.token;
}

export const clusterPath = (ns: string, name: string): string => `/api/v1/namespaces/${ns}/clusters/${name}`;

export async function waitFor(cond: () => Promise<boolean> | boolean, timeoutMs: number, stepMs = 20): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

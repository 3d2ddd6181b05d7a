// Liveness, server info, Prometheus metrics and run-time fault control.
import { API_VERSION, type InfoResponse } from '../api';
import type { RouteSpec } from '../context';
import { FaultParseError, formatLatency, parseLatency, ROUTE_GROUPS, type FaultConfig, type RouteGroup } from '../faults';
import { invalidField } from '../errors';
import type { Schema } from '../validate';

export const PRODUCT = 'fleetload-simulator';

/** Body of PUT /admin/faults: replaces the whole fault configuration (absent = off). */
export interface FaultsRequest {
  /** Latency spec as for --latency: `none`, `fixed:ms=5,jitter=2`, `uniform:min=1,max=9`, `lognormal:median=5,p99=50`. */
  latency?: string;
  errorRate?: Partial<Record<RouteGroup, number>>;
  maxInflight?: number;
}

export interface FaultsResponse {
  latency: string;
  errorRate: Partial<Record<RouteGroup, number>>;
  maxInflight: number;
}

const faultsSchema: Schema = {
  kind: 'object',
  fields: {
    latency: { schema: { kind: 'string', maxLength: 200 }, optional: true },
    errorRate: {
      schema: { kind: 'record', key: { kind: 'enum', values: ROUTE_GROUPS }, value: { kind: 'number', min: 0, max: 1 } },
      optional: true,
    },
    maxInflight: { schema: { kind: 'number', integer: true, min: 0, max: 1_000_000 }, optional: true },
  },
};

function describe(f: FaultConfig): FaultsResponse {
  return { latency: formatLatency(f.latency), errorRate: { ...f.errorRate }, maxInflight: f.maxInflight };
}

export const systemRoutes: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/healthz',
    auth: 'none',
    group: null,
    exempt: true,
    verb: 'GET',
    scope: '',
    body: 'none',
    handle: () => ({ status: 200, body: { ok: true } }),
  },
  {
    method: 'GET',
    path: '/api/v1/info',
    auth: 'none',
    group: null,
    exempt: true,
    verb: 'GET',
    scope: '',
    body: 'none',
    handle: ({ sim }) => {
      const info: InfoResponse = { apiVersion: API_VERSION, product: PRODUCT, startedAt: sim.startedAt, bootId: sim.bootId };
      return { status: 200, body: info };
    },
  },
  {
    method: 'GET',
    path: '/metrics',
    auth: 'none',
    group: null,
    exempt: true,
    verb: 'GET',
    scope: '',
    body: 'none',
    handle: async ({ sim }) => ({
      status: 200,
      raw: { contentType: sim.metrics.registry.contentType, text: await sim.metrics.registry.metrics() },
    }),
  },
  {
    method: 'GET',
    path: '/admin/faults',
    auth: 'operator',
    group: null,
    exempt: true,
    verb: 'GET',
    scope: 'resource',
    body: 'none',
    handle: ({ sim }) => ({ status: 200, body: describe(sim.faults) }),
  },
  {
    method: 'PUT',
    path: '/admin/faults',
    auth: 'operator',
    group: null,
    exempt: true,
    verb: 'PUT',
    scope: 'resource',
    body: 'required',
    schema: faultsSchema,
    handle: ({ sim, body }) => {
      const b = body as FaultsRequest;
      let latency: FaultConfig['latency'] = { kind: 'none' };
      if (b.latency !== undefined) {
        try {
          latency = parseLatency(b.latency);
        } catch (err) {
          if (err instanceof FaultParseError) throw invalidField('latency', err.message);
          throw err;
        }
      }
      sim.faults = Object.freeze({ latency, errorRate: Object.freeze({ ...(b.errorRate ?? {}) }), maxInflight: b.maxInflight ?? 0 });
      return { status: 200, body: describe(sim.faults) };
    },
  },
];

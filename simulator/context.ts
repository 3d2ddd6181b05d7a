// What a route handler sees: the parsed request and the simulator's parts. Kept as interfaces so
// routes depend on capabilities, not on how server.ts wires them.
import type { FaultConfig, RouteGroup } from './faults';
import type { Query, Reply } from './http';
import type { LeaseController } from './lease-controller';
import type { SimulatorMetrics } from './metrics/registry';
import type { SimulatorOptions } from './options';
import type { RegistrationQueue } from './registration-queue';
import type { Schema } from './validate';
import type { Cluster, Store } from './store';
import type { WatchHub } from './watch-hub';

export type Principal = { kind: 'operator' } | { kind: 'registration' } | { kind: 'cluster'; cluster: Cluster };

export type AuthRule = 'none' | 'registration' | 'operator' | 'cluster';

export interface Sim {
  readonly options: Readonly<SimulatorOptions>;
  readonly store: Store;
  readonly hub: WatchHub;
  readonly registrations: RegistrationQueue;
  readonly leases: LeaseController;
  readonly metrics: SimulatorMetrics;
  readonly bootId: string;
  readonly startedAt: number;
  faults: FaultConfig;
  /** Requests being handled now, as --max-inflight counts them (parked long polls excluded). */
  readonly inflightCount: number;
}

export interface Ctx {
  /** Path parameters in template order. */
  readonly params: readonly string[];
  readonly query: Query;
  /** Parsed and schema-checked body (undefined when the route takes none or it was empty). */
  readonly body: unknown;
  /** The body's JSON text as received ('' when there is none). */
  readonly bodyText: string;
  readonly principal: Principal | null;
  /** The cluster named by the path of a cluster-auth route (already checked to be the caller's). */
  readonly cluster: Cluster | null;
  readonly now: number;
  readonly sim: Sim;
  /** Metric verb override (e.g. WATCH for a deployment list with watch=1). */
  verb: string | null;
  /** A long poll is about to wait: release its in-flight slot (a parked request does no work). */
  park(): void;
  /** `leave()` is called if the client goes away before the answer (one per request; null removes it). */
  onGone(listener: { leave(): void } | null): void;
}

export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Template such as `/api/v1/namespaces/{ns}/clusters/{name}/lease`; also the metric's route label. */
  readonly path: string;
  readonly auth: AuthRule;
  /** Fault group (error injection); null = never injected (health, metrics, admin). */
  readonly group: RouteGroup | null;
  /** Exempt from --max-inflight, so an overloaded server can still be observed and steered. */
  readonly exempt?: boolean;
  readonly verb: string;
  readonly scope: '' | 'resource' | 'namespace' | 'cluster';
  /** `required`: a JSON body checked against schema; `optional`: empty body allowed (treated as {}). */
  readonly body: 'none' | 'required' | 'optional';
  readonly schema?: Schema;
  handle(ctx: Ctx): Reply | Promise<Reply>;
}

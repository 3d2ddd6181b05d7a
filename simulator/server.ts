// Assembles the simulator (store, registration workers, lease controller, watch hub, metrics,
// faults) behind Node's own http server, and runs the request pipeline:
// route -> authenticate/authorise -> admit (--max-inflight) -> body -> latency -> error injection -> handler.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticate, authorize } from './auth';
import type { Ctx, Principal, RouteSpec, Sim } from './context';
import { HttpError, invalidField } from './errors';
import { sampleLatency, shouldFail, type FaultConfig } from './faults';
import { ClientGone, parseJson, parseQuery, readBody, writeReply, type Query, type Reply } from './http';
import { LeaseController } from './lease-controller';
import { SimulatorMetrics, type MetricsSource } from './metrics/registry';
import { resolveOptions, type SimulatorOptions } from './options';
import { RegistrationQueue } from './registration-queue';
import { Router } from './router';
import { agentRoutes } from './routes/agent';
import { bundleRoutes } from './routes/bundles';
import { clusterRoutes } from './routes/clusters';
import { registrationRoutes } from './routes/registration';
import { systemRoutes } from './routes/system';
import { loadState, StateSaver } from './state-file';
import { Store, type Cluster } from './store';
import { validate } from './validate';
import { WatchHub } from './watch-hub';

export const ROUTES: readonly RouteSpec[] = [...systemRoutes, ...registrationRoutes, ...agentRoutes, ...bundleRoutes, ...clusterRoutes];

export interface RunningSimulator {
  readonly url: string;
  readonly port: number;
  readonly bootId: string;
  readonly options: Readonly<SimulatorOptions>;
  /** In-process access for tests and benchmarks (e.g. bulk registration); not part of the wire API. */
  readonly sim: Sim;
  /** Replaces the fault configuration, as PUT /admin/faults does. */
  setFaults(faults: FaultConfig): void;
  /** Writes the state file now (no-op without one). */
  saveState(): Promise<void>;
  /** Stops accepting, answers parked long polls, saves state, closes every connection. */
  close(): Promise<void>;
}

const RETRY_AFTER = { 'Retry-After': '1' } as const;

class Simulator implements Sim, MetricsSource {
  readonly store: Store;
  readonly hub = new WatchHub();
  readonly registrations: RegistrationQueue;
  readonly leases: LeaseController;
  readonly metrics: SimulatorMetrics;
  readonly bootId = randomUUID();
  readonly startedAt = Date.now();
  faults: FaultConfig;
  inflightCount = 0;
  private readonly router = new Router(ROUTES);

  constructor(readonly options: Readonly<SimulatorOptions>) {
    this.faults = options.faults;
    this.store = new Store({ deploymentsChanged: (c) => this.hub.deploymentsChanged(c) }, options.eventsPerNamespace, this.bootId);
    this.metrics = new SimulatorMetrics(this, options.processMetrics);
    this.leases = new LeaseController(this.store, options.leaseDurationSeconds, options.leaseGrace, {
      expired: (n) => this.metrics.leaseExpiries.inc(n),
    });
    this.registrations = new RegistrationQueue(
      this.store,
      options.registrationWorkers,
      options.registrationCostMs,
      {
        completed: (c, waitMs) => {
          this.leases.touch(c);
          this.hub.registrationChanged(c);
          this.metrics.registrationWait.observe(waitMs / 1000);
        },
      },
      options.registrationCostMode,
    );
  }

  // MetricsSource: computed on scrape only.
  clusterPhases(): { Pending: number; Ready: number; Unknown: number } {
    const out = { Pending: 0, Ready: 0, Unknown: 0 };
    for (const c of this.store.clusters) out[c.phase]++;
    return out;
  }
  deploymentStates(): { Pending: number; Applied: number; Ready: number; Failed: number } {
    const out = { Pending: 0, Applied: 0, Ready: 0, Failed: 0 };
    for (const ns of this.store.namespaces.values()) {
      for (const b of ns.bundles.values()) {
        out.Pending += b.targets.size - b.applied - b.failed;
        out.Applied += b.applied - b.ready;
        out.Ready += b.ready;
        out.Failed += b.failed;
      }
    }
    return out;
  }
  bundles(): number {
    return this.store.bundleCount;
  }
  namespaces(): number {
    return this.store.namespaces.size;
  }
  registrationQueue(): { queued: number; inProgress: number } {
    return { queued: this.registrations.depth, inProgress: this.registrations.inProgress };
  }
  parkedRequests(): number {
    return this.hub.parked;
  }
  inflight(): number {
    return this.inflightCount;
  }

  /** The request pipeline. Never throws: every failure becomes an answer (or a closed socket). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = performance.now();
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const pathname = qi < 0 ? url : url.slice(0, qi);
    const match = this.router.match(req.method ?? 'GET', pathname);
    let routeLabel = 'unmatched';
    let verb = req.method ?? 'GET';
    let scope = '';
    let admitted = false;
    let ctx: RequestContext | null = null;
    let reply: Reply;
    try {
      if (match.kind === 'none') throw new HttpError(404, 'not_found', `no route for ${pathname}`);
      if (match.kind === 'method')
        throw new HttpError(405, 'method_not_allowed', `${verb} is not allowed on ${pathname}`, undefined, { Allow: match.allow.join(', ') });
      const route = match.route;
      routeLabel = route.path;
      verb = route.verb;
      scope = route.scope;
      const principal = authenticate(req, this);
      const cluster = authorize(route.auth, principal, match.params, this);
      const faults = this.faults;
      if (route.exempt !== true && faults.maxInflight > 0 && this.inflightCount >= faults.maxInflight) {
        this.metrics.rejected.inc({ reason: 'overloaded' });
        throw new HttpError(429, 'overloaded', `more than ${faults.maxInflight} requests in flight`, undefined, RETRY_AFTER);
      }
      this.inflightCount++;
      admitted = true;
      const query: Query = qi < 0 ? parseQuery('') : parseQuery(url.slice(qi + 1));
      const body = route.body === 'none' ? undefined : await this.readJson(req, route);
      const delay = sampleLatency(faults.latency);
      if (delay > 0) await sleep(delay);
      if (shouldFail(faults, route.group)) {
        this.metrics.rejected.inc({ reason: 'injected' });
        throw new HttpError(503, 'unavailable', `injected fault (${route.group ?? ''})`, undefined, RETRY_AFTER);
      }
      ctx = new RequestContext(req, res, match.params, query, body, principal, cluster, this);
      reply = await route.handle(ctx);
    } catch (err) {
      if (err instanceof ClientGone) {
        if (admitted && ctx?.parked !== true) this.inflightCount--;
        res.destroy();
        return;
      }
      if (err instanceof HttpError) reply = { status: err.status, body: err.toBody(), ...(err.headers ? { headers: err.headers } : {}) };
      else {
        process.stderr.write(`simulator: internal error on ${req.method ?? ''} ${pathname}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        reply = { status: 500, body: { error: { code: 'internal', message: 'internal error' } } };
      }
    }
    if (admitted && ctx?.parked !== true) this.inflightCount--;
    writeReply(res, reply);
    this.metrics.observeRequest(routeLabel, ctx?.verb ?? verb, scope, reply.status, (performance.now() - start) / 1000);
  }

  private async readJson(req: IncomingMessage, route: RouteSpec): Promise<unknown> {
    const buf = await readBody(req, this.options.maxBodyBytes);
    if (buf.length === 0) {
      if (route.body === 'optional') return undefined;
      throw invalidField('body', 'a JSON body is required');
    }
    const parsed = parseJson(buf);
    return route.schema === undefined ? parsed : validate(route.schema, parsed);
  }
}

/** One request's context; `parked` records that its in-flight slot was handed back. */
class RequestContext implements Ctx {
  readonly now = Date.now();
  verb: string | null = null;
  parked = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly params: readonly string[],
    readonly query: Query,
    readonly body: unknown,
    readonly principal: Principal | null,
    readonly cluster: Cluster | null,
    readonly sim: Simulator,
  ) {}

  park(): void {
    if (this.parked) return;
    this.parked = true;
    this.sim.inflightCount--;
  }
}

export async function startSimulator(partial: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  const options = resolveOptions(partial);
  const sim = new Simulator(options);
  if (options.stateFile !== null) await loadState(options.stateFile, sim);
  const saver = options.stateFile === null ? null : new StateSaver(options.stateFile, sim, options.stateSaveIntervalSeconds);
  const server: Server = createServer({ keepAlive: true }, (req, res) => {
    void sim.handle(req, res);
  });
  // Agents heartbeat every ~10 s on one connection: keep idle connections well beyond that.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // A deep accept backlog: a registration storm opens thousands of connections at once.
      server.listen({ port: options.port, host: options.host, backlog: 4096 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // Registrations re-queued from a state file must not keep a failed start alive.
    sim.registrations.stop();
    throw err;
  }
  sim.leases.start();
  saver?.start();
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    bootId: sim.bootId,
    options,
    sim,
    setFaults(faults) {
      sim.faults = Object.freeze({ ...faults, errorRate: Object.freeze({ ...faults.errorRate }) });
    },
    saveState: async () => {
      await saver?.save();
    },
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        sim.leases.stop();
        sim.registrations.stop();
        sim.hub.wakeAll(sim.store.clusters);
        // Let the woken long polls write their answers before connections are cut.
        await sleep(20);
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 1000);
        await saver?.stop();
        await closed;
        clearTimeout(force);
      })();
      return closing;
    },
  };
}

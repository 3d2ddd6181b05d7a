// Assembles the simulator (store, registration workers, lease controller, watch hub, metrics,
// faults) behind its own HTTP/1.1 server (wire.ts), and runs the request pipeline:
// route -> authenticate/authorise -> admit (--max-inflight) -> body -> latency -> error injection -> handler.
// The pipeline is one object per request (RequestContext) whose steps call each other directly:
// synchronous from the head to the answer when the body is already here and the route answers at
// once (the lease, status and events routes), with no promise, closure or microtask on that path.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticate, authorize } from './auth';
import type { Ctx, Principal, RouteSpec, Sim } from './context';
import { HttpError, invalidField } from './errors';
import { sampleLatency, shouldFail, type FaultConfig } from './faults';
import { parseJson, parseQuery, type Query, type Reply } from './http';
import { LeaseController } from './lease-controller';
import { SimulatorMetrics, type MetricsSource, type RequestSeries } from './metrics/registry';
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
import { WireServer, type BodySink, type Exchange } from './wire';

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
  readonly router = new Router(ROUTES);
  /** Metric series per route and verb, looked up once per request instead of by label strings. */
  private readonly series = new Map<RouteSpec, Map<string, RequestSeries>>();

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

  /** The request pipeline. Never throws: every failure becomes an answer (or a closed connection). */
  handle(ex: Exchange): void {
    new RequestContext(this, ex).begin();
  }

  requestSeries(route: RouteSpec | null, method: string, verb: string): RequestSeries {
    if (route === null) return this.metrics.requestSeries('unmatched', method, '');
    let byVerb = this.series.get(route);
    if (byVerb === undefined) this.series.set(route, (byVerb = new Map()));
    let s = byVerb.get(verb);
    if (s === undefined) byVerb.set(verb, (s = this.metrics.requestSeries(route.path, verb, route.scope)));
    return s;
  }
}

const NO_PARAMS: readonly string[] = Object.freeze([]);
const EMPTY_QUERY: Query = parseQuery('');

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'payload_too_large', `request body exceeds ${maxBytes} bytes`, 'body', { Connection: 'close' });
}

/** Runs a request whose added latency is over (a plain function: no closure per delayed request). */
function afterDelay(ctx: RequestContext): void {
  ctx.invoke();
}

/**
 * One request from its head to its answer. `parked` records that its in-flight slot was handed
 * back (a long poll); `faults` is the configuration in force when it arrived, for all its steps.
 */
class RequestContext implements Ctx, BodySink {
  now = 0;
  verb: string | null = null;
  parked = false;
  params: readonly string[] = NO_PARAMS;
  query: Query = EMPTY_QUERY;
  body: unknown = undefined;
  bodyText = '';
  principal: Principal | null = null;
  cluster: Cluster | null = null;
  private route: RouteSpec | null = null;
  private admitted = false;
  private done = false;
  private readonly faults: FaultConfig;
  private readonly start = performance.now();

  constructor(
    readonly sim: Simulator,
    private readonly ex: Exchange,
  ) {
    this.faults = sim.faults;
  }

  begin(): void {
    const { sim, ex } = this;
    const target = ex.target;
    const qi = target.indexOf('?');
    const pathname = qi < 0 ? target : target.slice(0, qi);
    try {
      const match = sim.router.match(ex.method, pathname);
      if (match.kind === 'none') throw new HttpError(404, 'not_found', `no route for ${pathname}`);
      if (match.kind === 'method') throw new HttpError(405, 'method_not_allowed', `${ex.method} is not allowed on ${pathname}`, undefined, { Allow: match.allow });
      const route = match.route;
      this.route = route;
      this.params = match.params;
      this.principal = authenticate(ex.authorization, sim);
      this.cluster = authorize(route.auth, this.principal, this.params);
      const faults = this.faults;
      if (route.exempt !== true && faults.maxInflight > 0 && sim.inflightCount >= faults.maxInflight) {
        sim.metrics.rejected.inc({ reason: 'overloaded' });
        throw new HttpError(429, 'overloaded', `more than ${faults.maxInflight} requests in flight`, undefined, RETRY_AFTER);
      }
      sim.inflightCount++;
      this.admitted = true;
      if (qi >= 0) this.query = parseQuery(target.slice(qi + 1));
    } catch (err) {
      this.fail(err);
      return;
    }
    // Synchronously (so that the connection knows the body is wanted); onBody may run at once.
    if (this.route.body === 'none') this.afterBody();
    else ex.readBody(sim.options.maxBodyBytes, this);
  }

  onBody(text: string): void {
    try {
      const route = this.route as RouteSpec;
      if (text.length === 0) {
        if (route.body !== 'optional') throw invalidField('body', 'a JSON body is required');
      } else {
        this.bodyText = text;
        const parsed = parseJson(text);
        this.body = route.schema === undefined ? parsed : validate(route.schema, parsed);
      }
    } catch (err) {
      this.fail(err);
      return;
    }
    this.afterBody();
  }

  onBodyError(reason: 'too-large' | 'gone'): void {
    if (reason === 'gone') {
      // The client left before its body arrived: nothing to answer, nothing to count.
      if (this.admitted && !this.parked) this.sim.inflightCount--;
      this.done = true;
      return;
    }
    this.fail(tooLarge(this.sim.options.maxBodyBytes));
  }

  private afterBody(): void {
    const delay = sampleLatency(this.faults.latency);
    if (delay > 0) setTimeout(afterDelay, delay, this);
    else this.invoke();
  }

  invoke(): void {
    let r: Reply | Promise<Reply>;
    try {
      const route = this.route as RouteSpec;
      if (shouldFail(this.faults, route.group)) {
        this.sim.metrics.rejected.inc({ reason: 'injected' });
        throw new HttpError(503, 'unavailable', `injected fault (${route.group ?? ''})`, undefined, RETRY_AFTER);
      }
      this.now = Date.now();
      r = route.handle(this);
    } catch (err) {
      this.fail(err);
      return;
    }
    if (r instanceof Promise) r.then((reply) => this.finish(reply), (err: unknown) => this.fail(err));
    else this.finish(r);
  }

  park(): void {
    if (this.parked) return;
    this.parked = true;
    this.sim.inflightCount--;
  }

  onGone(listener: { leave(): void } | null): void {
    this.ex.onGone = listener;
  }

  private fail(err: unknown): void {
    let reply: Reply;
    if (err instanceof HttpError) reply = err.headers === undefined ? { status: err.status, body: err.toBody() } : { status: err.status, body: err.toBody(), headers: err.headers };
    else {
      process.stderr.write(`simulator: internal error on ${this.ex.method} ${this.ex.target}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      reply = { status: 500, body: { error: { code: 'internal', message: 'internal error' } } };
    }
    this.finish(reply);
  }

  private finish(reply: Reply): void {
    if (this.done) return;
    this.done = true;
    if (this.admitted && !this.parked) this.sim.inflightCount--;
    const ex = this.ex;
    // A connection already gone gets nothing written, but the request is still counted.
    if (!ex.gone) {
      if (reply.raw !== undefined) ex.respond(reply.status, reply.headers, reply.raw.contentType, reply.raw.text);
      else if (reply.body === undefined) ex.respond(reply.status, reply.headers, '', null);
      else ex.respond(reply.status, reply.headers, 'application/json', JSON.stringify(reply.body));
    }
    // The answer is with the socket now: "receipt to last byte written".
    const route = this.route;
    const verb = this.verb ?? (route === null ? ex.method : route.verb);
    this.sim.requestSeries(route, ex.method, verb).observe(reply.status, (performance.now() - this.start) / 1000);
  }
}

export async function startSimulator(partial: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  const options = resolveOptions(partial);
  const sim = new Simulator(options);
  if (options.stateFile !== null) await loadState(options.stateFile, sim);
  const saver = options.stateFile === null ? null : new StateSaver(options.stateFile, sim, options.stateSaveIntervalSeconds);
  // Agents heartbeat every ~10 s on one connection: keep idle connections well beyond that.
  const server = new WireServer((ex) => sim.handle(ex), { keepAliveTimeoutMs: 65_000, headersTimeoutMs: 66_000 });
  try {
    // A deep accept backlog: a registration storm opens thousands of connections at once.
    await server.listen(options.port, options.host, 4096);
  } catch (err) {
    // Registrations re-queued from a state file must not keep a failed start alive.
    sim.registrations.stop();
    throw err;
  }
  sim.leases.start();
  saver?.start();
  const port = (server.server.address() as AddressInfo).port;
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
        const closed = server.close();
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

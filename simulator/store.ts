// The simulator's state: namespaces, clusters, bundles and their per-cluster deployments, kept as
// compact records with fixed shapes (one hidden class each) so that 100,000 clusters stay well
// under 2 KB apiece. Everything is in memory and single-threaded; revisions come from one
// monotonic counter, like etcd's resourceVersion.
import type {
  BundleDeployment,
  BundleStatus,
  ClusterEvent,
  ClusterPhase,
  ClusterView,
  DeploymentState,
  NodeHealth,
  RegistrationStatus,
} from './api';
import type { Selector } from './selectors';

export type DeploymentPhase = DeploymentState | 'Pending';

export interface Waiter {
  /** Called when the awaited thing happened (or the object is gone); must be idempotent. */
  wake(): void;
}

export class Deployment {
  constructor(
    readonly bundle: Bundle,
    public generation: number,
    public revision: number,
    public state: DeploymentPhase,
    /** Server time of the Ready report for this generation, 0 if none yet. */
    public readyAt: number,
  ) {}
}

export class Cluster {
  /** Creation order; lists are in this order and `continue` tokens point into it. */
  readonly seq: number;
  readonly name: string;
  readonly namespace: Namespace;
  labels: Record<string, string>;
  phase: ClusterPhase = 'Pending';
  readonly createdAt: number;
  readyAt: number | null = null;
  lastHeartbeatAt: number | null = null;
  revision: number;
  token: string | null = null;
  regId: string;
  regPending = true;
  regCreatedAt: number;
  regReadyAt: number | null = null;
  /** When the lease was last renewed, or when the cluster became Ready (the lease's start). */
  leaseRenewedAt = 0;
  /** Lease list links, ordered by leaseRenewedAt (lease-controller.ts); null when not in the list. */
  leasePrev: Cluster | null = null;
  leaseNext: Cluster | null = null;
  inLeaseList = false;
  deployments: Deployment[] | null = null;
  /** Revision of the last change to this cluster's set of deployments (including removals). */
  deploymentsRevision = 0;
  /**
   * Latest node health: the JSON text of the report that carried it (a lease renewal or a health
   * report, `{"nodes":[...]}`), kept as received. A one-byte string is several times smaller than
   * the parsed objects, which matters at 100,000 clusters; and keeping the text rather than
   * re-serialising the nodes (as this did before) saves a JSON.stringify per heartbeat, over a
   * third of a renewal's own work. healthJson() derives the nodes' JSON when it is read.
   */
  healthDoc: string | null = null;
  healthAt = 0;
  watchers: Waiter[] | null = null;
  regWaiters: Waiter[] | null = null;

  constructor(seq: number, name: string, namespace: Namespace, labels: Record<string, string>, now: number, revision: number, regId: string) {
    this.seq = seq;
    this.name = name;
    this.namespace = namespace;
    this.labels = labels;
    this.createdAt = now;
    this.revision = revision;
    this.regId = regId;
    this.regCreatedAt = now;
  }

  view(): ClusterView {
    return {
      name: this.name,
      namespace: this.namespace.name,
      labels: this.labels,
      phase: this.phase,
      createdAt: this.createdAt,
      readyAt: this.readyAt,
      lastHeartbeatAt: this.lastHeartbeatAt,
      revision: this.revision,
    };
  }

  /** view() as JSON.stringify writes it, without the object (a LIST page holds 500 of them). */
  viewJson(): string {
    // Numbers and null print the same through a template as through JSON.stringify; phases are plain words.
    return `{"name":${JSON.stringify(this.name)},"namespace":${this.namespace.nameJson},"labels":${JSON.stringify(this.labels)},"phase":"${this.phase}","createdAt":${this.createdAt},"readyAt":${this.readyAt},"lastHeartbeatAt":${this.lastHeartbeatAt},"revision":${this.revision}}`;
  }

  registrationStatus(): RegistrationStatus {
    const s: RegistrationStatus = {
      id: this.regId,
      clusterName: this.name,
      namespace: this.namespace.name,
      phase: this.regPending ? 'Pending' : 'Ready',
      createdAt: this.regCreatedAt,
      readyAt: this.regReadyAt,
    };
    if (!this.regPending && this.token !== null) s.credentials = { token: this.token };
    return s;
  }

  /** `doc` is a JSON document whose `nodes` member is the (validated) node list. */
  setHealthDoc(doc: string, now: number): void {
    this.healthDoc = doc;
    this.healthAt = now;
  }

  setHealth(nodes: readonly NodeHealth[], now: number): void {
    this.setHealthDoc(JSON.stringify({ nodes }), now);
  }

  /** The latest node list as JSON.stringify writes it (what storing it serialised gave), or null. */
  healthJson(): string | null {
    return this.healthDoc === null ? null : JSON.stringify((JSON.parse(this.healthDoc) as { nodes: unknown }).nodes);
  }

  findDeployment(bundle: string): Deployment | undefined {
    if (this.deployments === null) return undefined;
    for (const d of this.deployments) if (d.bundle.name === bundle) return d;
    return undefined;
  }

  deploymentList(): { revision: number; items: BundleDeployment[] } {
    const items: BundleDeployment[] = [];
    if (this.deployments !== null) {
      for (const d of this.deployments) {
        items.push({
          bundle: d.bundle.name,
          namespace: this.namespace.name,
          generation: d.generation,
          bundleCreatedAt: d.bundle.createdAt,
          payload: d.bundle.payload,
          revision: d.revision,
          state: d.state,
        });
      }
    }
    return { revision: this.deploymentsRevision, items };
  }

  /**
   * deploymentList() as JSON.stringify writes it, built from pieces the bundle and namespace keep:
   * the payload (kilobytes, the same for every target) is escaped once per bundle, not once per
   * answer, which is what a rollout's wake-up of every watch costs otherwise.
   */
  deploymentListJson(): string {
    let items = '';
    if (this.deployments !== null) {
      const ns = this.namespace.nameJson;
      for (const d of this.deployments) {
        const b = d.bundle;
        // Integers print the same through a template as through JSON.stringify; states are plain words.
        const item = `{"bundle":${b.nameJson},"namespace":${ns},"generation":${d.generation},"bundleCreatedAt":${b.createdAt},"payload":${b.payloadJson},"revision":${d.revision},"state":"${d.state}"}`;
        items = items === '' ? item : `${items},${item}`;
      }
    }
    return `{"revision":${this.deploymentsRevision},"items":[${items}]}`;
  }
}

export class Bundle {
  generation = 1;
  desired = 0;
  applied = 0;
  ready = 0;
  failed = 0;
  readonly targets = new Set<Cluster>();
  /** The name as a JSON string literal (deploymentListJson). */
  readonly nameJson: string;
  private payloadText: string;
  private payloadJsonText: string | null = null;

  constructor(
    readonly name: string,
    readonly namespace: Namespace,
    public selector: Selector,
    payload: string,
    /** Set when the payload was generated from `payloadBytes`, so the state file need not hold it. */
    public generatedBytes: number | null,
    /** Creation time of the current generation: the start of distribution latency. */
    public createdAt: number,
  ) {
    this.nameJson = JSON.stringify(name);
    this.payloadText = payload;
  }

  get payload(): string {
    return this.payloadText;
  }

  set payload(p: string) {
    this.payloadText = p;
    this.payloadJsonText = null;
  }

  /** The payload as a JSON string literal, escaped once per payload (made on first use). */
  get payloadJson(): string {
    return (this.payloadJsonText ??= JSON.stringify(this.payloadText));
  }

  status(detail: boolean): BundleStatus {
    const s: BundleStatus = {
      name: this.name,
      namespace: this.namespace.name,
      generation: this.generation,
      createdAt: this.createdAt,
      desired: this.targets.size,
      applied: this.applied,
      ready: this.ready,
      failed: this.failed,
    };
    if (detail) {
      const readyTimes: Record<string, number> = {};
      for (const c of this.targets) {
        const d = c.findDeployment(this.name);
        if (d !== undefined && d.readyAt > 0) readyTimes[c.name] = d.readyAt;
      }
      s.readyTimes = readyTimes;
    }
    return s;
  }
}

export interface StoredEvent extends ClusterEvent {
  cluster: string;
  receivedAt: number;
}

/** A bounded ring of the newest events of one namespace. */
export class EventRing {
  private readonly items: (StoredEvent | undefined)[];
  private next = 0;
  total = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<StoredEvent | undefined>(capacity);
  }

  push(e: StoredEvent): void {
    if (this.capacity === 0) return;
    this.items[this.next] = e;
    this.next = (this.next + 1) % this.capacity;
    this.total++;
  }

  /** Oldest first. */
  list(): StoredEvent[] {
    const out: StoredEvent[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const e = this.items[(this.next + i) % this.capacity];
      if (e !== undefined) out.push(e);
    }
    return out;
  }
}

export class Namespace {
  readonly clusters = new Map<string, Cluster>();
  readonly bundles = new Map<string, Bundle>();
  readonly events: EventRing;
  /** The name as a JSON string literal (deploymentListJson). */
  readonly nameJson: string;

  constructor(
    readonly name: string,
    eventCapacity: number,
  ) {
    this.events = new EventRing(eventCapacity);
    this.nameJson = JSON.stringify(name);
  }
}

/** Contribution of a deployment state to a bundle's counts: Ready implies applied. */
export function addCounts(b: Bundle, state: DeploymentPhase, sign: 1 | -1): void {
  if (state === 'Applied') b.applied += sign;
  else if (state === 'Ready') {
    b.applied += sign;
    b.ready += sign;
  } else if (state === 'Failed') b.failed += sign;
}

export interface StoreHooks {
  /** A cluster's deployments changed (watchers to wake). */
  deploymentsChanged(cluster: Cluster): void;
}

export class Store {
  readonly namespaces = new Map<string, Namespace>();
  /** All clusters in creation order (cluster-scope lists). */
  readonly clusters = new Set<Cluster>();
  readonly byToken = new Map<string, Cluster>();
  readonly byRegId = new Map<string, Cluster>();
  revision = 0;
  seq = 0;
  regSeq = 0;
  bundleCount = 0;
  /** Bumped on every mutation, so the state file is written only when something changed. */
  mutations = 0;
  private readonly regPrefix: string;

  constructor(
    private readonly hooks: StoreHooks,
    private readonly eventCapacity: number,
    bootId: string,
  ) {
    // Registration ids are unique across restarts, so a stale id from a previous boot is a 404.
    this.regPrefix = `r${bootId.slice(0, 8)}-`;
  }

  nextRevision(): number {
    this.mutations++;
    return ++this.revision;
  }

  namespace(name: string, create: boolean): Namespace | undefined {
    let ns = this.namespaces.get(name);
    if (ns === undefined && create) {
      ns = new Namespace(name, this.eventCapacity);
      this.namespaces.set(name, ns);
    }
    return ns;
  }

  cluster(ns: string, name: string): Cluster | undefined {
    return this.namespaces.get(ns)?.clusters.get(name);
  }

  /** Creates a Pending cluster, or starts a new registration of an existing one (credentials re-issued). */
  register(nsName: string, name: string, labels: Record<string, string> | undefined, now: number): Cluster {
    const ns = this.namespace(nsName, true) as Namespace;
    const regId = `${this.regPrefix}${(++this.regSeq).toString(36)}`;
    let c = ns.clusters.get(name);
    if (c === undefined) {
      c = new Cluster(++this.seq, name, ns, labels === undefined ? {} : { ...labels }, now, this.nextRevision(), regId);
      ns.clusters.set(name, c);
      this.clusters.add(c);
    } else {
      this.byRegId.delete(c.regId);
      // The old credentials stop working now: whoever re-registers is the cluster from here on.
      if (c.token !== null) this.byToken.delete(c.token);
      c.token = null;
      c.regId = regId;
      c.regPending = true;
      c.regCreatedAt = now;
      c.regReadyAt = null;
      if (labels !== undefined) {
        c.labels = { ...labels };
        c.revision = this.nextRevision();
        this.reconcileCluster(c);
      }
    }
    this.byRegId.set(regId, c);
    this.mutations++;
    return c;
  }

  /** The registration worker finished: credentials issued, a first-time cluster becomes Ready. */
  completeRegistration(c: Cluster, token: string, now: number): void {
    c.token = token;
    this.byToken.set(token, c);
    c.regPending = false;
    c.regReadyAt = now;
    c.leaseRenewedAt = now;
    if (c.phase !== 'Ready') {
      if (c.readyAt === null) c.readyAt = now;
      c.phase = 'Ready';
      c.revision = this.nextRevision();
    }
    this.reconcileCluster(c);
    this.mutations++;
  }

  /** Returns true if the cluster came back from Unknown. */
  renewLease(c: Cluster, now: number): boolean {
    c.lastHeartbeatAt = now;
    c.leaseRenewedAt = now;
    if (c.phase === 'Unknown') {
      c.phase = 'Ready';
      c.revision = this.nextRevision();
      return true;
    }
    return false;
  }

  markUnknown(c: Cluster): void {
    c.phase = 'Unknown';
    c.revision = this.nextRevision();
  }

  patchLabels(c: Cluster, patch: Record<string, string | null>): void {
    const labels = { ...c.labels };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete labels[k];
      else labels[k] = v;
    }
    c.labels = labels;
    c.revision = this.nextRevision();
    this.reconcileCluster(c);
  }

  deleteCluster(c: Cluster): void {
    const ns = c.namespace;
    ns.clusters.delete(c.name);
    this.clusters.delete(c);
    this.byRegId.delete(c.regId);
    if (c.token !== null) this.byToken.delete(c.token);
    c.token = null;
    if (c.deployments !== null) {
      for (const d of c.deployments) {
        addCounts(d.bundle, d.state, -1);
        d.bundle.targets.delete(c);
      }
      c.deployments = null;
    }
    this.nextRevision();
    this.hooks.deploymentsChanged(c);
  }

  /** Creates a bundle, or updates it (generation + 1); fans out to every matching cluster. */
  upsertBundle(nsName: string, name: string, selector: Selector, payload: string, generatedBytes: number | null, now: number): Bundle {
    const ns = this.namespace(nsName, true) as Namespace;
    let b = ns.bundles.get(name);
    if (b === undefined) {
      b = new Bundle(name, ns, selector, payload, generatedBytes, now);
      ns.bundles.set(name, b);
      this.bundleCount++;
    } else {
      b.generation++;
      // Every target starts the new generation Pending; counts restart from zero to match.
      for (const c of b.targets) {
        const d = c.findDeployment(name);
        if (d !== undefined) {
          d.state = 'Pending';
          d.readyAt = 0;
        }
      }
      b.selector = selector;
      b.payload = payload;
      b.generatedBytes = generatedBytes;
      b.createdAt = now;
      b.applied = 0;
      b.ready = 0;
      b.failed = 0;
    }
    const rev = this.nextRevision();
    for (const c of ns.clusters.values()) {
      if (c.phase === 'Pending') continue;
      const had = b.targets.has(c);
      if (b.selector.matches(c.labels)) {
        if (had) {
          const d = c.findDeployment(name) as Deployment;
          d.generation = b.generation;
          d.revision = rev;
        } else this.addDeployment(c, b, rev);
        c.deploymentsRevision = rev;
        this.hooks.deploymentsChanged(c);
      } else if (had) {
        this.removeDeployment(c, b, rev);
        this.hooks.deploymentsChanged(c);
      }
    }
    return b;
  }

  deleteBundle(b: Bundle): void {
    const rev = this.nextRevision();
    for (const c of [...b.targets]) {
      this.removeDeployment(c, b, rev);
      this.hooks.deploymentsChanged(c);
    }
    b.namespace.bundles.delete(b.name);
    this.bundleCount--;
  }

  /** Applies a status report to the deployment of the bundle's current generation. */
  reportStatus(d: Deployment, state: DeploymentState, now: number): void {
    if (d.state === state) return;
    addCounts(d.bundle, d.state, -1);
    d.state = state;
    addCounts(d.bundle, state, 1);
    if (state === 'Ready' && d.readyAt === 0) d.readyAt = now;
    this.mutations++;
  }

  addEvents(c: Cluster, events: readonly ClusterEvent[], now: number): void {
    for (const e of events) {
      const stored: StoredEvent = { cluster: c.name, type: e.type, reason: e.reason, message: e.message, receivedAt: now };
      if (e.bundle !== undefined) stored.bundle = e.bundle;
      if (e.at !== undefined) stored.at = e.at;
      c.namespace.events.push(stored);
    }
  }

  /** Brings a cluster's deployments in line with its namespace's bundles (after Ready or a label change). */
  reconcileCluster(c: Cluster): void {
    if (c.phase === 'Pending') return;
    let rev = 0;
    for (const b of c.namespace.bundles.values()) {
      const want = b.selector.matches(c.labels);
      const had = b.targets.has(c);
      if (want === had) continue;
      if (rev === 0) rev = this.nextRevision();
      if (want) this.addDeployment(c, b, rev);
      else this.removeDeployment(c, b, rev);
    }
    if (rev !== 0) this.hooks.deploymentsChanged(c);
  }

  private addDeployment(c: Cluster, b: Bundle, rev: number): void {
    const d = new Deployment(b, b.generation, rev, 'Pending', 0);
    if (c.deployments === null) c.deployments = [d];
    else c.deployments.push(d);
    b.targets.add(c);
    c.deploymentsRevision = rev;
  }

  private removeDeployment(c: Cluster, b: Bundle, rev: number): void {
    if (c.deployments !== null) {
      const i = c.deployments.findIndex((d) => d.bundle === b);
      if (i >= 0) {
        addCounts(b, (c.deployments[i] as Deployment).state, -1);
        c.deployments.splice(i, 1);
      }
      if (c.deployments.length === 0) c.deployments = null;
    }
    b.targets.delete(c);
    c.deploymentsRevision = rev;
  }
}

// Persistence with --state-file: the whole state as one JSON document, written atomically
// (temp file + rename) on a timer when something changed and at shutdown, and loaded at start.
// Without it a restart loses everything and agents get 401 until they re-register.
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { ClusterPhase } from './api';
import type { Sim } from './context';
import { generatePayload } from './payload';
import { parseSelector } from './selectors';
import { addCounts, Bundle, Cluster, Deployment, type DeploymentPhase } from './store';

const FORMAT = 'fleetload.sim/state/v1';

interface SavedBundle {
  namespace: string;
  name: string;
  selector: string;
  /** null when generated from `payloadBytes` (regenerated at load). */
  payload: string | null;
  payloadBytes: number | null;
  generation: number;
  createdAt: number;
}

/** [bundle, generation, revision, state, readyAt] */
type SavedDeployment = [string, number, number, DeploymentPhase, number];

interface SavedCluster {
  seq: number;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  phase: ClusterPhase;
  createdAt: number;
  readyAt: number | null;
  lastHeartbeatAt: number | null;
  revision: number;
  token: string | null;
  regId: string;
  regPending: boolean;
  regCreatedAt: number;
  regReadyAt: number | null;
  deploymentsRevision: number;
  deployments: SavedDeployment[];
}

interface SavedState {
  format: typeof FORMAT;
  savedAt: number;
  revision: number;
  seq: number;
  namespaces: string[];
  bundles: SavedBundle[];
  clusters: SavedCluster[];
}

function snapshot(sim: Sim): SavedState {
  const { store } = sim;
  const bundles: SavedBundle[] = [];
  for (const ns of store.namespaces.values()) {
    for (const b of ns.bundles.values()) {
      bundles.push({
        namespace: ns.name,
        name: b.name,
        selector: b.selector.source,
        payload: b.generatedBytes === null ? b.payload : null,
        payloadBytes: b.generatedBytes,
        generation: b.generation,
        createdAt: b.createdAt,
      });
    }
  }
  const clusters: SavedCluster[] = [];
  for (const c of store.clusters) {
    clusters.push({
      seq: c.seq,
      namespace: c.namespace.name,
      name: c.name,
      labels: c.labels,
      phase: c.phase,
      createdAt: c.createdAt,
      readyAt: c.readyAt,
      lastHeartbeatAt: c.lastHeartbeatAt,
      revision: c.revision,
      token: c.token,
      regId: c.regId,
      regPending: c.regPending,
      regCreatedAt: c.regCreatedAt,
      regReadyAt: c.regReadyAt,
      deploymentsRevision: c.deploymentsRevision,
      deployments: (c.deployments ?? []).map((d): SavedDeployment => [d.bundle.name, d.generation, d.revision, d.state, d.readyAt]),
    });
  }
  return {
    format: FORMAT,
    savedAt: Date.now(),
    revision: store.revision,
    seq: store.seq,
    namespaces: [...store.namespaces.keys()],
    bundles,
    clusters,
  };
}

/** Loads a state file if it exists; a missing file is a fresh start, a corrupt one an error. */
export async function loadState(path: string, sim: Sim): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  let state: SavedState;
  try {
    state = JSON.parse(text) as SavedState;
  } catch (err) {
    throw new Error(`${path}: not a simulator state file (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof state !== 'object' || state === null || state.format !== FORMAT) throw new Error(`${path}: not a simulator state file (format ${String((state as Partial<SavedState> | null)?.format)})`);
  const { store } = sim;
  const now = Date.now();
  for (const name of state.namespaces) store.namespace(name, true);
  for (const sb of state.bundles) {
    const ns = store.namespace(sb.namespace, true);
    if (ns === undefined) continue;
    const payload = sb.payload ?? generatePayload(sb.payloadBytes ?? 0);
    const b = new Bundle(sb.name, ns, parseSelector(sb.selector, 'selector'), payload, sb.payloadBytes, sb.createdAt);
    b.generation = sb.generation;
    ns.bundles.set(b.name, b);
    store.bundleCount++;
  }
  for (const s of state.clusters) {
    const ns = store.namespace(s.namespace, true);
    if (ns === undefined) continue;
    const c = new Cluster(s.seq, s.name, ns, s.labels, s.createdAt, s.revision, s.regId);
    c.phase = s.phase;
    c.readyAt = s.readyAt;
    c.lastHeartbeatAt = s.lastHeartbeatAt;
    c.token = s.token;
    c.regPending = s.regPending;
    c.regCreatedAt = s.regCreatedAt;
    c.regReadyAt = s.regReadyAt;
    c.deploymentsRevision = s.deploymentsRevision;
    for (const [bundleName, generation, revision, state2, readyAt] of s.deployments) {
      const b = ns.bundles.get(bundleName);
      if (b === undefined) continue;
      const d = new Deployment(b, generation, revision, state2, readyAt);
      (c.deployments ??= []).push(d);
      b.targets.add(c);
      if (generation === b.generation) addCounts(b, state2, 1);
    }
    ns.clusters.set(c.name, c);
    store.clusters.add(c);
    store.byRegId.set(c.regId, c);
    if (c.token !== null) store.byToken.set(c.token, c);
    // The lease controller's clock starts now, as a restarted node-lifecycle controller's does:
    // downtime of the control plane is not held against the agents.
    if (c.phase === 'Ready') {
      c.leaseRenewedAt = now;
      sim.leases.touch(c);
    }
    if (c.regPending) sim.registrations.enqueue(c);
  }
  store.revision = Math.max(store.revision, state.revision);
  store.seq = Math.max(store.seq, state.seq);
  store.mutations = 0;
  return true;
}

export class StateSaver {
  private timer: NodeJS.Timeout | null = null;
  private savedAt = -1;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly path: string,
    private readonly sim: Sim,
    private readonly intervalSeconds: number,
  ) {}

  start(): void {
    this.savedAt = this.sim.store.mutations;
    this.timer = setInterval(() => {
      if (this.sim.store.mutations !== this.savedAt) void this.save().catch((err: unknown) => this.report(err));
    }, this.intervalSeconds * 1000);
    this.timer.unref();
  }

  async save(): Promise<void> {
    // One write at a time; a save requested meanwhile waits and writes the newer state.
    while (this.writing !== null) await this.writing;
    const mutations = this.sim.store.mutations;
    const tmp = `${this.path}.tmp-${process.pid}`;
    this.writing = (async () => {
      await writeFile(tmp, JSON.stringify(snapshot(this.sim)));
      await rename(tmp, this.path);
    })();
    try {
      await this.writing;
      this.savedAt = mutations;
    } finally {
      this.writing = null;
    }
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.save();
  }

  private report(err: unknown): void {
    process.stderr.write(`simulator: saving state to ${this.path} failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

// The SLIs as one table: everything else (the SliName type, the config schema and defaults, k6
// thresholds, ingest routing, Prometheus families, the target's server-side view, the verdict
// list) is derived from it. Adding an SLI is one row here plus the scenario code that emits it.
// Pure data: the runner imports it too, so it must not import any k6 module.

/** One SLI: what is measured, where the samples come from, and its default objective. */
export interface SliDef {
  name: string;
  description: string;
  /** The k6 metric judged (a Trend in milliseconds). */
  metric: string;
  /** For `http_req_duration`: the value of the `sli` tag that selects this SLI's calls. */
  tag?: string;
  /** Default objective: the percentile must be at or under thresholdMs. */
  objective: { percentile: number; thresholdMs: number };
  /** Samples in the warm-up window are left out (API latency, as clusterloader2 does). */
  warmupApplies: boolean;
  /**
   * Operations that never completed count as infinitely slow: `unregistered` makes every agent
   * of the plan that never registered a missing sample.
   */
  neverCompleted?: 'unregistered';
  /** Which calls of a server-side request histogram (by verb and scope) this SLI corresponds to. */
  server?: { verbs: readonly string[]; scope?: string };
  /** Sample tags carried as labels into this SLI's own Prometheus family (non-API SLIs). */
  labels?: readonly string[];
}

const MUTATING = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const SLIS = [
  {
    name: 'api-mutating',
    description: 'Mutating API calls (POST, PUT, PATCH, DELETE of one object)',
    metric: 'http_req_duration',
    tag: 'mutating',
    objective: { percentile: 99, thresholdMs: 1000 },
    warmupApplies: true,
    server: { verbs: MUTATING },
  },
  {
    name: 'api-read-resource',
    description: 'Read of one object (scope: resource)',
    metric: 'http_req_duration',
    tag: 'read-resource',
    objective: { percentile: 99, thresholdMs: 1000 },
    warmupApplies: true,
    server: { verbs: ['GET'], scope: 'resource' },
  },
  {
    name: 'api-read-namespace',
    description: 'List within a namespace (scope: namespace)',
    metric: 'http_req_duration',
    tag: 'read-namespace',
    objective: { percentile: 99, thresholdMs: 5000 },
    warmupApplies: true,
    server: { verbs: ['LIST'], scope: 'namespace' },
  },
  {
    name: 'api-read-cluster',
    description: 'List across the fleet (scope: cluster)',
    metric: 'http_req_duration',
    tag: 'read-cluster',
    objective: { percentile: 99, thresholdMs: 30_000 },
    warmupApplies: true,
    server: { verbs: ['LIST'], scope: 'cluster' },
  },
  {
    name: 'registration',
    description: 'Cluster registration: first register call to Ready',
    metric: 'fleet_registration_duration',
    objective: { percentile: 99, thresholdMs: 10_000 },
    warmupApplies: false,
    neverCompleted: 'unregistered',
    labels: ['kind'],
  },
  {
    name: 'distribution',
    description: 'Resource distribution: bundle created to the agent reporting it Ready',
    metric: 'fleet_distribution_duration',
    objective: { percentile: 99, thresholdMs: 2000 },
    warmupApplies: false,
  },
] as const satisfies readonly SliDef[];

export type SliName = (typeof SLIS)[number]['name'];

/** Value of the `sli` tag on http_req_duration; long polls (`none`) measure waiting, not serving. */
export type ApiSliTag = Extract<(typeof SLIS)[number], { tag: string }>['tag'] | 'none';

export type SliTable = readonly SliDef[];

/** The k6 metric, or tagged sub-metric, a threshold on this SLI names. */
export function k6MetricOf(def: SliDef): string {
  return def.tag === undefined ? def.metric : `${def.metric}{sli:${def.tag}}`;
}

/** Thresholds in k6's syntax for a hand-run script: every SLI of the table at its default objective. */
export function defaultThresholds(names: readonly SliName[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const def of SLIS) if ((names as readonly string[]).includes(def.name)) out[k6MetricOf(def)] = [`p(${def.objective.percentile})<=${def.objective.thresholdMs}`];
  return out;
}

/** An SLI's objective as the configuration holds it (k6.config.ts `slos`, profiles, --set). */
export interface SloSpec {
  /** Percentile judged, 0 < p <= 100. */
  percentile: number;
  /** The objective: the percentile must be at or under this many milliseconds. */
  thresholdMs: number;
  /** Whether samples inside the warm-up window count (API latency excludes them, as clusterloader2 does). */
  warmupApplies: boolean;
  description: string;
}

/** Each SLI's objective by name, as a plan or the configuration holds them. */
export type SloSet = Readonly<Record<string, SloSpec>>;

/** The table's default objectives, as the base configuration holds them. */
export function defaultSlos(): Record<SliName, SloSpec> {
  const out = {} as Record<SliName, SloSpec>;
  for (const d of SLIS) out[d.name] = { percentile: d.objective.percentile, thresholdMs: d.objective.thresholdMs, warmupApplies: d.warmupApplies, description: d.description };
  return out;
}

/** Names of the scenarios' other metrics: counters the runner reads for its counts and views. */
export const METRIC = {
  rollout: 'fleet_rollout_duration',
  registered: 'fleet_agents_registered',
  reregistered: 'fleet_agents_reregistered',
  registrationFailed: 'fleet_agents_failed',
  heartbeats: 'fleet_heartbeats',
  deploymentsReady: 'fleet_deployments_ready',
  deploymentsFailed: 'fleet_deployments_failed',
  backoffs: 'fleet_backoffs',
  rolloutsIncomplete: 'fleet_rollouts_incomplete',
  /** Agent lost (tag state=degraded) or regained (state=recovered) its heartbeat. */
  agentTransitions: 'fleet_agent_transitions',
} as const;

/** The metric name of a named SLI (the scenarios record registration and distribution by it). */
export function sliMetric(name: SliName): string {
  return SLIS.find((d) => d.name === name)!.metric;
}

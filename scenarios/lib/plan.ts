// The part of the resolved run configuration that the scenarios receive through __ENV
// (FLEETLOAD_PLAN, JSON). The runner derives it from k6.config.ts and the CLI flags; a script run
// by hand without it falls back to SMOKE_PLAN (smoke-plan.ts). Types only: k6.config.ts uses them.

export interface BackoffPlan {
  baseMs: number;
  maxMs: number;
  /** Fraction of each wait drawn at random (full jitter at 1). */
  jitter: number;
}

export interface AgentPlan {
  heartbeatIntervalS: number;
  /** Fraction of the interval by which each heartbeat is moved at random, e.g. 0.25 as OCM does. */
  heartbeatJitter: number;
  deployments: { mode: 'watch' | 'poll'; pollIntervalS: number; watchTimeoutS: number };
  nodesPerCluster: number;
  /** Send node health on its own interval (0 = piggy-back on every heartbeat). */
  healthIntervalS: number;
  namespaces: number;
  /** Label key → values; an agent takes values[index % values.length] for each key. */
  labels: Record<string, string[]>;
  /** Registrations started per second across the whole fleet. */
  registrationRatePerS: number;
  /** Longest an agent waits for Ready in one long poll. */
  registrationWaitS: number;
  backoff: BackoffPlan;
  /** Simulated apply time of a bundle payload, uniform in [min, max]. */
  applyMs: { min: number; max: number };
  /** Fraction of applies reported Failed. */
  applyFailureRate: number;
  /** Bytes of free text in each event, so the bytes on the wire are realistic. */
  eventMessageBytes: number;
}

export interface RolloutPlan {
  /** How many bundles the operator creates, one after another. */
  count: number;
  /** Seconds after the run's start of the first rollout. */
  startAfterS: number;
  /** Seconds between rollouts. */
  intervalS: number;
  /** Kubernetes-style selector string; '' targets every cluster of each namespace. */
  selector: string;
  payloadBytes: number;
  /** Longest the operator follows one rollout before counting it incomplete. */
  timeoutS: number;
}

export interface ApiLoadPlan {
  /** Requests per second per kind; 0 turns a kind off. */
  getPerS: number;
  listNamespacePerS: number;
  listClusterPerS: number;
  patchPerS: number;
  pageSize: number;
}

export interface ScenarioPlan {
  /** Name of the control-plane protocol in the registry (scenarios/protocols). */
  protocol: string;
  target: string;
  clusters: number;
  agentsPerVu: number;
  vus: number;
  durationS: number;
  /** Tokens of the reference control plane's auth scheme (see simulator/README.md). */
  registrationToken: string;
  operatorToken: string;
  agent: AgentPlan;
  rollout: RolloutPlan;
  apiLoad: ApiLoadPlan;
}

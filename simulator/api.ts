// The wire contract of the reference control plane (fleetload.sim/v1). Scenarios import these
// types only (erased at bundle time), the simulator implements them; simulator/README.md is the
// prose version. Timestamps are milliseconds since the Unix epoch (server clock).

export const API_VERSION = 'fleetload.sim/v1';

/** The simulator's tokens unless --registration-token / --operator-token say otherwise. */
export const DEFAULT_TOKENS = Object.freeze({ registration: 'fleetload-registration', operator: 'fleetload-operator' });

export interface InfoResponse {
  apiVersion: typeof API_VERSION;
  product: string;
  startedAt: number;
  /** Changes on every process start, so agents can tell a restart that lost state. */
  bootId: string;
}

export interface ErrorResponse {
  error: {
    /** Stable machine-readable code, e.g. `invalid_field`, `unauthorized`, `forbidden`, `not_found`, `overloaded`. */
    code: string;
    message: string;
    /** JSON path of the offending field, e.g. `labels.region` or `nodes[2].capacity.cpu`. */
    field?: string;
  };
}

export type ClusterPhase = 'Pending' | 'Ready' | 'Unknown';

export interface NodeHealth {
  name: string;
  conditions: Record<string, 'True' | 'False' | 'Unknown'>;
  capacity: { cpu: number; memoryBytes: number; pods: number };
  usage: { cpu: number; memoryBytes: number; pods: number };
}

export interface ClusterView {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  phase: ClusterPhase;
  createdAt: number;
  readyAt: number | null;
  lastHeartbeatAt: number | null;
  /** Monotonic object revision (resourceVersion). */
  revision: number;
}

/** POST /api/v1/registrations with the registration token. */
export interface RegistrationRequest {
  clusterName: string;
  namespace: string;
  labels?: Record<string, string>;
  /** Agent's own clock when it first tried to register, echoed back for latency on both sides. */
  requestedAt?: number;
}

/** 202 from POST /api/v1/registrations, and 200 from GET /api/v1/registrations/{id}. */
export interface RegistrationStatus {
  id: string;
  clusterName: string;
  namespace: string;
  phase: 'Pending' | 'Ready';
  createdAt: number;
  readyAt: number | null;
  /** Present once phase is Ready: the per-cluster bearer token for lease, health, events, deployments. */
  credentials?: { token: string };
}

/** PUT /api/v1/namespaces/{ns}/clusters/{name}/lease with the cluster token. */
export interface LeaseRenewal {
  /** Optional node health piggy-backed on the heartbeat, as many agents do. */
  nodes?: NodeHealth[];
}

export interface LeaseResponse {
  phase: ClusterPhase;
  leaseDurationSeconds: number;
  renewedAt: number;
}

/** POST /api/v1/namespaces/{ns}/clusters/{name}/health with the cluster token. */
export interface HealthReport {
  nodes: NodeHealth[];
}

export interface ClusterEvent {
  type: 'Normal' | 'Warning';
  reason: 'Applied' | 'Failed' | 'Drifted' | 'Registered' | 'Heartbeat' | string;
  message: string;
  bundle?: string;
  at?: number;
}

/** POST /api/v1/namespaces/{ns}/clusters/{name}/events with the cluster token. */
export interface EventsReport {
  events: ClusterEvent[];
}

export interface BundleDeployment {
  bundle: string;
  namespace: string;
  /** Bundle generation this deployment carries; increments on every bundle update. */
  generation: number;
  /** Server time the bundle generation was created: the start of distribution latency. */
  bundleCreatedAt: number;
  payload: string;
  /** Revision of the deployment object; watch `since` compares against it. */
  revision: number;
  state: DeploymentState | 'Pending';
}

/**
 * GET /api/v1/namespaces/{ns}/clusters/{name}/deployments[?watch=1&since=REV&timeoutSeconds=S]
 * With watch=1 the server holds the request until a deployment of this cluster has a revision
 * greater than `since`, or the timeout passes (then it answers 200 with the unchanged list).
 */
export interface DeploymentList {
  /** The highest revision among this cluster's deployments (0 if none): the next `since`. */
  revision: number;
  items: BundleDeployment[];
}

export type DeploymentState = 'Applied' | 'Ready' | 'Failed';

/** PUT /api/v1/namespaces/{ns}/clusters/{name}/deployments/{bundle}/status with the cluster token. */
export interface DeploymentStatusReport {
  generation: number;
  state: DeploymentState;
  /** Agent clock: when the payload was applied / became ready. */
  appliedAt?: number;
  readyAt?: number;
  message?: string;
}

export type LabelSelector = { matchLabels: Record<string, string> } | string;

/** POST /api/v1/namespaces/{ns}/bundles with the operator token. Targets clusters of that namespace. */
export interface BundleRequest {
  name: string;
  /** `{matchLabels}` or a Kubernetes selector string (`a=b,c!=d,e in (x,y)`); empty selects all. */
  selector?: LabelSelector;
  /** Payload to ship; or give `payloadBytes` to have the server generate one of that size. */
  payload?: string;
  payloadBytes?: number;
}

export interface BundleStatus {
  name: string;
  namespace: string;
  generation: number;
  createdAt: number;
  desired: number;
  applied: number;
  ready: number;
  failed: number;
  /** Server time each cluster reported Ready for the current generation (only with ?detail=1). */
  readyTimes?: Record<string, number>;
}

/** GET list responses (namespace and cluster scope) with pagination. */
export interface ClusterList {
  items: ClusterView[];
  /** Opaque token for the next page; absent on the last page. */
  continue?: string;
  /** Total matching the selector, across pages. */
  total: number;
}

/** PATCH /api/v1/namespaces/{ns}/clusters/{name} with the operator token: merge labels (null deletes). */
export interface ClusterPatch {
  labels: Record<string, string | null>;
}

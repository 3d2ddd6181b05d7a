// What a virtual agent and an operator need from a control plane. The reference implementation is
// fleetload-sim.ts (the simulator's protocol); to load your own control plane, write one file that
// implements this interface and pass it to the scenario functions (see the README).
import type { CallResult } from './http-types';
import type { AgentIdentity } from './identity';

export interface Credentials {
  token: string;
}

export interface Registration {
  id: string;
  /** Set once the control plane has issued the cluster's credentials. */
  credentials: Credentials | undefined;
}

export interface NodeReport {
  name: string;
  conditions: Record<string, 'True' | 'False' | 'Unknown'>;
  capacity: { cpu: number; memoryBytes: number; pods: number };
  usage: { cpu: number; memoryBytes: number; pods: number };
}

export interface Deployment {
  bundle: string;
  generation: number;
  /** Control-plane time the bundle generation was created: where distribution latency starts. */
  createdAt: number;
  payloadBytes: number;
}

export interface DeploymentPage {
  /** Pass back as `since` on the next watch. */
  revision: number;
  items: Deployment[];
}

export interface AgentEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  bundle?: string;
}

export interface RolloutProgress {
  desired: number;
  ready: number;
  failed: number;
}

export interface ClusterRef {
  namespace: string;
  name: string;
}

export interface ControlPlane {
  // Agent side: each call carries the agent's identity; 401 means "register again".
  register(agent: AgentIdentity): Promise<CallResult<Registration>>;
  awaitRegistration(agent: AgentIdentity, id: string, waitS: number): Promise<CallResult<Registration>>;
  heartbeat(agent: AgentIdentity, creds: Credentials, nodes: NodeReport[] | undefined): Promise<CallResult<unknown>>;
  reportHealth(agent: AgentIdentity, creds: Credentials, nodes: NodeReport[]): Promise<CallResult<unknown>>;
  sendEvents(agent: AgentIdentity, creds: Credentials, events: AgentEvent[]): Promise<CallResult<unknown>>;
  /** `watchS` 0 polls; otherwise the call may be held until something newer than `since` exists. */
  deployments(agent: AgentIdentity, creds: Credentials, since: number, watchS: number): Promise<CallResult<DeploymentPage>>;
  reportDeployment(agent: AgentIdentity, creds: Credentials, d: Deployment, state: 'Ready' | 'Failed', appliedAt: number, readyAt: number): Promise<CallResult<unknown>>;

  // Operator side.
  createBundle(namespace: string, name: string, selector: string, payloadBytes: number): Promise<CallResult<unknown>>;
  bundleProgress(namespace: string, name: string): Promise<CallResult<RolloutProgress>>;
  getCluster(ref: ClusterRef): Promise<CallResult<unknown>>;
  /** One page of a list; `namespace` undefined lists the whole fleet (cluster scope). */
  listClusters(namespace: string | undefined, selector: string, limit: number, cont: string | undefined): Promise<CallResult<{ next: string | undefined }>>;
  patchLabels(ref: ClusterRef, labels: Record<string, string | null>): Promise<CallResult<unknown>>;
}

// The Kubernetes API's wire shapes that this layer reads, types only. Only the fields an agent
// touches are declared: objects go back to the server as they came, unknown fields included.

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
}

/** Any object of the API: the layer needs its metadata, the caller knows the rest. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface KubeList<T> {
  apiVersion?: string;
  kind?: string;
  metadata?: ListMeta;
  items?: T[];
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** metav1.Status: the body of every API error, and of ERROR watch events. */
export interface Status {
  kind?: 'Status';
  apiVersion?: string;
  status?: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  code?: number;
  details?: StatusDetails;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** The event types an agent's handler sees: bookmarks and errors are the watch's own business. */
export type DeliveredEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject & Status;
}

/** coordination.k8s.io/v1 Lease: what a kubelet-like agent renews. */
export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** v1 Node, the parts a kubelet-like agent writes. */
export interface Node extends KubeObject {
  spec?: { podCIDR?: string; providerID?: string; unschedulable?: boolean };
  status?: {
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    conditions?: NodeCondition[];
    nodeInfo?: Record<string, string>;
    addresses?: { type: string; address: string }[];
  };
}

/** v1 Pod, the parts a kubelet-like agent reads and reports. */
export interface Pod extends KubeObject {
  spec?: { nodeName?: string; containers?: { name: string; image?: string }[]; automountServiceAccountToken?: boolean; terminationGracePeriodSeconds?: number };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    podIP?: string;
    startTime?: string;
    containerStatuses?: { name: string; ready: boolean; restartCount: number; state?: Record<string, unknown> }[];
  };
}

// Names of the SLI metrics and the tags that select them. Pure data: the runner imports it too,
// so it must not import any k6 module.
import type { ApiSliTag, SliName } from './plan';

export const METRIC = {
  registration: 'fleet_registration_duration',
  distribution: 'fleet_distribution_duration',
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

/** The k6 metric (or sub-metric, with its tag filter) each SLI is judged on. */
export const SLI_METRIC: Record<SliName, string> = {
  'api-mutating': 'http_req_duration{sli:mutating}',
  'api-read-resource': 'http_req_duration{sli:read-resource}',
  'api-read-namespace': 'http_req_duration{sli:read-namespace}',
  'api-read-cluster': 'http_req_duration{sli:read-cluster}',
  registration: METRIC.registration,
  distribution: METRIC.distribution,
};

/** Which API SLI an `sli` tag value feeds. Long polls (`none`) measure waiting, not serving. */
export const API_SLI_BY_TAG: Record<ApiSliTag, SliName | undefined> = {
  mutating: 'api-mutating',
  'read-resource': 'api-read-resource',
  'read-namespace': 'api-read-namespace',
  'read-cluster': 'api-read-cluster',
  none: undefined,
};

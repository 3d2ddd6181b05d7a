// The custom k6 metrics of the scenarios. Created in the init context, as k6 requires.
import { Counter, Trend } from 'k6/metrics';
import { METRIC, sliMetric } from './sli';

export const registrationDuration = new Trend(sliMetric('registration'), true);
export const distributionDuration = new Trend(sliMetric('distribution'), true);
export const rolloutDuration = new Trend(METRIC.rollout, true);
export const agentsRegistered = new Counter(METRIC.registered);
export const agentsReregistered = new Counter(METRIC.reregistered);
export const agentsFailed = new Counter(METRIC.registrationFailed);
export const heartbeats = new Counter(METRIC.heartbeats);
export const deploymentsReady = new Counter(METRIC.deploymentsReady);
export const deploymentsFailed = new Counter(METRIC.deploymentsFailed);
export const backoffs = new Counter(METRIC.backoffs);
export const rolloutsIncomplete = new Counter(METRIC.rolloutsIncomplete);
export const agentTransitions = new Counter(METRIC.agentTransitions);

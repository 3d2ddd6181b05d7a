// The effective plan, printed before any load: what will run, how hard it will push, and what it
// will cost in connections.
import type { RunPlan } from '../config/resolve';
import type { FdVerdict } from './fd-limit';

export interface RateEstimate {
  registrationsPerS: number;
  heartbeatsPerS: number;
  deploymentCallsPerS: number;
  healthPerS: number;
  apiLoadPerS: number;
  /** Steady state, after the fleet has registered. */
  totalPerS: number;
}

export function estimateRates(plan: RunPlan): RateEstimate {
  const { agent, apiLoad } = plan;
  const heartbeatsPerS = plan.clusters / agent.heartbeatIntervalS;
  const deploymentCallsPerS = plan.clusters / (agent.deployments.mode === 'watch' ? agent.deployments.watchTimeoutS : agent.deployments.pollIntervalS);
  const healthPerS = agent.healthIntervalS > 0 ? plan.clusters / agent.healthIntervalS : 0;
  const apiLoadPerS = apiLoad.getPerS + apiLoad.listNamespacePerS + apiLoad.listClusterPerS + apiLoad.patchPerS;
  return {
    registrationsPerS: Math.min(agent.registrationRatePerS, plan.clusters),
    heartbeatsPerS,
    deploymentCallsPerS,
    healthPerS,
    apiLoadPerS,
    totalPerS: heartbeatsPerS + deploymentCallsPerS + healthPerS + apiLoadPerS,
  };
}

const n = (v: number): string => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(v < 10 ? 1 : 0));

export function planText(plan: RunPlan, engine: string, target: string, fd: FdVerdict): string {
  const r = estimateRates(plan);
  const { agent, rollout } = plan;
  const registrationS = plan.clusters / agent.registrationRatePerS;
  const lines = [
    `plan ${plan.runId} (profile ${plan.profile}, release ${plan.release})`,
    `  fleet      ${plan.clusters.toLocaleString('en-US')} clusters in ${agent.namespaces} namespaces, ${agent.nodesPerCluster} nodes each`,
    `  engine     ${engine}: ${plan.vus} VUs with up to ${plan.agentsPerVu} agent${plan.agentsPerVu === 1 ? '' : 's'} each`,
    `  target     ${target}, protocol ${plan.protocol}`,
    `  duration   ${plan.durationS}s (SLO warm-up ${plan.sloWarmupS}s); registration at ${n(agent.registrationRatePerS)}/s takes about ${n(registrationS)}s`,
    `  requests   about ${n(r.totalPerS)}/s steady: heartbeats ${n(r.heartbeatsPerS)}/s, deployments ${agent.deployments.mode} ${n(r.deploymentCallsPerS)}/s, health ${n(r.healthPerS)}/s, API load ${n(r.apiLoadPerS)}/s`,
    `  rollouts   ${rollout.count} from ${rollout.startAfterS}s, every ${rollout.intervalS}s, selector ${rollout.selector === '' ? '(all)' : rollout.selector}`,
    `  sockets    about ${fd.needed.toLocaleString('en-US')} needed; limit ${fd.limit ? `${fd.limit.soft === Infinity ? 'unlimited' : fd.limit.soft.toLocaleString('en-US')}` : 'unknown'}`,
  ];
  return lines.join('\n');
}

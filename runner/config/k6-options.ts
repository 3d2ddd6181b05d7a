// The resolved plan as k6 `options`: one scenario per job (agents, operator rollouts, API load)
// and thresholds derived from the SLOs, so that real k6 judges them too. The scenarios read this
// object from __ENV.FLEETLOAD_OPTIONS, which makes the runner's plan the script's own options.
import { k6MetricOf, SLIS, type SliTable } from '../../scenarios/lib/sli';
import { formatK6Duration } from './duration';
import type { RunPlan } from './resolve';

export interface K6Scenario {
  executor: string;
  exec: string;
  startTime?: string;
  gracefulStop?: string;
  vus?: number;
  iterations?: number;
  maxDuration?: string;
  rate?: number;
  timeUnit?: string;
  duration?: string;
  preAllocatedVUs?: number;
  maxVUs?: number;
  tags?: Record<string, string>;
}

export interface K6Options {
  scenarios: Record<string, K6Scenario>;
  thresholds: Record<string, string[]>;
  summaryTrendStats: string[];
  setupTimeout?: string;
  /**
   * k6's default system tags include `url`: with 100,000 clusters that is 100,000 time series in
   * k6's memory. The `name` tag (the URL template) takes its place.
   */
  systemTags: string[];
  /**
   * k6 sizes each VU's idle connection pool from these (internal/js/runner.go: MaxIdleConns =
   * batch, MaxIdleConnsPerHost = batchPerHost; defaults 20 and 6). A VU runs many agents, each
   * holding a watch: with the defaults almost every connection is closed after use and dialled
   * again, which burns CPU and file descriptors (at 10,000 agents: "too many open files").
   */
  batch: number;
  batchPerHost: number;
  /** Only for a Kubernetes target whose kubeconfig or flag asks for it; k6 verifies by default. */
  insecureSkipTLSVerify?: boolean;
  /** The kubeconfig's client certificate, presented to the API server's host (k6's tlsAuth). */
  tlsAuth?: Array<{ domains: string[]; cert: string; key: string }>;
}

/**
 * What the runner reads of k6's system tags; every other tag lengthens each of the ~11 JSON lines
 * k6 writes per request, which k6 pays to write and the runner to read.
 */
export const SYSTEM_TAGS = ['status', 'method', 'name'];

/** With remote write, k6's own dashboards filter on these too (expected_response, scenario). */
export const REMOTE_WRITE_SYSTEM_TAGS = [...SYSTEM_TAGS, 'group', 'check', 'error', 'error_code', 'scenario', 'expected_response'];

/** Time an agent loop may take past its deadline to finish the request it is in. */
export const AGENT_GRACE_S = 15;

/** A rate per second as k6's (rate, timeUnit) pair, so that 0.2/s becomes 1 per 5 s. */
export function arrivalRate(perSecond: number): { rate: number; timeUnit: string } {
  if (perSecond >= 1) return { rate: Math.round(perSecond), timeUnit: '1s' };
  return { rate: 1, timeUnit: formatK6Duration(Math.round(1 / perSecond)) };
}

/**
 * Connections a VU keeps per host. Watching agents hold one each, plus room for heartbeats and
 * reports beside them; polling agents are rarely in flight, so a tenth of them is plenty. Real k6
 * keeps this many idle (and opens more when busy); the embedded engine never opens more, so that
 * 100,000 agents stay inside one process's file descriptors.
 */
export function idlePoolSize(agentsPerVu: number, mode: 'watch' | 'poll'): number {
  return mode === 'watch' ? agentsPerVu + Math.max(4, Math.ceil(agentsPerVu / 2)) : Math.max(8, Math.ceil(agentsPerVu / 10));
}

export function thresholdsFor(plan: Pick<RunPlan, 'slos'>, slis: SliTable = SLIS): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const def of slis) {
    const slo = (plan.slos as Readonly<Record<string, RunPlan['slos'][keyof RunPlan['slos']]>>)[def.name];
    if (!slo) continue;
    const p = Number.isInteger(slo.percentile) ? String(slo.percentile) : slo.percentile.toFixed(2).replace(/0+$/, '');
    out[k6MetricOf(def)] = [`p(${p})<=${slo.thresholdMs}`];
  }
  return out;
}

/**
 * A Kubernetes target's TLS as k6 options. The CA is not among them: real k6 (Go) takes extra roots
 * only from SSL_CERT_FILE, which the load stage sets (runner/pipeline/load.ts).
 */
export function tlsOptionsFor(plan: Pick<RunPlan, 'target' | 'credentials'>): Pick<K6Options, 'insecureSkipTLSVerify' | 'tlsAuth'> {
  const kube = plan.credentials.kube;
  if (kube === undefined || plan.target === undefined) return {};
  const out: Pick<K6Options, 'insecureSkipTLSVerify' | 'tlsAuth'> = {};
  if (kube.insecureSkipTlsVerify) out.insecureSkipTLSVerify = true;
  if (kube.clientCertPem !== undefined && kube.clientKeyPem !== undefined) {
    // k6 picks a tlsAuth entry by the request's host name, without the port or brackets.
    const host = new URL(plan.target).hostname.replace(/^\[|\]$/g, '');
    out.tlsAuth = [{ domains: [host], cert: kube.clientCertPem, key: kube.clientKeyPem }];
  }
  return out;
}

export function k6OptionsFor(plan: RunPlan): K6Options {
  const scenarios: Record<string, K6Scenario> = {
    agents: {
      executor: 'per-vu-iterations',
      exec: 'agents',
      vus: plan.vus,
      iterations: 1,
      // Every agent loop ends itself at durationS; maxDuration is only the backstop.
      maxDuration: formatK6Duration(plan.durationS + AGENT_GRACE_S),
      gracefulStop: '5s',
    },
  };
  const loadStart = plan.rollout.startAfterS;
  const loadWindow = plan.durationS - loadStart;
  if (plan.rollout.count > 0 && loadWindow > 0) {
    scenarios.rollout = {
      executor: 'per-vu-iterations',
      exec: 'rollout',
      vus: 1,
      iterations: 1,
      startTime: formatK6Duration(loadStart),
      maxDuration: formatK6Duration(loadWindow + AGENT_GRACE_S),
      gracefulStop: '5s',
    };
  }
  const kinds = [
    ['api-get', 'apiGet', plan.apiLoad.getPerS],
    ['api-list-namespace', 'apiListNamespace', plan.apiLoad.listNamespacePerS],
    ['api-list-cluster', 'apiListCluster', plan.apiLoad.listClusterPerS],
    ['api-patch', 'apiPatch', plan.apiLoad.patchPerS],
  ] as const;
  for (const [name, exec, perSecond] of kinds) {
    if (perSecond <= 0 || loadWindow <= 0) continue;
    scenarios[name] = {
      executor: 'constant-arrival-rate',
      exec,
      ...arrivalRate(perSecond),
      duration: formatK6Duration(loadWindow),
      startTime: formatK6Duration(loadStart),
      preAllocatedVUs: Math.max(1, Math.ceil(perSecond)),
      maxVUs: Math.max(2, Math.ceil(perSecond * 4)),
      gracefulStop: '10s',
    };
  }
  return {
    ...tlsOptionsFor(plan),
    scenarios,
    thresholds: thresholdsFor(plan),
    summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(99)', 'max', 'count'],
    setupTimeout: '60s',
    systemTags: plan.k6PrometheusRw === undefined ? SYSTEM_TAGS : REMOTE_WRITE_SYSTEM_TAGS,
    batch: idlePoolSize(plan.agentsPerVu, plan.agent.deployments.mode),
    batchPerHost: idlePoolSize(plan.agentsPerVu, plan.agent.deployments.mode),
  };
}

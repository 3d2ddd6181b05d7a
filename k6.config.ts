// fleetload's configuration: every default in one place. A run takes `base`, lays the chosen
// profile over it, then the CLI flags over that; runner/config validates the result (each error
// names its path, e.g. `profiles.nightly.agent.heartbeatIntervalS`) and turns it into k6 options.
// The SLIs and their default objectives are one table, scenarios/lib/sli.ts (numbers from
// ../shared/reference/slos.md: Kubernetes SIG-scalability and Karmada); `slos` here starts from it.
import type { AgentPlan, ApiLoadPlan, RolloutPlan } from './scenarios/lib/plan';
import { defaultSlos, type SliName, type SloSpec } from './scenarios/lib/sli';

export type { SloSpec } from './scenarios/lib/sli';

export interface BaseConfig {
  /** The control plane's protocol (scenarios/protocols); --protocol overrides it. */
  protocol: string;
  clusters: number;
  /** Run length as `30s`, `10m`, `1h`. */
  duration: string;
  /** Agents each VU runs (one scheduler per VU); 0 lets the runner choose from --clusters. */
  agentsPerVu: number;
  /** Samples in this first part of the run are left out of the API latency verdicts. */
  sloWarmup: string;
  agent: AgentPlan;
  rollout: RolloutPlan;
  apiLoad: ApiLoadPlan;
  slos: Record<SliName, SloSpec>;
  /** When the load generator counts as saturated: a breach then makes the run inconclusive, not failed. */
  generator: GeneratorHealthSpec;
}

export interface GeneratorHealthSpec {
  /** A 10 s window is unhealthy when the runner's event loop (the embedded engine's VUs) was held this long at P99. */
  maxEventLoopDelayMs: number;
  /** ... or when the engine used more than this share of the cores it can use (embedded: its threads; k6: the host's cores). */
  maxEngineCoreShare: number;
  /** ... or when the whole host was busier than this share: the generator then queues behind everything else. */
  maxHostBusy: number;
  /** The generator is saturated when more than this share of the windows was unhealthy. */
  maxUnhealthyShare: number;
  /** ... or when k6 dropped more iterations than this (arrival-rate executors that could not keep up). */
  maxDroppedIterations: number;
  /** ... or when a breached API SLI's client P99 exceeds the target's own server-side P99 by this much and this factor. */
  maxClientServerGapMs: number;
  minClientServerRatio: number;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

export interface ProfileSpec extends DeepPartial<BaseConfig> {
  description: string;
}

export const PROFILE_NAMES = ['smoke', 'nightly', 'scale-10k', 'scale-100k', 'scale-1m', 'kubelet'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface FleetloadConfig {
  defaultProfile: ProfileName;
  base: BaseConfig;
  profiles: Record<ProfileName, ProfileSpec>;
}

const config: FleetloadConfig = {
  defaultProfile: 'smoke',
  base: {
    protocol: 'fleetload-sim',
    clusters: 100,
    duration: '60s',
    agentsPerVu: 0,
    sloWarmup: '0s',
    agent: {
      // Kubernetes node leases renew every 10 s; OCM renews a 60 s lease with 25 % jitter.
      heartbeatIntervalS: 10,
      heartbeatJitter: 0.25,
      deployments: { mode: 'watch', pollIntervalS: 15, watchTimeoutS: 30 },
      nodesPerCluster: 3,
      healthIntervalS: 0,
      namespaces: 4,
      labels: { region: ['eu-west', 'us-east', 'ap-south', 'sa-east'], tier: ['edge', 'store', 'factory'] },
      registrationRatePerS: 500,
      registrationWaitS: 10,
      backoff: { baseMs: 500, maxMs: 30_000, jitter: 1 },
      applyMs: { min: 20, max: 200 },
      applyFailureRate: 0,
      eventMessageBytes: 120,
    },
    rollout: {
      count: 1,
      // 0 = as soon as the whole fleet should have registered (clusters / registration rate + 5 s).
      startAfterS: 0,
      intervalS: 15,
      selector: '',
      payloadBytes: 4096,
      timeoutS: 60,
    },
    apiLoad: { getPerS: 5, listNamespacePerS: 1, listClusterPerS: 0.2, patchPerS: 2, pageSize: 500 },
    slos: defaultSlos(),
    generator: {
      maxEventLoopDelayMs: 250,
      maxEngineCoreShare: 0.9,
      maxHostBusy: 0.95,
      maxUnhealthyShare: 0.1,
      maxDroppedIterations: 0,
      maxClientServerGapMs: 250,
      minClientServerRatio: 2,
    },
  },
  profiles: {
    smoke: { description: 'A minute with a hundred agents: does the path work at all?' },
    nightly: {
      description: 'The nightly CI job: 5,000 agents for 10 minutes, three rollouts, API load, SLOs judged after a 2-minute warm-up.',
      clusters: 5000,
      duration: '10m',
      sloWarmup: '2m',
      rollout: { count: 3, intervalS: 120, selector: '' },
    },
    'scale-10k': {
      description: '10,000 agents for 5 minutes with a 10 s heartbeat (1,000 renewals/s).',
      clusters: 10_000,
      duration: '5m',
      sloWarmup: '1m',
      rollout: { count: 2, intervalS: 60, selector: 'region=eu-west' },
    },
    'scale-100k': {
      description: '100,000 agents, OCM-like 60 s leases, registered at 1,000/s, polling like Fleet agents (a watch each would need 100,000 connections).',
      clusters: 100_000,
      duration: '5m',
      sloWarmup: '2m',
      agent: {
        heartbeatIntervalS: 60,
        registrationRatePerS: 1000,
        nodesPerCluster: 1,
        registrationWaitS: 30,
        deployments: { mode: 'poll', pollIntervalS: 60, watchTimeoutS: 30 },
      },
      rollout: { count: 1, selector: 'tier=edge', timeoutS: 90 },
      apiLoad: { listClusterPerS: 0.05 },
      // Polling agents see a bundle within one poll interval: 2 s needs a watch per agent.
      slos: { distribution: { thresholdMs: 90_000, description: 'Resource distribution with agents polling every 60 s: created to Ready within 1.5 intervals' } },
    },
    'scale-1m': {
      description: 'A million agents checking in like Fleet agents (every 5 min); needs several engine instances.',
      clusters: 1_000_000,
      duration: '30m',
      sloWarmup: '5m',
      agent: {
        heartbeatIntervalS: 300,
        registrationRatePerS: 2000,
        nodesPerCluster: 1,
        registrationWaitS: 60,
        deployments: { mode: 'poll', pollIntervalS: 300, watchTimeoutS: 30 },
      },
      rollout: { count: 1, selector: 'region=eu-west,tier=edge', timeoutS: 450 },
      apiLoad: { listClusterPerS: 0.01 },
      slos: { distribution: { thresholdMs: 450_000, description: 'Resource distribution with agents polling every 5 min: created to Ready within 1.5 intervals' } },
    },
    kubelet: {
      description: 'Kubelets against a Kubernetes API server (--kubeconfig): lease and node GET every 10 s, node status every 5 min, a pod watch each.',
      protocol: 'kubelet',
      agent: {
        // The kubelet's defaults: node lease 40 s renewed every 10 s with 4 % jitter
        // (nodeLeaseDurationSeconds × 0.25); nodeStatusReportFrequency 5 min.
        heartbeatIntervalS: 10,
        heartbeatJitter: 0.04,
        healthIntervalS: 300,
        // One agent is one node.
        nodesPerCluster: 1,
        // Kubelets join as their machines boot, not all in one second.
        registrationRatePerS: 100,
        deployments: { mode: 'watch', pollIntervalS: 15, watchTimeoutS: 30 },
      },
      rollout: { count: 1, selector: '', timeoutS: 60 },
    },
  },
};

export default config;

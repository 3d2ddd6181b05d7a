import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../../scenarios/lib/protocol';
import { PROTOCOLS } from '../../scenarios/protocols/index';
import config, { type FleetloadConfig } from '../../k6.config';
import { ConfigInvalid, UsageError } from '../errors';
import { k6OptionsFor, arrivalRate } from './k6-options';
import { chooseAgentsPerVu, deepMerge, resolvePlan, validateConfig, type RunFlags } from './resolve';

const NOW = new Date('2026-11-21T12:00:00Z');

describe('resolvePlan: profile plus flags', () => {
  const cases: Array<{ flags: RunFlags; clusters: number; durationS: number; vus: number; agentsPerVu: number; heartbeat: number; scenarios: string[] }> = [
    { flags: {}, clusters: 100, durationS: 60, vus: 100, agentsPerVu: 1, heartbeat: 10, scenarios: ['agents', 'rollout', 'api-get', 'api-list-namespace', 'api-list-cluster', 'api-patch'] },
    { flags: { clusters: '10000' }, clusters: 10_000, durationS: 60, vus: 200, agentsPerVu: 50, heartbeat: 10, scenarios: ['agents', 'rollout', 'api-get', 'api-list-namespace', 'api-list-cluster', 'api-patch'] },
    { flags: { clusters: '1000', duration: '30s', agentsPerVu: '100' }, clusters: 1000, durationS: 30, vus: 10, agentsPerVu: 100, heartbeat: 10, scenarios: ['agents', 'rollout', 'api-get', 'api-list-namespace', 'api-list-cluster', 'api-patch'] },
    { flags: { profile: 'scale-100k' }, clusters: 100_000, durationS: 300, vus: 200, agentsPerVu: 500, heartbeat: 60, scenarios: ['agents', 'rollout', 'api-get', 'api-list-namespace', 'api-list-cluster', 'api-patch'] },
    // Registration of 100,000 at 1,000/s takes 100 s: a 60 s run leaves no window for rollouts or API load.
    { flags: { profile: 'scale-100k', duration: '60s', sloWarmup: '0s' }, clusters: 100_000, durationS: 60, vus: 200, agentsPerVu: 500, heartbeat: 60, scenarios: ['agents'] },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.flags)} → ${c.clusters} clusters, ${c.vus}×${c.agentsPerVu}, scenarios ${c.scenarios.join(',')}`, () => {
      const plan = resolvePlan(config, c.flags, NOW);
      expect(plan.clusters).toBe(c.clusters);
      expect(plan.durationS).toBe(c.durationS);
      expect(plan.vus).toBe(c.vus);
      expect(plan.agentsPerVu).toBe(c.agentsPerVu);
      expect(plan.vus * plan.agentsPerVu).toBeGreaterThanOrEqual(plan.clusters);
      expect(plan.agent.heartbeatIntervalS).toBe(c.heartbeat);
      const options = k6OptionsFor(plan);
      expect(Object.keys(options.scenarios)).toEqual(c.scenarios);
      expect(options.scenarios.agents).toMatchObject({ executor: 'per-vu-iterations', vus: c.vus, iterations: 1, exec: 'agents' });
      expect(Object.isFrozen(plan.agent)).toBe(true);
      // A watching VU keeps a connection per agent alive instead of re-dialling (k6's batchPerHost).
      if (plan.agent.deployments.mode === 'watch') expect(options.batchPerHost).toBeGreaterThan(c.agentsPerVu);
      else expect(options.batchPerHost).toBeLessThan(c.agentsPerVu);
    });
  }

  it('derives one threshold per SLO from the SLO table', () => {
    const plan = resolvePlan(config, { profile: 'nightly' }, NOW);
    expect(k6OptionsFor(plan).thresholds).toEqual({
      'http_req_duration{sli:mutating}': ['p(99)<=1000'],
      'http_req_duration{sli:read-resource}': ['p(99)<=1000'],
      'http_req_duration{sli:read-namespace}': ['p(99)<=5000'],
      'http_req_duration{sli:read-cluster}': ['p(99)<=30000'],
      fleet_registration_duration: ['p(99)<=10000'],
      fleet_distribution_duration: ['p(99)<=2000'],
    });
    expect(plan.sloWarmupS).toBe(120);
  });

  it('starts rollouts once the fleet should have registered', () => {
    const plan = resolvePlan(config, { clusters: '5000' }, NOW);
    // 5,000 at 500/s = 10 s, plus 5 s.
    expect(plan.rollout.startAfterS).toBe(15);
    expect(k6OptionsFor(plan).scenarios.rollout?.startTime).toBe('15s');
  });

  it('turns fractional rates into k6 time units', () => {
    expect(arrivalRate(5)).toEqual({ rate: 5, timeUnit: '1s' });
    expect(arrivalRate(0.2)).toEqual({ rate: 1, timeUnit: '5s' });
  });

  it('keeps per-VU agent counts bounded', () => {
    expect(chooseAgentsPerVu(10, 0)).toBe(1);
    expect(chooseAgentsPerVu(1_000_000, 0)).toBe(5000);
    expect(chooseAgentsPerVu(10, 50)).toBe(10);
  });
});

describe('--set', () => {
  it('overrides any field, JSON values typed, strings as they are', () => {
    const plan = resolvePlan(config, { set: ['rollout.selector=region=eu-west', 'agent.heartbeatIntervalS=30', 'agent.deployments.mode=poll', 'agent.labels={"zone":["a","b"]}'] }, NOW);
    expect(plan.rollout.selector).toBe('region=eu-west');
    expect(plan.agent.heartbeatIntervalS).toBe(30);
    expect(plan.agent.deployments.mode).toBe('poll');
    expect(plan.agent.deployments.watchTimeoutS).toBe(30);
    // Objects merge key by key, as profiles do: the new label key joins the base's.
    expect(plan.agent.labels).toEqual({ ...config.base.agent.labels, zone: ['a', 'b'] });
  });

  it('names a wrong path or type by its --set path', () => {
    let caught: unknown;
    try {
      resolvePlan(config, { set: ['agent.heartbeatIntervalS=soon', 'agent.hartbeat=1'] }, NOW);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigInvalid);
    const issues = (caught as ConfigInvalid).issues;
    expect(issues).toContainEqual({ path: '--set agent.heartbeatIntervalS', message: 'expected a number, got "soon"' });
    expect(issues.map((i) => i.path)).toContain('--set agent.hartbeat');
  });

  it('refuses what is not path=value', () => {
    expect(() => resolvePlan(config, { set: ['=3'] }, NOW)).toThrow(UsageError);
  });
});

describe('resolvePlan: bad flags name the flag', () => {
  const bad: Array<[RunFlags, string]> = [
    [{ clusters: 'abc' }, '--clusters'],
    [{ clusters: '0' }, '--clusters'],
    [{ clusters: '1.5' }, '--clusters'],
    [{ duration: '-1s' }, '--duration'],
    [{ duration: '0s' }, '--duration'],
    [{ duration: 'soon' }, '--duration'],
    [{ target: 'not a url' }, '--target'],
    [{ target: 'ftp://127.0.0.1' }, '--target'],
    [{ engine: 'jmeter' }, '--engine'],
    [{ profile: 'huge' }, '--profile'],
    [{ metricsAddr: '9464' }, '--metrics-addr'],
    [{ runId: '../../etc' }, '--run-id'],
    [{ sloWarmup: '2m', duration: '1m' }, '--slo-warmup'],
    [{ profile: 'nightly', duration: '1m' }, 'sloWarmup (profile nightly)'],
  ];
  for (const [flags, name] of bad) {
    it(`${JSON.stringify(flags)} → ${name}`, () => {
      let caught: unknown;
      try {
        resolvePlan(config, flags, NOW);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(UsageError);
      expect((caught as UsageError).path).toBe(name);
      expect((caught as UsageError).exitCode).toBe(2);
    });
  }
});

describe('validateConfig: every problem with its path', () => {
  it('accepts the shipped config', () => {
    expect(validateConfig(config)).toEqual([]);
  });

  it('reports all problems at once, each with its path', () => {
    const broken = deepMerge<FleetloadConfig>(config, {
      base: { agent: { heartbeatIntervalS: -1, deployments: { mode: 'stream' }, labels: { 'bad key!': ['x'], region: [] } }, slos: { registration: { percentile: 101 } } },
      profiles: { nightly: { clusters: 'many', agnet: {} } },
    });
    const paths = validateConfig(broken).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'base.agent.heartbeatIntervalS',
        'base.agent.deployments.mode',
        'base.agent.labels.bad key!',
        'base.agent.labels.region',
        'base.slos.registration.percentile',
        'profiles.nightly.clusters',
        'profiles.nightly.agnet',
      ]),
    );
    expect(() => resolvePlan(broken, {}, NOW)).toThrow(ConfigInvalid);
  });

  it('suggests the field a typo meant', () => {
    const broken = deepMerge<FleetloadConfig>(config, { profiles: { smoke: { cluster: 5 } } });
    expect(validateConfig(broken)).toContainEqual({ path: 'profiles.smoke.cluster', message: 'unknown field; did you mean clusters?' });
  });
});

describe('resolvePlan: a Kubernetes target named by a kubeconfig', () => {
  const kubeProtocol: Protocol = {
    name: 'kube-test',
    description: 'a protocol that speaks to Kubernetes API servers',
    targetKind: 'kube',
    defaultCredentials: { registrationToken: 'bootstrap', operatorToken: 'never-used' },
    probe: () => Promise.resolve({ kind: 'ok', description: 'x' }),
    controlPlane: () => {
      throw new Error('not in these tests');
    },
  };
  const registry = PROTOCOLS.with(kubeProtocol);
  const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  function kubeconfig(user: Record<string, unknown>): string {
    const dir = mkdtempSync(join(tmpdir(), 'fleetload-resolve-kube-'));
    const file = join(dir, 'config');
    const doc = {
      clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority-data': Buffer.from(CA).toString('base64') } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    };
    writeFileSync(file, JSON.stringify(doc)); // JSON is YAML
    return file;
  }

  it('the kubeconfig gives the target, its CA and the operator token; registration keeps the protocol default', () => {
    const plan = resolvePlan(config, { protocol: 'kube-test', kubeconfig: kubeconfig({ token: 'kube-token' }) }, NOW, registry, {});
    expect(plan.target).toBe('https://10.0.0.1:6443');
    expect(plan.credentials).toEqual({ registrationToken: 'bootstrap', operatorToken: 'kube-token', kube: { caPem: CA, insecureSkipTlsVerify: false, context: 'ctx' } });
    expect(k6OptionsFor(plan).insecureSkipTLSVerify).toBeUndefined();
    expect(k6OptionsFor(plan).tlsAuth).toBeUndefined();
  });

  it('--operator-token replaces the kubeconfig token; a client certificate becomes k6 tlsAuth for the server host', () => {
    const file = kubeconfig({ 'client-certificate-data': Buffer.from('-----BEGIN CERTIFICATE-----\nc\n-----END CERTIFICATE-----\n').toString('base64'), 'client-key-data': Buffer.from('-----BEGIN EC PRIVATE KEY-----\nk\n-----END EC PRIVATE KEY-----\n').toString('base64') });
    const plan = resolvePlan(config, { protocol: 'kube-test', kubeconfig: file, operatorToken: 'flag', insecureSkipTlsVerify: true }, NOW, registry, {});
    expect(plan.credentials.operatorToken).toBe('flag');
    const options = k6OptionsFor(plan);
    expect(options.insecureSkipTLSVerify).toBe(true);
    expect(options.tlsAuth).toEqual([{ domains: ['10.0.0.1'], cert: expect.stringContaining('BEGIN CERTIFICATE'), key: expect.stringContaining('PRIVATE KEY') }]);
    // A certificate identity has no bearer token: the operator token is empty, not the protocol's default.
    expect(resolvePlan(config, { protocol: 'kube-test', kubeconfig: file }, NOW, registry, {}).credentials.operatorToken).toBe('');
  });

  it('without --kubeconfig a Kubernetes protocol reads KUBECONFIG', () => {
    const plan = resolvePlan(config, { protocol: 'kube-test' }, NOW, registry, { KUBECONFIG: kubeconfig({ token: 'from-env' }) });
    expect(plan.credentials.operatorToken).toBe('from-env');
  });

  it('fleetload-sim takes --target, not --kubeconfig (nor --context or --insecure-skip-tls-verify), and ignores KUBECONFIG', () => {
    const file = kubeconfig({ token: 't' });
    expect(() => resolvePlan(config, { kubeconfig: file }, NOW, registry, {})).toThrow(/^--kubeconfig: fleetload-sim takes --target, not --kubeconfig; pass --protocol with one that does \(kubelet, kube-test\); or give the target with --target URL$/);
    expect(() => resolvePlan(config, { context: 'ctx' }, NOW, PROTOCOLS, {})).toThrow(/^--context: fleetload-sim takes --target, not --kubeconfig \(--context goes with --kubeconfig\); pass --protocol with one that does \(kubelet\)/);
    expect(() => resolvePlan(config, { insecureSkipTlsVerify: true }, NOW, PROTOCOLS, {})).toThrow(/^--insecure-skip-tls-verify: fleetload-sim takes --target/);
    // An exported KUBECONFIG must not change a simulator run.
    expect(resolvePlan(config, {}, NOW, PROTOCOLS, { KUBECONFIG: file }).target).toBeUndefined();
  });

  it('a Kubernetes protocol refuses --target', () => {
    expect(() => resolvePlan(config, { protocol: 'kube-test', target: 'https://x:6443', kubeconfig: kubeconfig({ token: 't' }) }, NOW, registry, {})).toThrow(
      /^--target: protocol kube-test reaches a Kubernetes API server through a kubeconfig, not --target; pass --kubeconfig PATH/,
    );
  });
});

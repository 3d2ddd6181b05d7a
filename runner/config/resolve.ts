// base config ← profile ← CLI flags, validated up front (every problem with its path), then frozen.
import { randomBytes } from 'node:crypto';
import type { BaseConfig, FleetloadConfig, GeneratorHealthSpec, ProfileName } from '../../k6.config';
import { PROFILE_NAMES } from '../../k6.config';
import type { AgentPlan, ApiLoadPlan, RolloutPlan, ScenarioPlan } from '../../scenarios/lib/plan';
import type { Protocol, ProtocolRegistry, TargetSpec } from '../../scenarios/lib/protocol';
import type { SliName, SloSpec } from '../../scenarios/lib/sli';
import { PROTOCOLS } from '../../scenarios/protocols/index';
import { ConfigInvalid, UsageError } from '../errors';
import { resolveKubeTarget, type KubeTarget } from '../target/kubeconfig';
import { parseDurationSeconds } from './duration';
import { baseSchema, check, type Issue } from './schema';

export type EngineChoice = 'auto' | 'k6' | 'embedded';
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'k6', 'embedded'];

/** CLI flags as commander hands them over: strings, parsed and checked here. */
export interface RunFlags {
  clusters?: string;
  profile?: string;
  duration?: string;
  target?: string;
  protocol?: string;
  engine?: string;
  agentsPerVu?: string;
  metricsAddr?: string;
  metrics?: boolean;
  sloWarmup?: string;
  runId?: string;
  release?: string;
  reportsDir?: string;
  operatorToken?: string;
  registrationToken?: string;
  k6PrometheusRw?: string;
  /** A Kubernetes API server target (protocols with targetKind 'kube'): its kubeconfig, context, TLS. */
  kubeconfig?: string;
  context?: string;
  insecureSkipTlsVerify?: boolean;
  /** `path=value` overrides of any k6.config.ts field, e.g. `rollout.selector=region=eu-west`. */
  set?: string[];
}

/** The whole run, each value held once; the scenarios' part is derived by scenarioPlan(). */
export interface RunPlan {
  runId: string;
  release: string;
  profile: ProfileName;
  engine: EngineChoice;
  /** Name of the control-plane protocol (scenarios/protocols). */
  protocol: string;
  /** The user's control plane; undefined means the runner starts the simulator. */
  target: string | undefined;
  /**
   * Spread into the protocol's TargetSpec as they are: the tokens and, for a Kubernetes target, its
   * TLS trust and client certificate (`kube`).
   */
  credentials: { registrationToken: string; operatorToken: string; kube?: NonNullable<TargetSpec['kube']> };
  clusters: number;
  durationS: number;
  sloWarmupS: number;
  agentsPerVu: number;
  vus: number;
  agent: AgentPlan;
  /** startAfterS is resolved: 0 in the config becomes "once the fleet should have registered". */
  rollout: RolloutPlan;
  apiLoad: ApiLoadPlan;
  slos: Readonly<Record<SliName, SloSpec>>;
  generator: GeneratorHealthSpec;
  metrics: { enabled: boolean; host: string; port: number };
  /** Prometheus remote-write URL for real k6's own output (experimental-prometheus-rw). */
  k6PrometheusRw: string | undefined;
  reportsDir: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects merge key by key; lists and scalars replace (a profile's label values replace the base's). */
export function deepMerge<T>(base: T, over: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(over)) return (over === undefined ? base : over) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(out[k]) && isPlainObject(v) ? deepMerge(out[k], v) : v;
  }
  return out as T;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function flagInt(name: string, raw: string, min: number, max: number): number {
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name}`, `expected a whole number from ${min} to ${max.toLocaleString('en-US')}, got ${JSON.stringify(raw)}`, `for example --${name} ${min === 0 ? 0 : 1000}`);
  }
  return n;
}

function flagDuration(name: string, raw: string, allowZero: boolean): string {
  const s = parseDurationSeconds(raw);
  if (s === undefined || s < 0 || (!allowZero && s === 0)) {
    throw new UsageError(`--${name}`, `expected a ${allowZero ? '' : 'positive '}duration such as 30s, 5m or 1h, got ${JSON.stringify(raw)}`);
  }
  return raw.trim();
}

export function parseHttpUrl(flag: string, raw: string, example: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--${flag}`, `${JSON.stringify(raw)} is not a URL`, `give it as ${example}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--${flag}`, `only http:// and https:// URLs are supported, got ${url.protocol}`);
  }
  return url.toString().replace(/\/$/, '');
}

export function parseHostPort(flag: string, raw: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(raw.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65_535) throw new UsageError(`--${flag}`, `expected HOST:PORT such as 127.0.0.1:9464, got ${JSON.stringify(raw)}`);
  return { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port };
}

/**
 * `--set a.b.c=value`: the value is JSON when it parses as JSON (numbers, booleans, lists),
 * else a string. The schema check that follows names any wrong path or type.
 */
export function parseSets(sets: readonly string[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const raw of sets) {
    const eq = raw.indexOf('=');
    const path = eq > 0 ? raw.slice(0, eq).trim() : '';
    if (!/^[A-Za-z][\w-]*(\.[A-Za-z0-9][\w./-]*)*$/.test(path)) {
      throw new UsageError('--set', `expected path=value such as agent.heartbeatIntervalS=30, got ${JSON.stringify(raw)}`);
    }
    const text = raw.slice(eq + 1);
    let value: Json;
    try {
      value = JSON.parse(text) as Json;
    } catch {
      value = text;
    }
    const keys = path.split('.');
    let node = out;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      node = (typeof next === 'object' && next !== null && !Array.isArray(next) ? next : (node[key] = {})) as Record<string, Json>;
    }
    node[keys[keys.length - 1]!] = value;
  }
  return out;
}

/** Spreads agents over VUs: a few hundred VUs at most, since an agent is scheduled state, not a VU. */
export function chooseAgentsPerVu(clusters: number, requested: number): number {
  if (requested > 0) return Math.min(requested, clusters);
  return Math.max(1, Math.ceil(clusters / 200));
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

function profileOverrides(config: FleetloadConfig, name: ProfileName): Record<string, unknown> {
  const { description: _description, ...rest } = config.profiles[name];
  return rest;
}

/** Checks the whole config file: the base completely, each profile as a partial override. */
export function validateConfig(config: FleetloadConfig): Issue[] {
  const issues: Issue[] = [];
  const schema = baseSchema();
  check(schema, config.base, 'base', false, issues);
  if (!PROFILE_NAMES.includes(config.defaultProfile)) {
    issues.push({ path: 'defaultProfile', message: `expected one of ${PROFILE_NAMES.join(', ')}` });
  }
  for (const name of Object.keys(config.profiles)) {
    if (!(PROFILE_NAMES as readonly string[]).includes(name)) {
      issues.push({ path: `profiles.${name}`, message: `unknown profile; the profiles are ${PROFILE_NAMES.join(', ')}` });
      continue;
    }
    check(schema, profileOverrides(config, name as ProfileName), `profiles.${name}`, true, issues);
  }
  return issues;
}

/**
 * Which flags name the target follows from the protocol: a URL protocol takes --target, a
 * Kubernetes one a kubeconfig. KUBECONFIG and ~/.kube/config are read only for a Kubernetes
 * protocol: many shells export KUBECONFIG for other work, and it must not turn a simulator run
 * into an error, nor point one at a cluster.
 */
function kubeTargetFor(protocol: Protocol, flags: RunFlags, protocols: ProtocolRegistry, env: NodeJS.ProcessEnv): KubeTarget | undefined {
  if (protocol.targetKind !== 'kube') {
    const flag = flags.kubeconfig !== undefined ? '--kubeconfig' : flags.context !== undefined ? '--context' : flags.insecureSkipTlsVerify ? '--insecure-skip-tls-verify' : undefined;
    if (flag === undefined) return undefined;
    const kubeNames = protocols.names().filter((n) => protocols.get(n)?.targetKind === 'kube');
    const which = kubeNames.length > 0 ? `pass --protocol with one that does (${kubeNames.join(', ')})` : 'no registered protocol speaks to Kubernetes API servers yet';
    throw new UsageError(flag, `${protocol.name} takes --target, not --kubeconfig${flag === '--kubeconfig' ? '' : ` (${flag} goes with --kubeconfig)`}`, `${which}; or give the target with --target URL`);
  }
  if (flags.target !== undefined) {
    throw new UsageError('--target', `protocol ${protocol.name} reaches a Kubernetes API server through a kubeconfig, not --target`, 'pass --kubeconfig PATH (and --context NAME), or leave both out for KUBECONFIG or ~/.kube/config');
  }
  const kubeFlags: { kubeconfig?: string; context?: string; insecureSkipTlsVerify?: boolean } = {};
  if (flags.kubeconfig !== undefined) kubeFlags.kubeconfig = flags.kubeconfig;
  if (flags.context !== undefined) kubeFlags.context = flags.context;
  if (flags.insecureSkipTlsVerify) kubeFlags.insecureSkipTlsVerify = true;
  return resolveKubeTarget(kubeFlags, env);
}

export function resolvePlan(config: FleetloadConfig, flags: RunFlags, now = new Date(), protocols: ProtocolRegistry = PROTOCOLS, env: NodeJS.ProcessEnv = process.env): RunPlan {
  const configIssues = validateConfig(config);
  if (configIssues.length > 0) throw new ConfigInvalid(configIssues.map((i) => ({ path: `k6.config.ts: ${i.path}`, message: i.message })));

  const profile = (flags.profile ?? config.defaultProfile) as ProfileName;
  if (!PROFILE_NAMES.includes(profile)) {
    throw new UsageError('--profile', `unknown profile ${JSON.stringify(flags.profile)}`, `use one of ${PROFILE_NAMES.join(', ')}`);
  }
  const engine = (flags.engine ?? 'auto') as EngineChoice;
  if (!ENGINE_CHOICES.includes(engine)) {
    throw new UsageError('--engine', `unknown engine ${JSON.stringify(flags.engine)}`, `use one of ${ENGINE_CHOICES.join(', ')}`);
  }

  const fromFlags: Record<string, Json> = parseSets(flags.set ?? []);
  if (flags.clusters !== undefined) fromFlags.clusters = flagInt('clusters', flags.clusters, 1, 10_000_000);
  if (flags.duration !== undefined) fromFlags.duration = flagDuration('duration', flags.duration, false);
  if (flags.sloWarmup !== undefined) fromFlags.sloWarmup = flagDuration('slo-warmup', flags.sloWarmup, true);
  if (flags.agentsPerVu !== undefined) fromFlags.agentsPerVu = flagInt('agents-per-vu', flags.agentsPerVu, 1, 100_000);
  if (flags.protocol !== undefined) fromFlags.protocol = flags.protocol;
  const urlTarget = flags.target === undefined ? undefined : parseHttpUrl('target', flags.target, 'http://HOST:PORT');
  const k6PrometheusRw = flags.k6PrometheusRw === undefined ? undefined : parseHttpUrl('k6-prometheus-rw', flags.k6PrometheusRw, 'http://HOST:9090/api/v1/write');
  if (k6PrometheusRw !== undefined && engine === 'embedded') {
    throw new UsageError('--k6-prometheus-rw', 'is real k6\'s own output and needs --engine k6 (or auto with a k6 found)', 'with the embedded engine, have Prometheus scrape --metrics-addr instead');
  }
  const metricsAddr = flags.metricsAddr === undefined ? { host: '127.0.0.1', port: 9464 } : parseHostPort('metrics-addr', flags.metricsAddr);

  const merged = deepMerge<BaseConfig>(deepMerge<BaseConfig>(config.base, profileOverrides(config, profile)), fromFlags);
  const issues: Issue[] = [];
  check(baseSchema(), merged, '', false, issues);
  if (issues.length > 0) {
    const fromSet = (path: string): boolean => (flags.set ?? []).some((x) => x.startsWith(`${path}=`) || path.startsWith(`${x.split('=')[0]}.`));
    throw new ConfigInvalid(issues.map((i) => ({ path: fromSet(i.path) ? `--set ${i.path}` : `${profile} profile: ${i.path}`, message: i.message })));
  }

  const protocol = protocols.get(merged.protocol);
  if (!protocol) {
    const known = `the protocols are ${protocols.names().join(', ')}`;
    if (flags.protocol !== undefined) throw new UsageError('--protocol', `unknown protocol ${JSON.stringify(flags.protocol)}`, `use one of them: ${known}`);
    throw new ConfigInvalid([{ path: `${profile} profile: protocol`, message: `unknown protocol ${JSON.stringify(merged.protocol)}; ${known}` }]);
  }
  const kube = kubeTargetFor(protocol, flags, protocols, env);
  // A kube target's operator is the kubeconfig's identity: its token (empty when a client
  // certificate is the identity), never a protocol's default. Agents register with a bootstrap
  // token of the protocol's or the flag's, else with the same identity.
  const registrationToken = flags.registrationToken ?? protocol.defaultCredentials?.registrationToken ?? (kube ? (kube.token ?? '') : undefined);
  const operatorToken = flags.operatorToken ?? (kube ? (kube.token ?? '') : protocol.defaultCredentials?.operatorToken);
  if (registrationToken === undefined || operatorToken === undefined) {
    const flag = registrationToken === undefined ? '--registration-token' : '--operator-token';
    throw new UsageError(flag, `protocol ${protocol.name} has no default credentials`, `give the target's with ${flag} TOKEN`);
  }

  const durationS = parseDurationSeconds(merged.duration) ?? 0;
  const sloWarmupS = parseDurationSeconds(merged.sloWarmup) ?? 0;
  if (sloWarmupS >= durationS) {
    throw new UsageError(
      flags.sloWarmup !== undefined ? '--slo-warmup' : `sloWarmup (profile ${profile})`,
      `the warm-up (${sloWarmupS}s) must be shorter than the run (${durationS}s)`,
      'pass a shorter --slo-warmup (0s turns it off) or a longer --duration',
    );
  }
  if (merged.agent.backoff.maxMs < merged.agent.backoff.baseMs) {
    throw new ConfigInvalid([{ path: `${profile} profile: agent.backoff.maxMs`, message: 'must be at least agent.backoff.baseMs' }]);
  }
  if (merged.agent.applyMs.max < merged.agent.applyMs.min) {
    throw new ConfigInvalid([{ path: `${profile} profile: agent.applyMs.max`, message: 'must be at least agent.applyMs.min' }]);
  }

  const agentsPerVu = chooseAgentsPerVu(merged.clusters, merged.agentsPerVu);
  const vus = Math.ceil(merged.clusters / agentsPerVu);
  const registrationS = merged.clusters / merged.agent.registrationRatePerS;
  const rollout = { ...merged.rollout, startAfterS: merged.rollout.startAfterS > 0 ? merged.rollout.startAfterS : Math.ceil(registrationS + 5) };

  if (flags.runId !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(flags.runId)) {
    throw new UsageError('--run-id', `${JSON.stringify(flags.runId)} is not a usable name (it becomes a directory)`, 'use letters, digits, dot, dash and underscore, at most 100');
  }
  const plan: RunPlan = {
    runId: flags.runId ?? newRunId(now),
    release: flags.release ?? 'dev',
    profile,
    engine,
    protocol: protocol.name,
    target: kube?.server ?? urlTarget,
    credentials: { registrationToken, operatorToken, ...(kube ? { kube: kubeTls(kube) } : {}) },
    clusters: merged.clusters,
    durationS,
    sloWarmupS,
    agentsPerVu,
    vus,
    agent: merged.agent,
    rollout,
    apiLoad: merged.apiLoad,
    slos: merged.slos,
    generator: merged.generator,
    metrics: { enabled: flags.metrics !== false, ...metricsAddr },
    k6PrometheusRw,
    reportsDir: flags.reportsDir ?? 'reports',
  };
  return deepFreeze(plan);
}

function kubeTls(k: KubeTarget): NonNullable<TargetSpec['kube']> {
  const out: NonNullable<TargetSpec['kube']> = { insecureSkipTlsVerify: k.insecureSkipTlsVerify, context: k.contextName };
  if (k.caPem !== undefined) out.caPem = k.caPem;
  if (k.clientCertPem !== undefined) out.clientCertPem = k.clientCertPem;
  if (k.clientKeyPem !== undefined) out.clientKeyPem = k.clientKeyPem;
  return out;
}

/** What the scenarios get through __ENV (FLEETLOAD_PLAN), once the target's address is known. */
export function scenarioPlan(plan: RunPlan, targetUrl: string): ScenarioPlan {
  return {
    protocol: plan.protocol,
    target: targetUrl,
    clusters: plan.clusters,
    agentsPerVu: plan.agentsPerVu,
    vus: plan.vus,
    durationS: plan.durationS,
    registrationToken: plan.credentials.registrationToken,
    operatorToken: plan.credentials.operatorToken,
    agent: plan.agent,
    rollout: plan.rollout,
    apiLoad: plan.apiLoad,
  };
}

// A control-plane protocol: how agents and the operator talk to one kind of control plane. Each
// protocol is one module (scenarios/protocols/<name>.ts) registered by name in
// scenarios/protocols/index.ts. It never imports a k6 module: the HTTP transport is handed in, so
// the same module runs inside k6 (scenarios) and in Node (the runner's preflight probe).
import type { ControlPlane } from './control-plane';
import type { CallResult, CallTags } from './http-types';
import type { WatchSocketFactory } from './kube/sources';
import type { KubeTransport } from './kube/transport';

/** The one way a protocol sends a request: k6's http in scenarios, undici in the runner. */
export interface Transport {
  call<T>(url: string, token: string, tags: CallTags, body?: unknown, timeoutMs?: number): Promise<CallResult<T>>;
  /**
   * A raw request for the Kubernetes layer (scenarios/lib/kube): `call` cannot send PATCH content
   * types or hand back an error's Status body. Optional so that transports of protocols that do
   * not speak Kubernetes (test doubles, toys) need not grow it.
   */
  readonly request?: KubeTransport['request'];
  /** WebSockets for watches whose events must arrive as they happen; without it a watch long-polls. */
  readonly watchSockets?: WatchSocketFactory;
}

/** Where and as whom: the target's base URL and the credentials of this run. */
export interface TargetSpec {
  url: string;
  registrationToken: string;
  operatorToken: string;
  /**
   * TLS trust and client identity of a Kubernetes API server target (from a kubeconfig); absent
   * for a plain --target URL. The bearer token, if any, is operatorToken.
   */
  kube?: { caPem?: string; clientCertPem?: string; clientKeyPem?: string; insecureSkipTlsVerify: boolean; context?: string };
}

/**
 * What a real agent of a protocol's kind sends when idle, per agent per minute, and where the
 * target counts requests (a Prometheus counter by verb and resource), so that a run can set what
 * its agents sent, as the server counted it, beside the real agent's figures.
 */
export interface CallReference {
  path: string;
  family: string;
  /** Where the figures come from, for the report. */
  source: string;
  /** `resource` as `<resource>/<subresource>` for a subresource (`nodes/status`). */
  calls: readonly { what: string; verb: string; resource: string; perAgentPerMin: number }[];
}

/** What preflight learns from a probe, before any load. */
export type ProbeResult =
  | { kind: 'ok'; description: string }
  | { kind: 'unreachable'; detail: string }
  /** It answers, but not as this protocol's control plane. */
  | { kind: 'wrong-target'; detail: string }
  /** It is the right kind of target, but it rejected one of the run's credentials; `detail` says what it lacked (a 403's verb and resource). */
  | { kind: 'rejected-credentials'; credential: 'registration-token' | 'operator-token'; status: number; detail?: string };

export interface Protocol {
  readonly name: string;
  /** One line for --help and the plan. */
  readonly description: string;
  /** Credentials a run uses when no flag gives them (the simulator's defaults). */
  readonly defaultCredentials?: { registrationToken: string; operatorToken: string };
  /**
   * Where the target exports its own request-latency histogram (Prometheus text), so the report
   * can put the server-side P99 beside the agents' one. Its verb and scope labels are matched
   * against the SLI table's `server` field.
   */
  readonly serverMetrics?: { path: string; family: string; verbLabel: string; scopeLabel: string };
  /** A real agent's idle call rates, checked against the target's request counter after a run. */
  readonly callReference?: CallReference;
  /**
   * How a user names the target: 'url' (the default) with --target, 'kube' with a kubeconfig
   * (--kubeconfig, --context), whose server, CA and identity become the TargetSpec.
   */
  readonly targetKind?: 'url' | 'kube';
  /** Cheap, side-effect-free requests that tell whether the target speaks this protocol and takes the credentials. */
  probe(t: Transport, target: TargetSpec): Promise<ProbeResult>;
  controlPlane(t: Transport, target: TargetSpec): ControlPlane;
}

/** Protocols by name; a second module under a name already taken is refused. */
export class ProtocolRegistry {
  private readonly byName = new Map<string, Protocol>();

  constructor(protocols: readonly Protocol[] = []) {
    for (const p of protocols) this.register(p);
  }

  register(p: Protocol): this {
    if (this.byName.has(p.name)) throw new Error(`protocol ${JSON.stringify(p.name)} is registered twice`);
    this.byName.set(p.name, p);
    return this;
  }

  /** A new registry with these added: the default one stays as it is. */
  with(...more: Protocol[]): ProtocolRegistry {
    return new ProtocolRegistry([...this.byName.values(), ...more]);
  }

  get(name: string): Protocol | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}

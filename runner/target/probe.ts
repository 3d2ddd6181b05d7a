// Before any load: does the target answer, is it the kind of control plane the protocol talks to,
// and does it take the run's credentials? Each answer that stops the run is one line. A protocol
// that talks to Kubernetes API servers (targetKind 'kube') gets the generic Kubernetes probe
// first, so every such protocol names refused connections, TLS failures, 401 and 403 the same way.
import type { Protocol, ProbeResult, TargetSpec } from '../../scenarios/lib/protocol';
import { TargetError, UsageError } from '../errors';
import { kubeDescription, probeKube, type KubeProbe } from '../../scenarios/lib/kube/probe';
import { nodeTransportFor } from './node-transport';

function contextOf(target: TargetSpec): string {
  return target.kube?.context === undefined ? 'the kubeconfig' : `context "${target.kube.context}"`;
}

function anonymous(target: TargetSpec): boolean {
  return target.operatorToken === '' && target.kube?.clientCertPem === undefined;
}

/** Each way the generic Kubernetes probe can fail, as the one line the run stops with. */
export function kubeProbeError(p: Exclude<KubeProbe, { kind: 'ok' }>, target: TargetSpec, protocol: Protocol): TargetError | UsageError {
  const ctx = contextOf(target);
  switch (p.kind) {
    case 'unreachable':
      return new TargetError(`API server ${target.url} (${ctx}) is not reachable: ${p.problem}; ${p.fix}`);
    case 'not-kubernetes':
      return new TargetError(`${target.url} (${ctx}) is not a Kubernetes API server (${p.detail}), which protocol ${protocol.name} needs; check the server of ${ctx}, or pass --context with another`);
    case 'unauthorized': {
      return anonymous(target)
        ? new UsageError('--kubeconfig', `the user of ${ctx} has no token or client certificate, and the API server ${target.url} does not take anonymous requests (HTTP 401)`, 'give the user a token, tokenFile or client certificate, or pass --operator-token')
        : new UsageError('--kubeconfig', `the API server ${target.url} rejected the credential of ${ctx} (HTTP 401: ${p.detail}): the token is wrong or expired, or the client certificate is not signed by a CA it trusts`, 'refresh the token or certificate in the kubeconfig, or pass a valid token with --operator-token');
    }
    case 'forbidden': {
      if (anonymous(target)) {
        return new UsageError('--kubeconfig', `the user of ${ctx} has no token or client certificate, so the API server ${target.url} took the probe as anonymous and refused it (${p.verb} ${p.resource}: HTTP 403)`, 'give the user a token, tokenFile or client certificate, or pass --operator-token');
      }
      const path = p.resource.startsWith('/');
      const grant = path ? `a ClusterRole with nonResourceURLs: ["${p.resource}"], verbs: ["${p.verb}"]` : `a Role or ClusterRole with verbs: ["${p.verb}"] on ${p.resource}`;
      return new UsageError('--kubeconfig', `the identity of ${ctx} may not ${p.verb} ${p.resource} on ${target.url} (HTTP 403: ${p.detail})`, `bind it ${grant}, or pass --context with an identity that may`);
    }
  }
}

function protocolResult(r: Exclude<ProbeResult, { kind: 'ok' }>, protocol: Protocol, target: TargetSpec, registered: readonly string[]): TargetError | UsageError {
  const kube = protocol.targetKind === 'kube';
  switch (r.kind) {
    case 'unreachable':
      return new TargetError(
        kube
          ? `API server ${target.url} (${contextOf(target)}) is not reachable (${r.detail})`
          : `target ${target.url} is not reachable (${r.detail}); start it, or leave out --target to use the built-in simulator`,
      );
    case 'wrong-target': {
      const others = registered.filter((n) => n !== protocol.name);
      const hint = others.length > 0 ? `pass --protocol with one of ${others.join(', ')}` : 'pass --protocol NAME with a protocol registered in scenarios/protocols (see README: "Your own control plane")';
      return new TargetError(`target ${target.url} does not speak protocol ${protocol.name} (${protocol.description}): ${r.detail}; ${hint}`);
    }
    case 'rejected-credentials': {
      const detail = r.detail === undefined ? '' : `: ${r.detail}`;
      // A kube target's operator identity is the kubeconfig's (unless --operator-token replaced its token).
      if (kube && r.credential === 'operator-token') {
        return new UsageError('--kubeconfig', `the API server ${target.url} refused the identity of ${contextOf(target)} (HTTP ${r.status}${detail})`, r.status === 403 ? 'bind it a Role or ClusterRole that grants what it lacked, or pass --context with an identity that has it' : 'refresh the token or certificate in the kubeconfig, or pass --operator-token');
      }
      return new UsageError(`--${r.credential}`, `target ${target.url} rejected it (HTTP ${r.status}${detail})`, `pass the ${r.credential.replace('-', ' ')} the target expects`);
    }
  }
}

/** Returns what the target is, e.g. "fleetload-simulator fleetload.sim/v1"; throws otherwise. */
export async function probeTarget(protocol: Protocol, target: TargetSpec, registered: readonly string[]): Promise<string> {
  const transport = nodeTransportFor(target.kube);
  let kube = '';
  if (protocol.targetKind === 'kube') {
    const k = await probeKube(transport, target);
    if (k.kind !== 'ok') throw kubeProbeError(k, target, protocol);
    kube = `${kubeDescription(k)}, ${contextOf(target)}${target.kube?.insecureSkipTlsVerify ? ', TLS not verified' : ''}; `;
  }
  const r = await protocol.probe(transport, target);
  if (r.kind !== 'ok') throw protocolResult(r, protocol, target, registered);
  return `${kube}${r.description}`;
}

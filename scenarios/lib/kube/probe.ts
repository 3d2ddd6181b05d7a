// The generic preflight of a Kubernetes API server: is it reachable (and if not, refused or a TLS
// failure, with the fix), is it Kubernetes (GET /version, unauthenticated, for its gitVersion),
// does it take the run's credential (GET /api: 401 against 403), and may that identity do what
// the protocol needs (SelfSubjectAccessReviews). It uses only the Transport it is handed, so a
// protocol module can call it from its own probe() inside k6 as well as in Node.
import type { CallTags } from '../http-types';
import type { ProbeResult, TargetSpec, Transport } from '../protocol';

/** One right a protocol needs, as a SelfSubjectAccessReview's resourceAttributes. */
export interface KubeAccess {
  verb: string;
  resource: string;
  group?: string;
  namespace?: string;
  subresource?: string;
}

export type KubeProbe =
  | { kind: 'ok'; gitVersion: string; user: string | undefined }
  /** No HTTP answer: `problem` says what happened, `fix` what to do. */
  | { kind: 'unreachable'; tls: boolean; problem: string; fix: string }
  | { kind: 'not-kubernetes'; detail: string }
  /** The credential was not accepted (401). */
  | { kind: 'unauthorized'; detail: string }
  /** Authenticated, but not allowed: `verb` on `resource` (or a path for non-resource URLs). */
  | { kind: 'forbidden'; verb: string; resource: string; detail: string };

const tag = (verb: CallTags['verb'], resource: string, name: string): CallTags => ({ sli: 'none', verb, resource, scope: 'cluster', name });
const T = {
  version: tag('GET', 'version', 'GET /version'),
  api: tag('GET', 'api', 'GET /api'),
  whoami: tag('POST', 'selfsubjectreviews', 'POST /apis/authentication.k8s.io/v1/selfsubjectreviews'),
  access: tag('POST', 'selfsubjectaccessreviews', 'POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews'),
};

/**
 * Names a connection failure and its fix. Node reports OpenSSL's codes (UNABLE_TO_VERIFY_LEAF_SIGNATURE),
 * k6 Go's messages (x509: certificate signed by unknown authority); both are matched.
 */
export function describeConnectFailure(error: string, url: string): { tls: boolean; problem: string; fix: string } {
  const e = error.toLowerCase();
  const tlsFix = 'pass the CA in the kubeconfig (certificate-authority or certificate-authority-data) or --insecure-skip-tls-verify';
  if (/unable_to_verify_leaf_signature|unable_to_get_issuer_cert|self_signed_cert_in_chain|depth_zero_self_signed_cert|unknown authority|self.signed/.test(e)) {
    return { tls: true, problem: `certificate signed by unknown authority (${error})`, fix: tlsFix };
  }
  if (/altname|not valid for|hostname|ip address mismatch|doesn't contain any ip sans/.test(e)) {
    return { tls: true, problem: `the server's certificate is not for ${hostOf(url)} (${error})`, fix: 'use the server name the certificate was issued for in the kubeconfig, or --insecure-skip-tls-verify' };
  }
  if (/cert_has_expired|expired|not yet valid|cert_not_yet_valid/.test(e)) {
    return { tls: true, problem: `the server's certificate is expired or not yet valid (${error})`, fix: 'renew the server certificate, check this machine\'s clock, or --insecure-skip-tls-verify' };
  }
  if (/certificate_required|alert.*certificate|bad certificate|unknown ca|tlsv1 alert|ssl|tls|handshake|wrong version number/.test(e)) {
    return { tls: true, problem: `TLS handshake failed (${error})`, fix: 'check the client certificate and CA in the kubeconfig, and that the server speaks HTTPS at this address' };
  }
  if (/econnrefused|connection refused/.test(e)) return { tls: false, problem: `connection refused (${error})`, fix: 'start the API server, or check the server address in the kubeconfig' };
  if (/enotfound|eai_again|no such host/.test(e)) return { tls: false, problem: `unknown host ${hostOf(url)} (${error})`, fix: 'check the server address in the kubeconfig' };
  if (/timeout|timed out|etimedout/.test(e)) return { tls: false, problem: `no answer in time (${error})`, fix: 'check the server address, the network and any firewall between here and the API server' };
  return { tls: false, problem: error === '' ? 'no answer' : error, fix: 'check the server address in the kubeconfig and that the API server is up' };
}

function hostOf(url: string): string {
  const m = /^[a-z]+:\/\/([^/]+)/i.exec(url);
  return m?.[1] ?? url;
}

/** "nodes/status", "leases.coordination.k8s.io in namespace kube-node-lease" */
function resourceText(a: KubeAccess): string {
  return `${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.group ? `.${a.group}` : ''}${a.namespace ? ` in namespace ${a.namespace}` : ''}`;
}

export async function probeKube(t: Transport, target: TargetSpec, opts: { requires?: readonly KubeAccess[]; timeoutMs?: number } = {}): Promise<KubeProbe> {
  const timeout = opts.timeoutMs ?? 5000;
  const base = target.url.replace(/\/$/, '');
  const cred = target.operatorToken;

  // Unauthenticated first: reachability and the version need no rights on most clusters
  // (system:public-info-viewer); where anonymous auth is off, ask again with the credential.
  let version = await t.call<{ gitVersion?: unknown }>(`${base}/version`, '', T.version, undefined, timeout);
  if (version.status === 0) return { kind: 'unreachable', ...describeConnectFailure(version.error, base) };
  if ((version.status === 401 || version.status === 403) && cred !== '') version = await t.call<{ gitVersion?: unknown }>(`${base}/version`, cred, T.version, undefined, timeout);
  if (version.status === 401) return { kind: 'unauthorized', detail: 'GET /version answered 401' };
  if (version.status === 403) return { kind: 'forbidden', verb: 'get', resource: '/version', detail: 'GET /version answered 403' };
  const gitVersion = version.body?.gitVersion;
  if (version.status < 200 || version.status >= 300 || typeof gitVersion !== 'string') {
    return { kind: 'not-kubernetes', detail: version.status >= 200 && version.status < 300 ? 'GET /version answered without a gitVersion' : `GET /version answered ${version.status}` };
  }

  // Discovery is granted to every authenticated identity (system:discovery), so a 403 here means
  // the API server took the request as anonymous or the cluster is locked down.
  const api = await t.call<{ kind?: unknown }>(`${base}/api`, cred, T.api, undefined, timeout);
  if (api.status === 0) return { kind: 'unreachable', ...describeConnectFailure(api.error, base) };
  if (api.status === 401) return { kind: 'unauthorized', detail: 'GET /api answered 401' };
  if (api.status === 403) return { kind: 'forbidden', verb: 'get', resource: '/api', detail: 'GET /api answered 403' };
  if (api.status < 200 || api.status >= 300 || api.body?.kind !== 'APIVersions') return { kind: 'not-kubernetes', detail: `GET /api answered ${api.status}${api.body === undefined ? '' : ' without kind APIVersions'}` };

  // Who the server thinks we are, for the target line; GA from Kubernetes 1.28, so a 404 is fine.
  const who = await t.call<{ status?: { userInfo?: { username?: unknown } } }>(
    `${base}/apis/authentication.k8s.io/v1/selfsubjectreviews`,
    cred,
    T.whoami,
    { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    timeout,
  );
  if (who.status === 401) return { kind: 'unauthorized', detail: 'POST selfsubjectreviews answered 401' };
  const username = who.body?.status?.userInfo?.username;
  const user = typeof username === 'string' ? username : undefined;

  for (const access of opts.requires ?? []) {
    const attrs: Record<string, string> = { verb: access.verb, resource: access.resource };
    if (access.group !== undefined) attrs.group = access.group;
    if (access.namespace !== undefined) attrs.namespace = access.namespace;
    if (access.subresource !== undefined) attrs.subresource = access.subresource;
    const r = await t.call<{ status?: { allowed?: unknown; reason?: unknown } }>(
      `${base}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`,
      cred,
      T.access,
      { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: attrs } },
      timeout,
    );
    if (r.status === 0) return { kind: 'unreachable', ...describeConnectFailure(r.error, base) };
    if (r.status === 401) return { kind: 'unauthorized', detail: 'POST selfsubjectaccessreviews answered 401' };
    if (r.status === 403) return { kind: 'forbidden', verb: 'create', resource: 'selfsubjectaccessreviews.authorization.k8s.io', detail: 'needed to check the other rights' };
    if (r.status < 200 || r.status >= 300 || r.body?.status === undefined) return { kind: 'not-kubernetes', detail: `POST selfsubjectaccessreviews answered ${r.status}` };
    if (r.body.status.allowed !== true) {
      const reason = typeof r.body.status.reason === 'string' && r.body.status.reason !== '' ? `: ${r.body.status.reason}` : '';
      return { kind: 'forbidden', verb: access.verb, resource: resourceText(access), detail: `SelfSubjectAccessReview denied${reason}` };
    }
  }
  return { kind: 'ok', gitVersion, user };
}

/** One line naming what the probe found, for the target line: "Kubernetes v1.31.0 as alice". */
export function kubeDescription(p: Extract<KubeProbe, { kind: 'ok' }>): string {
  return `Kubernetes ${p.gitVersion}${p.user === undefined ? '' : ` as ${p.user}`}`;
}

/** The probe as a protocol's ProbeResult, for a protocol's own probe() that calls probeKube. */
export function kubeProbeResult(p: KubeProbe): ProbeResult {
  switch (p.kind) {
    case 'ok':
      return { kind: 'ok', description: kubeDescription(p) };
    case 'unreachable':
      return { kind: 'unreachable', detail: `${p.problem}: ${p.fix}` };
    case 'not-kubernetes':
      return { kind: 'wrong-target', detail: `not a Kubernetes API server: ${p.detail}` };
    case 'unauthorized':
      return { kind: 'rejected-credentials', credential: 'operator-token', status: 401, detail: p.detail };
    case 'forbidden':
      return { kind: 'rejected-credentials', credential: 'operator-token', status: 403, detail: `may not ${p.verb} ${p.resource} (${p.detail})` };
  }
}

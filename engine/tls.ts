// TLS settings of the engine's clients, taken from k6's options and environment as real k6 takes
// them, so that a target whose certificate real k6 accepts is accepted here too, and no other.
// One function for every client of the engine (k6/http and k6/websockets): one place decides.
import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

/** What the options and the environment ask of a connection to one host. */
export interface TlsSettings {
  /** Extra trusted roots in PEM (SSL_CERT_FILE's content); absent: the default roots only. */
  ca?: string;
  rejectUnauthorized: boolean;
  /** Client certificate and key (k6's tlsAuth), PEM. */
  cert?: string;
  key?: string;
}

/** What Node's tls.connect (and ws, undici's connector) take. */
export interface TlsConnectOptions {
  rejectUnauthorized: boolean;
  /** Absent: Node's default context (its bundled roots, no client certificate). */
  secureContext?: SecureContext;
}

/** One entry of k6's `tlsAuth` option. */
interface TlsAuthEntry {
  domains: string[];
  cert: string;
  key: string;
}

function tlsAuthEntries(raw: unknown): TlsAuthEntry[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new Error('tlsAuth must be a list of { domains, cert, key }');
  return raw.map((e: unknown, i): TlsAuthEntry => {
    const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
    if (typeof o.cert !== 'string' || typeof o.key !== 'string') throw new Error(`tlsAuth[${i}] needs cert and key (PEM strings)`);
    if (o.password !== undefined && o.password !== '') throw new Error(`tlsAuth[${i}]: encrypted keys (password) are not supported by the embedded engine`);
    const domains = Array.isArray(o.domains) ? o.domains.map((d) => String(d).toLowerCase()) : [];
    return { domains, cert: o.cert, key: o.key };
  });
}

/**
 * Whether a tlsAuth entry is meant for `host`: a listed name, or a listed wildcard for one label
 * (`*.example.com`), as Go picks a certificate by name; an entry without domains serves any host.
 */
function serves(entry: TlsAuthEntry, host: string): boolean {
  if (entry.domains.length === 0) return true;
  const name = host.toLowerCase().replace(/\.+$/, '');
  if (entry.domains.includes(name)) return true;
  const dot = name.indexOf('.');
  return dot > 0 && entry.domains.includes(`*${name.slice(dot)}`);
}

/**
 * TLS options for a connection to `host` under the test's k6 options: `insecureSkipTLSVerify`
 * turns verification off; `SSL_CERT_FILE` names roots to trust besides the system's ones (Go, and
 * so real k6, reads that file instead of the default bundle file but still reads the default
 * certificate directories, so public roots keep working); `tlsAuth` gives a client certificate, the first
 * entry whose domains name the host (any entry's when no host is given).
 */
export function tlsSettings(testOptions: Readonly<Record<string, unknown>>, host?: string, env: NodeJS.ProcessEnv = process.env): TlsSettings {
  const out: TlsSettings = { rejectUnauthorized: testOptions.insecureSkipTLSVerify !== true };
  const caFile = env.SSL_CERT_FILE;
  if (caFile !== undefined && caFile !== '') {
    try {
      out.ca = readFileSync(caFile, 'utf8');
    } catch (err) {
      throw new Error(`SSL_CERT_FILE=${caFile} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const auth = tlsAuthEntries(testOptions.tlsAuth).find((e) => host === undefined || serves(e, host));
  if (auth !== undefined) {
    out.cert = auth.cert;
    out.key = auth.key;
  }
  return out;
}

/**
 * Contexts by their PEM inputs, made once per process: a context parses every root certificate,
 * milliseconds each time, and a tls.connect given `ca` or `cert` makes a new one per connection,
 * which with hundreds of agents opening connections and watches at once held the engine's
 * thread for seconds.
 */
const contexts = new Map<string, SecureContext>();

function contextFor(s: TlsSettings): SecureContext {
  const key = `${s.ca ?? ''}\0${s.cert ?? ''}\0${s.key ?? ''}`;
  let c = contexts.get(key);
  if (c === undefined) {
    c = createSecureContext({ ca: s.ca === undefined ? undefined : [...rootCertificates, s.ca], cert: s.cert, key: s.key });
    contexts.set(key, c);
  }
  return c;
}

/** tls.connect options for a connection to `host`: tlsSettings with one shared context per set of PEMs. */
export function tlsConnectOptions(testOptions: Readonly<Record<string, unknown>>, host?: string, env: NodeJS.ProcessEnv = process.env): TlsConnectOptions {
  const s = tlsSettings(testOptions, host, env);
  if (s.ca === undefined && s.cert === undefined) return { rejectUnauthorized: s.rejectUnauthorized };
  return { rejectUnauthorized: s.rejectUnauthorized, secureContext: contextFor(s) };
}

// A Kubernetes API server named the way kubectl users name one: a kubeconfig (--kubeconfig, else
// the KUBECONFIG list, else ~/.kube/config) and a context in it. Resolved here, once, into the
// server, its CA and the identity the run uses; every bad input is one UsageError naming the flag.
// kubectl's rules are followed where they matter: KUBECONFIG files are merged with the first
// definition of a name winning, missing files in that list are skipped, relative paths resolve
// against the directory of the file that holds them, and *-data beats the file path.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '../errors';

export interface KubeTarget {
  /** The API server's base URL, without a trailing slash. */
  server: string;
  caPem?: string;
  /** Bearer token (token, or the contents of tokenFile). */
  token?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  insecureSkipTlsVerify: boolean;
  contextName: string;
  /** Where it came from, for messages: the file, or the KUBECONFIG list. */
  source: string;
}

export interface KubeconfigFlags {
  kubeconfig?: string;
  context?: string;
  insecureSkipTlsVerify?: boolean;
}

type Entry = Record<string, unknown>;
interface Named {
  value: Entry;
  /** Directory of the file that defined it: relative paths in it resolve there. */
  dir: string;
  file: string;
}

interface Merged {
  clusters: Map<string, Named>;
  users: Map<string, Named>;
  contexts: Map<string, Named>;
  currentContext: string | undefined;
}

/** The files to read, the flag a problem with them is reported under, and how to name them. */
export function kubeconfigFiles(flags: KubeconfigFlags, env: NodeJS.ProcessEnv = process.env): { files: string[]; flag: string; source: string } {
  if (flags.kubeconfig !== undefined) {
    const file = resolve(flags.kubeconfig);
    return { files: [file], flag: '--kubeconfig', source: file };
  }
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
  if (list.length > 0) return { files: list.map((f) => resolve(f)), flag: 'KUBECONFIG', source: `KUBECONFIG=${env.KUBECONFIG ?? ''}` };
  const file = join(env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir(), '.kube', 'config');
  return { files: [file], flag: '--kubeconfig', source: file };
}

function isEntry(v: unknown): v is Entry {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(e: Entry, key: string): string | undefined {
  const v = e[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function readKubeconfig(file: string, flag: string): Entry {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(flag, `cannot read ${file} (${code === 'ENOENT' ? 'no such file' : (code ?? String(err))})`, 'pass the path of an existing kubeconfig with --kubeconfig PATH');
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new UsageError(flag, `${file} is not valid YAML (${first})`, 'pass a kubeconfig such as kubectl writes');
  }
  if (doc === null || doc === undefined) return {};
  if (!isEntry(doc)) throw new UsageError(flag, `${file} is not a kubeconfig (its top level is not a mapping)`, 'pass a kubeconfig such as kubectl writes');
  return doc;
}

/** kubectl's merge: the first file that defines a name (or current-context) wins. */
function merge(files: readonly string[], flag: string): Merged {
  const m: Merged = { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: undefined };
  for (const file of files) {
    const doc = readKubeconfig(file, flag);
    const dir = dirname(file);
    for (const [list, key, into] of [['clusters', 'cluster', m.clusters], ['users', 'user', m.users], ['contexts', 'context', m.contexts]] as const) {
      const items = doc[list];
      if (items === undefined || items === null) continue;
      if (!Array.isArray(items)) throw new UsageError(flag, `${file}: ${list} is not a list`, 'pass a kubeconfig such as kubectl writes');
      for (const item of items as unknown[]) {
        if (!isEntry(item) || typeof item.name !== 'string') throw new UsageError(flag, `${file}: an entry of ${list} has no name`, 'pass a kubeconfig such as kubectl writes');
        if (into.has(item.name)) continue;
        into.set(item.name, { value: isEntry(item[key]) ? item[key] : {}, dir, file });
      }
    }
    m.currentContext ??= str(doc, 'current-context');
  }
  return m;
}

function pemFrom(named: Named, dataKey: string, fileKey: string, flag: string, what: string): string | undefined {
  const data = str(named.value, dataKey);
  if (data !== undefined) {
    const pem = Buffer.from(data, 'base64').toString('utf8');
    if (!pem.includes('-----BEGIN')) throw new UsageError(flag, `${what}: ${dataKey} in ${named.file} is not base64 of a PEM block`, `fix it, or give a file with ${fileKey}`);
    return pem;
  }
  const path = str(named.value, fileKey);
  if (path === undefined) return undefined;
  const full = isAbsolute(path) ? path : resolve(named.dir, path);
  try {
    return readFileSync(full, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(flag, `${what}: ${fileKey} ${full} (from ${named.file}) cannot be read (${code === 'ENOENT' ? 'no such file' : (code ?? String(err))})`, `fix the path in the kubeconfig, or embed the file with ${dataKey}`);
  }
}

function serverUrl(raw: string | undefined, clusterName: string, file: string, flag: string): string {
  if (raw === undefined) throw new UsageError(flag, `cluster "${clusterName}" in ${file} has no server`, 'give it a server: https://HOST:PORT');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(flag, `cluster "${clusterName}" in ${file}: server ${JSON.stringify(raw)} is not a URL`, 'give it as https://HOST:PORT');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(flag, `cluster "${clusterName}" in ${file}: server ${raw} is not http(s)`, 'give it as https://HOST:PORT');
  return url.toString().replace(/\/$/, '');
}

/**
 * From the flags and the environment to the target. Throws a UsageError (exit 2) for a missing
 * file, a missing context, a context naming a missing cluster or user, and an identity fleetload
 * cannot present (exec and auth-provider plugins, basic auth).
 */
export function resolveKubeTarget(flags: KubeconfigFlags, env: NodeJS.ProcessEnv = process.env): KubeTarget {
  const { files, flag, source } = kubeconfigFiles(flags, env);
  // kubectl skips the KUBECONFIG entries that do not exist; an explicit file must exist.
  const present = flag === 'KUBECONFIG' ? files.filter((f) => existsSync(f)) : files;
  if (present.length === 0) throw new UsageError('KUBECONFIG', `none of its files exists (${env.KUBECONFIG ?? ''})`, 'fix KUBECONFIG, or pass --kubeconfig PATH');
  if (flags.kubeconfig === undefined && flag === '--kubeconfig' && !existsSync(files[0]!)) {
    throw new UsageError('--kubeconfig', `no kubeconfig given: KUBECONFIG is not set and ${files[0]} does not exist`, 'pass --kubeconfig PATH');
  }
  const m = merge(present, flag);
  const where = present.length === 1 ? present[0]! : `the KUBECONFIG files (${present.join(', ')})`;

  const contextName = flags.context ?? m.currentContext;
  const known = [...m.contexts.keys()];
  const knownText = known.length > 0 ? `its contexts are ${known.join(', ')}` : 'it has no contexts';
  if (contextName === undefined) throw new UsageError('--context', `${where} has no current-context`, `pass --context NAME (${knownText})`);
  const ctx = m.contexts.get(contextName);
  if (!ctx) {
    const path = flags.context !== undefined ? '--context' : flag;
    throw new UsageError(path, `context "${contextName}" is not in ${where}`, `pass --context with one of them (${knownText})`);
  }
  const clusterName = str(ctx.value, 'cluster');
  const cluster = clusterName === undefined ? undefined : m.clusters.get(clusterName);
  if (clusterName === undefined || !cluster) {
    throw new UsageError(flag, `context "${contextName}" names cluster ${clusterName === undefined ? '(none)' : `"${clusterName}"`}, which is not in ${where}`, 'add the cluster to the kubeconfig, or pass --context with another context');
  }
  const userName = str(ctx.value, 'user');
  const user = userName === undefined ? undefined : m.users.get(userName);
  if (userName !== undefined && !user) {
    throw new UsageError(flag, `context "${contextName}" names user "${userName}", which is not in ${where}`, 'add the user to the kubeconfig, or pass --context with another context');
  }

  const userWhat = `user "${userName ?? ''}" of context "${contextName}"`;
  if (user) {
    // Half-supporting a plugin (running it once, never refreshing) would fail mid-run; refuse now.
    for (const [key, what] of [['exec', 'an exec plugin'], ['auth-provider', 'an auth-provider plugin']] as const) {
      const plugin = user.value[key];
      if (plugin === undefined || plugin === null) continue;
      const name = isEntry(plugin) ? (str(plugin, 'command') ?? str(plugin, 'name')) : undefined;
      throw new UsageError(flag, `${userWhat} authenticates with ${what}${name ? ` (${name})` : ''}, which fleetload does not support yet`, 'use a context whose user has a token, tokenFile or client certificate (e.g. a service account token from kubectl create token NAME), or pass --operator-token');
    }
    if (str(user.value, 'username') !== undefined || str(user.value, 'password') !== undefined) {
      throw new UsageError(flag, `${userWhat} uses basic auth (username/password), which fleetload does not support`, 'use a context whose user has a token or a client certificate');
    }
  }

  let token = user ? str(user.value, 'token') : undefined;
  const tokenFile = user ? str(user.value, 'tokenFile') : undefined;
  if (token === undefined && user && tokenFile !== undefined) {
    const full = isAbsolute(tokenFile) ? tokenFile : resolve(user.dir, tokenFile);
    try {
      token = readFileSync(full, 'utf8').trim();
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new UsageError(flag, `${userWhat}: tokenFile ${full} cannot be read (${code === 'ENOENT' ? 'no such file' : (code ?? String(err))})`, 'fix the path in the kubeconfig, or give the token itself');
    }
  }
  const clientCertPem = user ? pemFrom(user, 'client-certificate-data', 'client-certificate', flag, userWhat) : undefined;
  const clientKeyPem = user ? pemFrom(user, 'client-key-data', 'client-key', flag, userWhat) : undefined;
  if ((clientCertPem === undefined) !== (clientKeyPem === undefined)) {
    throw new UsageError(flag, `${userWhat} has a client ${clientCertPem === undefined ? 'key but no certificate' : 'certificate but no key'}`, 'give both client-certificate(-data) and client-key(-data)');
  }

  // As kubectl: the flag or the cluster's own setting; a CA is then of no use and is dropped.
  const insecureSkipTlsVerify = flags.insecureSkipTlsVerify === true || cluster.value['insecure-skip-tls-verify'] === true;
  const caPem = insecureSkipTlsVerify ? undefined : pemFrom(cluster, 'certificate-authority-data', 'certificate-authority', flag, `cluster "${clusterName}"`);

  const out: KubeTarget = { server: serverUrl(str(cluster.value, 'server'), clusterName, cluster.file, flag), insecureSkipTlsVerify, contextName, source: flag === 'KUBECONFIG' ? source : where };
  if (caPem !== undefined) out.caPem = caPem;
  if (token !== undefined && token !== '') out.token = token;
  if (clientCertPem !== undefined) out.clientCertPem = clientCertPem;
  if (clientKeyPem !== undefined) out.clientKeyPem = clientKeyPem;
  return out;
}

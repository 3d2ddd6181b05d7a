import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../errors';
import { kubeconfigFiles, resolveKubeTarget } from './kubeconfig';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBca\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIBcert\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN EC PRIVATE KEY-----\nMHckey\n-----END EC PRIVATE KEY-----\n';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetload-kubeconfig-'));
});

interface Doc {
  clusters?: Array<{ name: string; cluster: Record<string, unknown> }>;
  users?: Array<{ name: string; user: Record<string, unknown> }>;
  contexts?: Array<{ name: string; context: Record<string, unknown> }>;
  'current-context'?: string;
}

function write(file: string, doc: Doc): string {
  const path = join(dir, file);
  writeFileSync(path, stringify({ apiVersion: 'v1', kind: 'Config', ...doc }));
  return path;
}

/** One cluster, user and context named after `name`. */
function single(name: string, cluster: Record<string, unknown>, user: Record<string, unknown>): Doc {
  return {
    clusters: [{ name: `${name}-c`, cluster: { server: `https://${name}.example:6443`, ...cluster } }],
    users: [{ name: `${name}-u`, user }],
    contexts: [{ name, context: { cluster: `${name}-c`, user: `${name}-u` } }],
    'current-context': name,
  };
}

function usage(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).not.toContain('\n');
    return err as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('a kubeconfig resolved to a target', () => {
  it('a token user with embedded CA data: server, CA, token, current context', () => {
    const file = write('config', single('prod', { 'certificate-authority-data': b64(CA) }, { token: 'abc' }));
    const t = resolveKubeTarget({ kubeconfig: file }, {});
    expect(t).toEqual({ server: 'https://prod.example:6443', caPem: CA, token: 'abc', insecureSkipTlsVerify: false, contextName: 'prod', source: file });
  });

  it('tokenFile, certificate-authority and client certificate files are read relative to the kubeconfig, as kubectl does', () => {
    mkdirSync(join(dir, 'pki'));
    writeFileSync(join(dir, 'pki', 'ca.crt'), CA);
    writeFileSync(join(dir, 'pki', 'tok'), 'from-file\n');
    writeFileSync(join(dir, 'pki', 'client.crt'), CERT);
    writeFileSync(join(dir, 'pki', 'client.key'), KEY);
    const file = write('config', single('rel', { 'certificate-authority': 'pki/ca.crt' }, { tokenFile: 'pki/tok', 'client-certificate': 'pki/client.crt', 'client-key': 'pki/client.key' }));
    const t = resolveKubeTarget({ kubeconfig: file }, {});
    expect(t.caPem).toBe(CA);
    expect(t.token).toBe('from-file');
    expect(t.clientCertPem).toBe(CERT);
    expect(t.clientKeyPem).toBe(KEY);
  });

  it('CA data wins over a CA file, and client-certificate-data needs no file', () => {
    const file = write('config', single('d', { 'certificate-authority-data': b64(CA), 'certificate-authority': '/nonexistent/ca.crt' }, { 'client-certificate-data': b64(CERT), 'client-key-data': b64(KEY) }));
    const t = resolveKubeTarget({ kubeconfig: file }, {});
    expect(t.caPem).toBe(CA);
    expect(t.clientCertPem).toBe(CERT);
    expect(t.token).toBeUndefined();
  });

  it('a CA file that is missing names the path it resolved', () => {
    const file = write('config', single('m', { 'certificate-authority': 'nope/ca.crt' }, { token: 'x' }));
    expect(usage(() => resolveKubeTarget({ kubeconfig: file }, {})).message).toMatch(new RegExp(`^--kubeconfig: cluster "m-c": certificate-authority ${join(dir, 'nope', 'ca.crt')} .*no such file`));
  });

  it('--context picks another context than current-context', () => {
    const a = single('a', {}, { token: 'ta' });
    const b = single('b', {}, { token: 'tb' });
    const file = write('config', { clusters: [...a.clusters!, ...b.clusters!], users: [...a.users!, ...b.users!], contexts: [...a.contexts!, ...b.contexts!], 'current-context': 'a' });
    expect(resolveKubeTarget({ kubeconfig: file }, {}).token).toBe('ta');
    const t = resolveKubeTarget({ kubeconfig: file, context: 'b' }, {});
    expect([t.token, t.server, t.contextName]).toEqual(['tb', 'https://b.example:6443', 'b']);
  });

  it('KUBECONFIG with two files merges them: the first to define a name or current-context wins, missing entries are skipped', () => {
    const first = write('one', { ...single('one', {}, { token: 't1' }), clusters: [{ name: 'one-c', cluster: { server: 'https://first.example' } }] });
    const second = write('two', { ...single('two', {}, { token: 't2' }), clusters: [{ name: 'one-c', cluster: { server: 'https://shadowed.example' } }, { name: 'two-c', cluster: { server: 'https://two.example' } }] });
    const env = { KUBECONFIG: [first, join(dir, 'missing'), second].join(':') };
    const t = resolveKubeTarget({}, env);
    expect([t.contextName, t.server, t.token]).toEqual(['one', 'https://first.example', 't1']);
    expect(t.source).toBe(`KUBECONFIG=${env.KUBECONFIG}`);
    // A context defined only in the second file resolves against what it defines.
    expect(resolveKubeTarget({ context: 'two' }, env)).toMatchObject({ server: 'https://two.example', token: 't2' });
  });

  it('--kubeconfig wins over KUBECONFIG', () => {
    const flag = write('flag', single('flag', {}, { token: 'f' }));
    const env = write('env', single('env', {}, { token: 'e' }));
    expect(resolveKubeTarget({ kubeconfig: flag }, { KUBECONFIG: env }).contextName).toBe('flag');
    expect(kubeconfigFiles({}, { KUBECONFIG: env }).files).toEqual([env]);
    expect(kubeconfigFiles({}, { HOME: dir }).files).toEqual([join(dir, '.kube', 'config')]);
  });

  it('a missing file is one line naming it and --kubeconfig', () => {
    const e = usage(() => resolveKubeTarget({ kubeconfig: join(dir, 'absent') }, {}));
    expect(e.message).toBe(`--kubeconfig: cannot read ${join(dir, 'absent')} (no such file); pass the path of an existing kubeconfig with --kubeconfig PATH`);
  });

  it('no flag, no KUBECONFIG and no ~/.kube/config says so', () => {
    expect(usage(() => resolveKubeTarget({}, { HOME: dir })).message).toMatch(/^--kubeconfig: no kubeconfig given: KUBECONFIG is not set and .*\.kube\/config does not exist; pass --kubeconfig PATH$/);
    expect(usage(() => resolveKubeTarget({}, { KUBECONFIG: join(dir, 'x') })).message).toMatch(/^KUBECONFIG: none of its files exists/);
  });

  it('a missing context names --context and the contexts there are', () => {
    const file = write('config', single('real', {}, { token: 'x' }));
    expect(usage(() => resolveKubeTarget({ kubeconfig: file, context: 'nope' }, {})).message).toBe(`--context: context "nope" is not in ${file}; pass --context with one of them (its contexts are real)`);
    const noCurrent = write('nocurrent', { ...single('real', {}, { token: 'x' }), 'current-context': undefined });
    expect(usage(() => resolveKubeTarget({ kubeconfig: noCurrent }, {})).message).toMatch(/^--context: .* has no current-context; pass --context NAME \(its contexts are real\)$/);
  });

  it('a context naming a missing cluster or user says which', () => {
    const base = single('c', {}, { token: 'x' });
    const noCluster = write('nc', { ...base, contexts: [{ name: 'c', context: { cluster: 'gone', user: 'c-u' } }] });
    expect(usage(() => resolveKubeTarget({ kubeconfig: noCluster }, {})).message).toMatch(/^--kubeconfig: context "c" names cluster "gone", which is not in /);
    const noUser = write('nu', { ...base, contexts: [{ name: 'c', context: { cluster: 'c-c', user: 'gone' } }] });
    expect(usage(() => resolveKubeTarget({ kubeconfig: noUser }, {})).message).toMatch(/^--kubeconfig: context "c" names user "gone", which is not in /);
  });

  it('an exec or auth-provider plugin is refused in one line, not half supported', () => {
    const exec = write('exec', single('eks', {}, { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token'] } }));
    expect(usage(() => resolveKubeTarget({ kubeconfig: exec }, {})).message).toMatch(/^--kubeconfig: user "eks-u" of context "eks" authenticates with an exec plugin \(aws\), which fleetload does not support yet; use a context whose user has a token/);
    const ap = write('ap', single('gke', {}, { 'auth-provider': { name: 'gcp' } }));
    expect(usage(() => resolveKubeTarget({ kubeconfig: ap }, {})).message).toMatch(/auth-provider plugin \(gcp\), which fleetload does not support yet/);
  });

  it('a client certificate without its key is refused', () => {
    const file = write('config', single('half', {}, { 'client-certificate-data': b64(CERT) }));
    expect(usage(() => resolveKubeTarget({ kubeconfig: file }, {})).message).toMatch(/has a client certificate but no key/);
  });

  it('TLS is verified unless the flag or the cluster asks otherwise; then the CA is dropped', () => {
    const file = write('config', single('tls', { 'certificate-authority-data': b64(CA) }, { token: 'x' }));
    expect(resolveKubeTarget({ kubeconfig: file }, {}).insecureSkipTlsVerify).toBe(false);
    const insecure = resolveKubeTarget({ kubeconfig: file, insecureSkipTlsVerify: true }, {});
    expect(insecure.insecureSkipTlsVerify).toBe(true);
    expect(insecure.caPem).toBeUndefined();
    const inFile = write('in-file', single('tls', { 'insecure-skip-tls-verify': true }, { token: 'x' }));
    expect(resolveKubeTarget({ kubeconfig: inFile }, {}).insecureSkipTlsVerify).toBe(true);
  });

  it('a file that is not a kubeconfig is one line', () => {
    const path = join(dir, 'bad');
    writeFileSync(path, 'clusters: [unclosed\n');
    expect(usage(() => resolveKubeTarget({ kubeconfig: path }, {})).message).toMatch(/^--kubeconfig: .*bad is not valid YAML/);
    writeFileSync(path, '- a\n- b\n');
    expect(usage(() => resolveKubeTarget({ kubeconfig: path }, {})).message).toMatch(/is not a kubeconfig/);
  });
});

// A Kubernetes API server as the target, named by a kubeconfig: every bad kubeconfig, unreachable
// server and rejected credential stops before any load with one line, its exit code, and no report
// directory. The built CLI has no Kubernetes protocol registered yet, so it is run for what the
// real registry decides (fleetload-sim refuses --kubeconfig); the rest runs through runScale
// with a toy Kubernetes protocol added as test/e2e/protocols.test.ts adds its toy (PROTOCOLS.with),
// against a tiny HTTPS API server with openssl-made certificates.
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FleetloadError } from '../../runner/errors';
import { runScale, type RunIo } from '../../runner/run';
import type { RunFlags } from '../../runner/config/resolve';
import { PROTOCOLS } from '../../scenarios/protocols/index';
import { ROOT, runCli } from '../helpers/cli';
import { makePki, startToyKube, writeKubeconfig, type ToyKube, type ToyPki } from './toy/kube-server';
import { toyKubeProtocol } from './toy/toy-kube-protocol';

let pki: ToyPki;
let kube: ToyKube;
let dir: string;
beforeAll(async () => {
  pki = makePki();
  kube = await startToyKube(pki, { tokens: { good: { name: 'alice', may: ['create nodes'] }, weak: { name: 'bob', may: [] } } });
});
afterAll(async () => {
  await kube.close();
});
let reports: string;
afterEach(() => {
  // Nothing before the load may write: not even the run's directory.
  expect(existsSync(join(reports, 'kube'))).toBe(false);
});

function fresh(): void {
  dir = mkdtempSync(join(tmpdir(), 'fleetload-kube-e2e-'));
  reports = join(dir, 'reports');
}

function io(out: string[], extra: Partial<RunIo> = {}): RunIo {
  return { root: ROOT, write: (t) => out.push(t), isTty: false, progress: 'quiet', onInterrupt: () => () => undefined, protocols: PROTOCOLS.with(toyKubeProtocol), ...extra };
}

function flags(more: RunFlags): RunFlags {
  return { protocol: 'toy-kube', engine: 'embedded', metrics: false, reportsDir: reports, runId: 'kube', ...more };
}

/** The run's failure: its exit code and its one line. */
async function failure(f: RunFlags): Promise<{ exitCode: number; message: string }> {
  try {
    await runScale(f, io([]));
  } catch (err) {
    expect(err).toBeInstanceOf(FleetloadError);
    const e = err as FleetloadError;
    expect(e.message).not.toContain('\n');
    return { exitCode: e.exitCode, message: e.message };
  }
  throw new Error('the run did not fail');
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

describe('the CLI with --kubeconfig', () => {
  it('fleetload-sim takes --target, not --kubeconfig: exit 2, one line, nothing written', async () => {
    fresh();
    const file = writeKubeconfig(dir, 'config', { server: kube.url, cluster: { 'certificate-authority': pki.caFile }, user: { token: 'good' } });
    const r = await runCli(['run', '--kubeconfig', file, '--no-metrics', '--engine', 'embedded', '--reports-dir', reports, '--run-id', 'kube']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fleetload: --kubeconfig: fleetload-sim takes --target, not --kubeconfig; .*--target URL$/);
  });

  it('an exported KUBECONFIG does not touch a simulator run (dry run)', async () => {
    fresh();
    const r = await runCli(['run', '--dry-run', '--no-metrics', '--engine', 'embedded', '--reports-dir', reports, '--run-id', 'kube'], { KUBECONFIG: join(dir, 'does-not-exist') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('--help tells the three flags', async () => {
    fresh();
    const r = await runCli(['run', '--help']);
    expect(r.stdout).toMatch(/--kubeconfig <path> .*KUBECONFIG/s);
    expect(r.stdout).toMatch(/--context <name> .*current-context/s);
    expect(r.stdout).toMatch(/--insecure-skip-tls-verify .*verified by default/s);
  });
});

describe('preflight of a Kubernetes target (a toy Kubernetes protocol)', () => {
  it('a good token: the target line names Kubernetes, the user and the context', async () => {
    fresh();
    const file = writeKubeconfig(dir, 'config', { server: kube.url, cluster: { 'certificate-authority': pki.caFile }, user: { token: 'good' } });
    const out: string[] = [];
    const r = await runScale(flags({ kubeconfig: file }), io(out, { dryRun: true }));
    expect(r.exitCode).toBe(0);
    expect(out.join('')).toContain(`target ${kube.url} answers: Kubernetes v1.31.0-toy as alice, context "toy"; toy kube protocol`);
  });

  it('a kubeconfig file that does not exist: exit 2 naming --kubeconfig', async () => {
    fresh();
    const r = await failure(flags({ kubeconfig: join(dir, 'nope.yaml') }));
    expect(r).toEqual({ exitCode: 2, message: `--kubeconfig: cannot read ${join(dir, 'nope.yaml')} (no such file); pass the path of an existing kubeconfig with --kubeconfig PATH` });
  });

  it('a context that does not exist: exit 2 naming --context and the contexts', async () => {
    fresh();
    const file = writeKubeconfig(dir, 'config', { server: kube.url, user: { token: 'good' } });
    const r = await failure(flags({ kubeconfig: file, context: 'prod' }));
    expect(r).toEqual({ exitCode: 2, message: `--context: context "prod" is not in ${file}; pass --context with one of them (its contexts are toy)` });
  });

  it('an exec plugin: exit 2, not supported yet', async () => {
    fresh();
    const file = writeKubeconfig(dir, 'config', { server: kube.url, user: { exec: { command: 'aws', apiVersion: 'client.authentication.k8s.io/v1beta1' } } });
    const r = await failure(flags({ kubeconfig: file }));
    expect(r.exitCode).toBe(2);
    expect(r.message).toMatch(/exec plugin \(aws\), which fleetload does not support yet/);
  });

  it('a server that refuses connections: exit 3, connection refused', async () => {
    fresh();
    const file = writeKubeconfig(dir, 'config', { server: `https://127.0.0.1:${await closedPort()}`, user: { token: 'good' } });
    const r = await failure(flags({ kubeconfig: file }));
    expect(r.exitCode).toBe(3);
    expect(r.message).toMatch(/^API server https:\/\/127\.0\.0\.1:\d+ \(context "toy"\) is not reachable: connection refused \(ECONNREFUSED\); start the API server/);
  });

  it('a server whose certificate the kubeconfig cannot verify: exit 3, unknown authority, the fix', async () => {
    fresh();
    const file = writeKubeconfig(dir, 'config', { server: kube.url, cluster: { 'certificate-authority': pki.otherCaFile }, user: { token: 'good' } });
    const r = await failure(flags({ kubeconfig: file }));
    expect(r.exitCode).toBe(3);
    expect(r.message).toMatch(/is not reachable: certificate signed by unknown authority \(.+\); pass the CA in the kubeconfig .* or --insecure-skip-tls-verify$/);
    // The flag the message names gets past it.
    const out: string[] = [];
    expect((await runScale(flags({ kubeconfig: file, insecureSkipTlsVerify: true }), io(out, { dryRun: true }))).exitCode).toBe(0);
    expect(out.join('')).toContain('TLS not verified');
  });

  it('a token the server does not know (401): exit 2 naming --kubeconfig', async () => {
    fresh();
    const file = writeKubeconfig(dir, 'config', { server: kube.url, cluster: { 'certificate-authority-data': Buffer.from(pki.caPem).toString('base64') }, user: { token: 'expired' } });
    const r = await failure(flags({ kubeconfig: file }));
    expect(r.exitCode).toBe(2);
    expect(r.message).toMatch(/^--kubeconfig: the API server https:\S+ rejected the credential of context "toy" \(HTTP 401: GET \/api answered 401\).*; refresh the token or certificate in the kubeconfig, or pass a valid token with --operator-token$/);
  });

  it('a token without the rights the protocol needs (403): exit 2 naming the verb and resource', async () => {
    fresh();
    const file = writeKubeconfig(dir, 'config', { server: kube.url, cluster: { 'certificate-authority': pki.caFile }, user: { token: 'weak' } });
    const r = await failure(flags({ kubeconfig: file }));
    expect(r.exitCode).toBe(2);
    expect(r.message).toMatch(/^--kubeconfig: the API server https:\S+ refused the identity of context "toy" \(HTTP 403: may not create nodes .*\); bind it a Role or ClusterRole that grants what it lacked/);
  });

  it('no credential at all, anonymous only (403 on /api): exit 2 naming get /api', async () => {
    fresh();
    const file = writeKubeconfig(dir, 'config', { server: kube.url, cluster: { 'certificate-authority': pki.caFile } });
    const r = await failure(flags({ kubeconfig: file }));
    expect(r.exitCode).toBe(2);
    expect(r.message).toMatch(/^--kubeconfig: the user of context "toy" has no token or client certificate, so the API server https:\S+ took the probe as anonymous and refused it \(get \/api: HTTP 403\); give the user a token/);
  });
});

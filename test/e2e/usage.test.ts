// Bad input: one clear line naming the flag or address, a distinct exit code, no stack trace.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ROOT, runCli, tempReports } from '../helpers/cli';
import { freePort } from '../helpers/net';

describe('fleetload run: bad input', () => {
  const cases: Array<[string, string[], number, RegExp]> = [
    ['non-numeric clusters', ['--clusters', 'abc'], 2, /--clusters: expected a whole number.*"abc"/],
    ['zero clusters', ['--clusters', '0'], 2, /--clusters: expected a whole number from 1/],
    ['negative duration', ['--clusters', '10', '--duration', '-1s'], 2, /--duration: expected a positive duration.*"-1s"/],
    ['unknown flag', ['--clusterz', '10'], 2, /unknown option '--clusterz'/],
    ['unknown engine', ['--engine', 'jmeter'], 2, /--engine.*jmeter/],
    ['bad metrics address', ['--metrics-addr', 'nowhere'], 2, /--metrics-addr: expected HOST:PORT/],
    ['remote write without real k6', ['--engine', 'embedded', '--k6-prometheus-rw', 'http://127.0.0.1:9090/api/v1/write'], 2, /--k6-prometheus-rw: .*needs --engine k6/],
  ];
  for (const [what, args, code, message] of cases) {
    it(`${what} → exit ${code}`, async () => {
      const r = await runCli(['run', ...args, '--reports-dir', tempReports()]);
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('the exporter\'s port taken → exit 2 naming --metrics-addr, and no report directory left behind', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const reports = tempReports();
    try {
      const r = await runCli(['run', '--clusters', '10', '--duration', '5s', '--engine', 'embedded', '--metrics-addr', `127.0.0.1:${port}`, '--reports-dir', reports, '--run-id', 'taken']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^fleetload: --metrics-addr: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
      expect(existsSync(join(reports, 'taken'))).toBe(false);
    } finally {
      server.close();
    }
  });

  it('a target that nothing listens on → exit 3, naming the address', async () => {
    const port = await freePort();
    const r = await runCli(['run', '--clusters', '10', '--duration', '5s', '--target', `http://127.0.0.1:${port}`, '--engine', 'embedded', '--no-metrics', '--reports-dir', tempReports()]);
    expect(r.code).toBe(3);
    expect(`${r.stdout}${r.stderr}`).toMatch(new RegExp(`target http://127\\.0\\.0\\.1:${port} is not reachable \\(ECONNREFUSED\\)`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('npx fleetload --help works from the package (its bin), listing the run command and the exit codes', async () => {
    const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn('npx', ['--no-install', 'fleetload', '--help'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: fleetload/);
    expect(r.stdout).toMatch(/run \[options\]/);
    expect(r.stdout).toMatch(/2 +bad usage, configuration or credentials/);
  });

  it('--help lists the flags and the exit codes', async () => {
    const r = await runCli(['run', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--clusters', '--duration', '--target', '--protocol', '--engine', '--profile', '--metrics-addr']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toMatch(/130\s+interrupted/);
  });
});

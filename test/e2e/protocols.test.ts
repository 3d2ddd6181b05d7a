// The protocol registry end to end: a protocol that is not the simulator's, added by one module
// and one registry line, carries a whole fleet run (probe, agents, rollout, verdict, report); and
// a target of the wrong kind stops in preflight with one line.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runScale, type RunIo } from '../../runner/run';
import { PROTOCOLS } from '../../scenarios/protocols/index';
import { ROOT, runCli } from '../helpers/cli';
import { startToyServer, type ToyServer } from './toy/toy-server';
import { toyProtocol } from './toy/toy-protocol';

const servers: ToyServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

function io(out: string[], extra: Partial<RunIo> = {}): RunIo {
  return { root: ROOT, write: (t) => out.push(t), isTty: false, progress: 'quiet', onInterrupt: () => () => undefined, ...extra };
}

const FAST = ['agent.heartbeatIntervalS=2', 'agent.deployments.mode=poll', 'agent.deployments.pollIntervalS=1', 'rollout.startAfterS=3', 'rollout.timeoutS=10'];

describe('a protocol added by one module and one registry line', () => {
  it('runs a fleet through it end to end', async () => {
    const toy = await startToyServer();
    servers.push(toy);
    const reports = mkdtempSync(join(tmpdir(), 'fleetload-toy-'));
    const out: string[] = [];
    const result = await runScale(
      { clusters: '20', duration: '10s', engine: 'embedded', target: toy.url, protocol: 'toy', metrics: false, reportsDir: reports, runId: 'toy', set: FAST },
      io(out, { protocols: PROTOCOLS.with(toyProtocol), scenarioEntry: join(ROOT, 'test', 'e2e', 'toy', 'toy-agents.ts') }),
    );
    const summary = result.summary!;
    expect(summary.target.protocol).toBe('toy');
    expect(out.join('')).toMatch(/target: http:\S+ \(a toy control plane\)/);
    // Every agent registered with the toy server, beat, and reported the rollout's bundle done.
    expect(toy.clusters.size).toBe(20);
    for (const c of toy.clusters.values()) expect(c.beats).toBeGreaterThan(0);
    expect(toy.bundles.size).toBeGreaterThan(0);
    const bundle = [...toy.bundles.keys()][0]!.split('/')[1]!;
    const doneEverywhere = [...toy.clusters.entries()].filter(([k, c]) => c.done.has(`${k.split('/')[0]}/${bundle}`));
    expect(doneEverywhere).toHaveLength(20);
    expect(summary.clusters.registered).toBe(20);
    expect(summary.counts.deploymentsReady).toBe(20);
    const bySli = Object.fromEntries(summary.slos.map((s) => [s.sli, s]));
    expect(bySli.registration?.stats.count).toBe(20);
    expect(bySli['api-mutating']?.stats.count).toBeGreaterThan(20);
    expect(existsSync(join(reports, 'toy', 'junit.xml'))).toBe(true);
  });

  it('is unknown to the default registry: --protocol toy is a usage error naming the flag', async () => {
    await expect(runScale({ protocol: 'toy' }, io([], { dryRun: true }))).rejects.toThrow(/^--protocol: unknown protocol "toy"; use one of them: the protocols are fleetload-sim/);
  });
});

describe('preflight against the wrong kind of target', () => {
  it('names the protocol it expected and --protocol, exits 3 and writes nothing', async () => {
    const toy = await startToyServer();
    servers.push(toy);
    const reports = mkdtempSync(join(tmpdir(), 'fleetload-wrong-'));
    const r = await runCli(['run', '--target', toy.url, '--no-metrics', '--engine', 'embedded', '--reports-dir', reports, '--run-id', 'wrong']);
    expect(r.code).toBe(3);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/does not speak protocol fleetload-sim .*--protocol/);
    expect(existsSync(join(reports, 'wrong'))).toBe(false);
  });

  it('a rejected token is a usage error naming the flag, not an SLO breach', async () => {
    const toy = await startToyServer();
    servers.push(toy);
    const reports = mkdtempSync(join(tmpdir(), 'fleetload-token-'));
    const out: string[] = [];
    await expect(
      runScale({ target: toy.url, protocol: 'toy', operatorToken: 'wrong', engine: 'embedded', metrics: false, reportsDir: reports, runId: 'tok' }, io(out, { protocols: PROTOCOLS.with(toyProtocol) })),
    ).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/^--operator-token: target http:\S+ rejected it \(HTTP 401\)/) });
    expect(existsSync(join(reports, 'tok'))).toBe(false);
  });
});

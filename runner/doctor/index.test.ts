// The real checks on this machine (real k6, go, ulimit, ...), and the command as commander runs it.
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../errors';
import { readFdLimit } from '../preflight/fd-limit';
import { packageRoot } from '../root';
import { DOCTOR_CHECKS, DOCTOR_EXIT, doctorExitCode, formatLine, registerDoctor, runDoctor } from './index';

const LINE = /^(ok|warn|fail) {2,}([a-z0-9-]+): \S.*$/;
const root = packageRoot();

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function doctor(args: string[]): Promise<{ out: string; exitCode: number | string | undefined }> {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  const program = new Command('fleetload').exitOverride();
  registerDoctor(program);
  await program.parseAsync(['doctor', ...args], { from: 'user' });
  const exitCode = process.exitCode;
  vi.restoreAllMocks();
  return { out: chunks.join(''), exitCode };
}

describe('doctor on this machine', () => {
  it('prints one line per check, each "ok|warn|fail  <name>: ..."', () => {
    const lines = runDoctor({ root, env: process.env, clusters: undefined, fdLimit: () => readFdLimit() }).map(formatLine);
    expect(lines).toHaveLength(DOCTOR_CHECKS.length);
    for (const line of lines) expect(line).toMatch(LINE);
    expect(lines.map((l) => LINE.exec(l)?.[2])).toEqual(DOCTOR_CHECKS.map((c) => c.name));
  });

  it('fails on a K6_BIN that points nowhere, naming K6_BIN and the fix, and exits 1', async () => {
    vi.stubEnv('K6_BIN', '/nonexistent/k6');
    const { out, exitCode } = await doctor([]);
    const lines = out.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(LINE);
    const k6 = lines.find((l) => l.includes(' k6: '));
    expect(k6).toMatch(/^fail {2}k6: K6_BIN=\/nonexistent\/k6 is not an executable file.*; fix: unset K6_BIN or point it at a k6 binary; npm run k6:build/);
    expect(exitCode).toBe(DOCTOR_EXIT.failed);
  });

  it('checks the descriptor limit for --clusters N, and refuses an N the run would refuse', async () => {
    const { out } = await doctor(['--clusters', '250']);
    expect(out).toMatch(/^(ok|fail) {2,}fd-limit: .*a smoke run of 250 agents/m);
    await expect(doctor(['--clusters', 'many'])).rejects.toThrow(UsageError);
    await expect(doctor(['--clusters', '0'])).rejects.toThrow(/clusters/);
  });

  it('documents its exit codes in --help', () => {
    const program = new Command('fleetload');
    registerDoctor(program);
    const help = program.commands.find((c) => c.name() === 'doctor')?.helpInformation() ?? '';
    expect(help).toContain('--clusters <n>');
    // helpInformation leaves out addHelpText; the text is what addHelpText appends.
    let shown = '';
    program.commands.find((c) => c.name() === 'doctor')?.configureOutput({ writeOut: (s) => (shown += s) }).outputHelp();
    expect(shown).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*a check failed.*\n {2}2 .*usage/);
  });
});

describe('runDoctor', () => {
  it('turns a check that throws into a fail line of its own and goes on', () => {
    const results = runDoctor({ root, env: {}, clusters: undefined, fdLimit: () => undefined }, [
      { name: 'broken', run: () => { throw new Error('boom'); } },
      { name: 'fine', run: () => ({ status: 'ok', name: 'fine', found: 'yes' }) },
    ]);
    expect(results.map(formatLine)).toEqual(['fail  broken: the check itself failed: boom; fix: report this as a fleetload bug', 'ok    fine: yes']);
    expect(doctorExitCode(results)).toBe(1);
    expect(doctorExitCode([results[1]!, { status: 'warn', name: 'w', found: 'x', fix: 'y' }])).toBe(0);
  });
});

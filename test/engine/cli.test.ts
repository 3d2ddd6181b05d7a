// The `k6 run` look-alike: exit codes, one-line errors without engine stack traces, outputs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSampleLine, type SampleLine } from '../../engine/samples';
import { buildEngineForTests, cleanupEngineBuild, SCRIPTS } from './harness';

let CLI = '';

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, FLEETLOAD_TEST_SECRET: 'x' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  CLI = await buildEngineForTests();
});
afterAll(cleanupEngineBuild);

describe('engine CLI bad input', () => {
  const cases: Array<[string, string, number, RegExp]> = [
    ['missing bundle', 'does-not-exist.js', 255, /couldn't be found on local disk/],
    ['syntax error', 'bad-syntax.js', 107, /could not initialize/],
    ['unknown executor', 'bad-executor.js', 104, /unknown or unsupported executor .*nope/],
    ['invalid threshold', 'bad-threshold.js', 104, /failed parsing threshold expression .*foo</],
    ['exception in init code', 'init-throws.js', 107, /initboom.*init-throws\.js:1:/],
  ];
  for (const [name, script, code, message] of cases) {
    it(`${name} → exit ${code}, one clear line`, () => {
      const r = cli('run', join(SCRIPTS, script), '--workers', '1');
      expect(r.code).toBe(code);
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      // No frames of the engine itself.
      expect(r.stderr).not.toMatch(/engine\/[a-z-]+\.(ts|js)|node:internal|^\s+at /m);
    });
  }

  it('rejects unknown flags with a usage line', () => {
    const r = cli('run', join(SCRIPTS, 'env-echo.js'), '--bogus');
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/unknown flag: --bogus/);
  });
});

describe('engine CLI run', () => {
  it('applies -e, --vus and --iterations and writes k6 JSON lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetload-cli-'));
    try {
      const out = join(dir, 'out.json');
      const r = cli('run', join(SCRIPTS, 'env-echo.js'), '-e', 'GREETING=hello', '--vus', '2', '--iterations', '4', '--out', `json=${out}`, '--workers', '1');
      expect(r.code).toBe(0);
      expect(r.stderr.match(/env hello vu \d iter \d/g)).toHaveLength(4);
      expect(r.stdout).toMatch(/iterations\.+: 4 /);
      const lines = readFileSync(out, 'utf8')
        .split('\n')
        .map(parseSampleLine)
        .filter((l): l is SampleLine => l !== undefined);
      const declared = new Set<string>();
      for (const l of lines) {
        if (l.type === 'Metric') declared.add(l.metric);
        else expect(declared.has(l.metric)).toBe(true);
      }
      expect(lines.filter((l) => l.type === 'Point' && l.metric === 'iterations')).toHaveLength(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops gracefully on SIGTERM with k6 exit code 105', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, 'run', join(SCRIPTS, 'env-echo.js'), '--vus', '1', '--duration', '20s', '--workers', '1', '--no-summary'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    await new Promise((r) => setTimeout(r, 1000));
    child.kill('SIGTERM');
    const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
    expect(code).toBe(105);
    expect(stderr).toMatch(/aborted/);
  });
});

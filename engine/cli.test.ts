// The `k6 run` look-alike: exit codes, one-line errors without engine stack traces, outputs.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { K6_EXIT } from './exit-codes';
import { parseSampleLine, type SampleLine } from './samples';
import { buildEngineForTests, cleanupEngineBuild, SCRIPTS } from './test-support';

let CLI = '';

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  // The timeout only turns a hang into a failure: spawnSync blocks vitest's own test timeout.
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 50_000, env: { ...process.env, FLEETLOAD_TEST_SECRET: 'x' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  CLI = await buildEngineForTests();
});
afterAll(cleanupEngineBuild);

describe('engine CLI bad input', () => {
  const cases: Array<[string, string, number, RegExp]> = [
    ['missing bundle', 'does-not-exist.js', K6_EXIT.unclassified, /couldn't be found on local disk/],
    ['syntax error', 'bad-syntax.js', K6_EXIT.scriptException, /could not initialize/],
    ['unknown executor', 'bad-executor.js', K6_EXIT.invalidConfig, /unknown or unsupported executor .*nope/],
    ['invalid threshold', 'bad-threshold.js', K6_EXIT.invalidConfig, /failed parsing threshold expression .*foo</],
    ['exception in init code', 'init-throws.js', K6_EXIT.scriptException, /initboom.*init-throws\.js:1:/],
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
    expect(r.code).toBe(K6_EXIT.unclassified);
    expect(r.stderr).toMatch(/unknown flag: --bogus/);
  });
});

describe('engine CLI run', () => {
  it('applies -e, --vus and --iterations and writes k6 JSON lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetload-cli-'));
    try {
      const out = join(dir, 'out.json');
      const r = cli('run', join(SCRIPTS, 'env-echo.js'), '-e', 'GREETING=hello', '--vus', '2', '--iterations', '4', '--out', `json=${out}`, '--workers', '1');
      expect(r.code).toBe(K6_EXIT.ok);
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
    const child = spawn(process.execPath, [CLI, 'run', join(SCRIPTS, 'env-echo.js'), '-e', 'GREETING=hi', '--vus', '1', '--duration', '20s', '--workers', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const closed = new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
    // Signal once the script demonstrably runs (it logs every iteration), not after a guessed delay.
    await new Promise<void>((resolve, reject) => {
      let running = false;
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (!running && /env hi vu 1 iter 0/.test(stderr)) {
          running = true;
          resolve();
        }
      });
      void closed.then((c) => reject(new Error(`the CLI exited (${c}) before the script ran:\n${stderr}`)));
    });
    child.kill('SIGTERM');
    expect(await closed).toBe(K6_EXIT.externalAbort);
    expect(stderr).toMatch(/aborted/);
    // Graceful: the run still ends with its summary.
    expect(stdout).toMatch(/iterations\.+: \d+/);
  });
});

// runCompare end to end over synthetic runs on disk: the exit codes, the files, the errors.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { saveBaseline } from '../baseline/save';
import { UsageError } from '../errors';
import { COMPARE_EXIT } from '../exit-codes';
import { writeSummary, type RunSummary } from '../report/summary';
import { COMPARE_EXIT_HELP, runCompare, type CompareArgs } from './command';
import { syntheticSummary } from './synthetic';
import type { Comparison } from './types';

function run(seed: number, registration = 100, runId = `run-${seed}`): RunSummary {
  return syntheticSummary({
    seed,
    runId,
    windows: 30,
    slis: { registration: { medianMs: registration, windowSpread: 0.05 }, distribution: { medianMs: 200, windowSpread: 0.05 } },
  });
}

let dir: string;
let out: string[];
const write = (s: string): void => {
  out.push(s);
};
const compare = (args: Omit<CompareArgs, 'root' | 'write'> & { root?: string }): Promise<number> => runCompare({ root: dir, write, cwd: dir, ...args });

async function rejected(p: Promise<unknown>): Promise<UsageError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageError);
  const u = err as UsageError;
  expect(u.exitCode).toBe(COMPARE_EXIT.usage);
  expect(u.message).not.toContain('\n');
  return u;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetload-compare-cmd-'));
  out = [];
  await writeSummary(join(dir, 'reports', 'run-1'), run(1));
  await writeSummary(join(dir, 'reports', 'run-2'), run(2));
  await writeSummary(join(dir, 'reports', 'slow'), run(3, 200, 'slow'));
});

describe('runCompare', () => {
  it('same distribution: exit 0, the table printed, compare.md, compare.json and compare.html in B\'s directory', async () => {
    expect(await compare({ a: 'reports/run-1', b: 'reports/run-2' })).toBe(COMPARE_EXIT.ok);
    const text = out.join('');
    expect(text).toContain('A: run-1 (');
    expect(text).toMatch(/registration +P99 .* within noise/);
    expect(text).toContain('no SLI worse beyond noise (exit 0)');
    expect(text).toContain('written: reports/run-2/compare.md, reports/run-2/compare.json, reports/run-2/compare.html');
    const md = await readFile(join(dir, 'reports', 'run-2', 'compare.md'), 'utf8');
    expect(md).toContain('## fleetload compare: no SLI worse beyond noise');
    const json = JSON.parse(await readFile(join(dir, 'reports', 'run-2', 'compare.json'), 'utf8')) as Comparison;
    expect(json.b.runId).toBe('run-2');
    expect(json.slis.map((s) => s.sli)).toEqual(['registration', 'distribution']);
    // The page of runner/report/html/compare.ts, by default.
    const html = await readFile(join(dir, 'reports', 'run-2', 'compare.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('run-1');
  });

  it('renderHtml: false writes no page', async () => {
    await compare({ a: 'reports/run-1', b: 'reports/run-2', renderHtml: false });
    expect(existsSync(join(dir, 'reports', 'run-2', 'compare.html'))).toBe(false);
    expect(out.join('')).toContain('written: reports/run-2/compare.md, reports/run-2/compare.json\n');
  });

  it('registration P99 doubled: exit 1, WORSE in the table', async () => {
    expect(await compare({ a: 'reports/run-1', b: 'reports/slow' })).toBe(COMPARE_EXIT.worse);
    expect(out.join('')).toMatch(/registration +P99 .* WORSE/);
    expect(out.join('')).toContain('B is worse beyond noise: registration (exit 1)');
  });

  it('--out puts the files there (made if missing)', async () => {
    await compare({ a: 'reports/run-1', b: 'reports/run-2', out: 'ci/compare' });
    expect(existsSync(join(dir, 'ci', 'compare', 'compare.md'))).toBe(true);
    expect(existsSync(join(dir, 'reports', 'run-2', 'compare.md'))).toBe(false);
  });

  it('against the saved baseline, either side; a baseline as B leaves the baselines untouched', async () => {
    await saveBaseline(join(dir, 'reports', 'run-1'), dir);
    expect(await compare({ a: 'baseline', b: 'reports/slow' })).toBe(COMPARE_EXIT.worse);
    expect(existsSync(join(dir, 'reports', 'slow', 'compare.md'))).toBe(true);
    expect(await compare({ a: 'reports/run-2', b: 'baseline' })).toBe(COMPARE_EXIT.ok);
    expect(existsSync(join(dir, 'reports', 'run-2', 'compare.md'))).toBe(true);
    expect(existsSync(join(dir, 'reports', 'baselines', 'smoke', 'compare.md'))).toBe(false);
  });

  it('--history: counted in the table, stray files warned about', async () => {
    for (let i = 0; i < 4; i++) await writeSummary(join(dir, 'history', `h-${i}`), run(10 + i, 100, `h-${i}`));
    await writeFile(join(dir, 'history', 'notes.json'), '{"hello": 1}');
    await compare({ a: 'reports/run-1', b: 'reports/run-2', history: 'history' });
    const text = out.join('');
    expect(text).toContain('warning: history: left out history/notes.json: is not a fleetload run summary');
    expect(text).toContain('history: 4 runs widen the noise band');
  });

  it('calls the page renderer given and writes compare.html next to compare.md', async () => {
    const seen: string[] = [];
    await compare({
      a: 'reports/run-1',
      b: 'reports/slow',
      renderHtml: (a, b, c) => {
        seen.push(a.runId, b.runId, String(c.worse));
        return '<!doctype html><title>compare</title>';
      },
    });
    expect(seen).toEqual(['run-1', 'slow', 'true']);
    expect(await readFile(join(dir, 'reports', 'slow', 'compare.html'), 'utf8')).toBe('<!doctype html><title>compare</title>');
  });

  describe('bad input: a UsageError (exit 2) of one line naming the file, and nothing written', () => {
    it('a v1 summary names the version', async () => {
      await mkdir(join(dir, 'old'));
      await writeFile(join(dir, 'old', 'summary.json'), JSON.stringify({ ...run(5), schema: 'fleetload.summary/v1' }));
      const err = await rejected(compare({ a: 'old', b: 'reports/run-2' }));
      expect(err.message).toBe('old/summary.json: is a fleetload.summary/v1 summary; compare needs v2: run it again with this version');
      expect(existsSync(join(dir, 'reports', 'run-2', 'compare.md'))).toBe(false);
    });

    it('a missing directory', async () => {
      expect((await rejected(compare({ a: 'reports/run-1', b: 'reports/nope' }))).message).toMatch(/^reports\/nope: no such file or directory/);
    });

    it('a file that is not a summary', async () => {
      await writeFile(join(dir, 'package.json'), '{"name": "x"}');
      expect((await rejected(compare({ a: 'package.json', b: 'reports/run-2' }))).message).toMatch(/^package\.json: is not a fleetload run summary/);
    });

    it('broken JSON', async () => {
      await mkdir(join(dir, 'broken'));
      await writeFile(join(dir, 'broken', 'summary.json'), '{"schema": "fleetload.summary/v2",');
      expect((await rejected(compare({ a: 'reports/run-1', b: 'broken' }))).message).toMatch(/^broken\/summary\.json: is not valid JSON \(/);
    });

    it('an output directory that cannot be written', async () => {
      await writeFile(join(dir, 'file'), 'x');
      expect((await rejected(compare({ a: 'reports/run-1', b: 'reports/run-2', out: 'file' }))).message).toMatch(/^--out: cannot write the comparison there/);
    });
  });
});

describe('COMPARE_EXIT_HELP', () => {
  it('lists the three codes', () => {
    expect(COMPARE_EXIT_HELP).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*worse beyond noise\n {2}2 .*bad input/);
  });
});

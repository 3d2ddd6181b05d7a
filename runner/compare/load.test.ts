import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../errors';
import { COMPARE_EXIT } from '../exit-codes';
import { writeSummary } from '../report/summary';
import { baselineFile, loadHistory, loadPair, parseSummary, readRun } from './load';
import { syntheticSummary } from './synthetic';

const summary = (seed: number, over: { runId?: string; profile?: string } = {}) =>
  syntheticSummary({ seed, windows: 5, slis: { registration: { medianMs: 100, windowSpread: 0.05 } }, ...over });

/** The UsageError a promise rejects with, checked to be one line with exit 2. */
async function usage(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageError);
  const u = err as UsageError;
  expect(u.exitCode).toBe(COMPARE_EXIT.usage);
  expect(u.message).not.toContain('\n');
  return u.message;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetload-compare-load-'));
});

describe('readRun', () => {
  it('reads a run directory and a summary.json path alike', async () => {
    await writeSummary(join(dir, 'run-1'), summary(1, { runId: 'run-1' }));
    const byDir = await readRun(join(dir, 'run-1'));
    const byFile = await readRun(join(dir, 'run-1', 'summary.json'));
    expect(byDir.summary.runId).toBe('run-1');
    expect(byFile.summary).toEqual(byDir.summary);
    expect(byDir.dir).toBe(join(dir, 'run-1'));
    expect(byFile.dir).toBe(join(dir, 'run-1'));
  });

  it('takes relative paths from cwd and names them as given', async () => {
    await writeSummary(join(dir, 'run-1'), summary(1));
    expect((await readRun('run-1', dir)).summary.runId).toBe('synthetic-1');
    expect(await usage(readRun('run-2', dir))).toMatch(/^run-2: no such file or directory; /);
  });

  it('a missing directory: one line naming it', async () => {
    expect(await usage(readRun(join(dir, 'nope')))).toMatch(new RegExp(`^${join(dir, 'nope')}: no such file or directory`));
  });

  it('a directory without a summary.json: one line naming the file it looked for', async () => {
    await mkdir(join(dir, 'empty'));
    expect(await usage(readRun(join(dir, 'empty')))).toBe(`${join(dir, 'empty', 'summary.json')}: no such file; give a run directory (reports/<run-id>) or a summary.json`);
  });

  it('broken JSON: names the file and the parser\'s complaint', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"schema": "fleetload.summary/v2", ');
    expect(await usage(readRun(file))).toMatch(new RegExp(`^${file}: is not valid JSON \\(.+\\)$`));
  });

  it('a JSON that is not a fleetload summary', async () => {
    const file = join(dir, 'package.json');
    await writeFile(file, JSON.stringify({ name: 'x', version: '1.0.0' }));
    expect(await usage(readRun(file))).toBe(`${file}: is not a fleetload run summary (no "schema" field); give a run directory or its summary.json`);
    await writeFile(file, '[1, 2]');
    expect(await usage(readRun(file))).toContain('is not a fleetload run summary');
    await writeFile(file, JSON.stringify({ schema: 'other/v1' }));
    expect(await usage(readRun(file))).toContain('its schema is "other/v1"');
  });

  it('a v1 summary: names the version and what to do', async () => {
    const file = join(dir, 'summary.json');
    await writeFile(file, JSON.stringify({ ...summary(1), schema: 'fleetload.summary/v1' }));
    expect(await usage(readRun(dir))).toBe(`${file}: is a fleetload.summary/v1 summary; compare needs v2: run it again with this version`);
  });

  it('a later version is refused, naming it', async () => {
    const file = join(dir, 'summary.json');
    await writeFile(file, JSON.stringify({ ...summary(1), schema: 'fleetload.summary/v3' }));
    expect(await usage(readRun(file))).toContain('is a fleetload.summary/v3 summary, which this version does not read (it reads fleetload.summary/v2)');
  });

  it('a v2 summary without a field compare needs names the field', async () => {
    const s = summary(1) as unknown as Record<string, unknown>;
    delete s.timeline;
    expect(() => parseSummary(JSON.stringify(s), 'x.json')).toThrow('x.json: is not a complete fleetload.summary/v2 summary (timeline: expected a JSON object)');
    const t = summary(1);
    (t.slos[0] as unknown as Record<string, unknown>).percentile = '99';
    expect(() => parseSummary(JSON.stringify(t), 'x.json')).toThrow('(slos[0].percentile: expected a number)');
  });
});

describe('loadPair', () => {
  it('"baseline" is reports/baselines/<profile of the other run>/summary.json under the root', async () => {
    const root = join(dir, 'root');
    await writeSummary(join(root, 'reports', 'baselines', 'nightly'), summary(1, { runId: 'the-baseline', profile: 'nightly' }));
    await writeSummary(join(dir, 'run-2'), summary(2, { runId: 'run-2', profile: 'nightly' }));
    const asA = await loadPair('baseline', join(dir, 'run-2'), root);
    expect(asA.a.summary.runId).toBe('the-baseline');
    expect(asA.a.file).toBe(baselineFile(root, 'nightly'));
    expect(asA.b.summary.runId).toBe('run-2');
    const asB = await loadPair(join(dir, 'run-2'), 'baseline', root);
    expect(asB.b.summary.runId).toBe('the-baseline');
  });

  it('no baseline for the profile: names the file and how to save one', async () => {
    await writeSummary(join(dir, 'run-2'), summary(2, { profile: 'scale-10k' }));
    const msg = await usage(loadPair('baseline', join(dir, 'run-2'), dir));
    expect(msg).toBe(`${baselineFile(dir, 'scale-10k')}: no baseline for profile "scale-10k"; save one with \`fleetload baseline save <run-dir>\``);
  });

  it('"baseline" twice is a usage error', async () => {
    expect(await usage(loadPair('baseline', 'baseline', dir))).toContain('both runs are "baseline"');
  });
});

describe('loadHistory', () => {
  it('reads run directories and summary files one level down, leaving out the rest with a warning', async () => {
    await writeSummary(join(dir, 'h', 'run-1'), summary(1, { runId: 'run-1' }));
    await writeSummary(join(dir, 'h', 'run-2'), summary(2, { runId: 'run-2' }));
    await writeFile(join(dir, 'h', 'run-3.json'), JSON.stringify(summary(3, { runId: 'run-3' })));
    await writeFile(join(dir, 'h', 'old.json'), JSON.stringify({ schema: 'fleetload.summary/v1' }));
    await writeFile(join(dir, 'h', 'broken.json'), '{');
    await writeFile(join(dir, 'h', 'README.md'), '# not a run');
    await mkdir(join(dir, 'h', 'baselines'));
    const h = await loadHistory(join(dir, 'h'));
    expect(h.runs.map((r) => r.runId)).toEqual(['run-1', 'run-2', 'run-3']);
    expect(h.warnings).toHaveLength(2);
    expect(h.warnings[0]).toMatch(/^history: left out .*broken\.json: is not valid JSON/);
    expect(h.warnings[1]).toMatch(/^history: left out .*old\.json: is a fleetload\.summary\/v1 summary/);
  });

  it('a missing history directory is a usage error naming it', async () => {
    expect(await usage(loadHistory(join(dir, 'none')))).toMatch(/none: no such directory; --history takes/);
  });
});

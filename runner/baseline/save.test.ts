import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { baselineFile } from '../compare/load';
import { syntheticSummary } from '../compare/synthetic';
import { UsageError } from '../errors';
import { writeSummary, type RunStatus } from '../report/summary';
import { runBaselineSave, saveBaseline } from './save';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'fleetload-baseline-'));
});

async function runDir(name: string, status: RunStatus = 'passed', profile = 'nightly'): Promise<string> {
  const dir = join(root, 'reports', name);
  await writeSummary(dir, syntheticSummary({ seed: 1, runId: name, status, profile, windows: 3, slis: { registration: { medianMs: 100, windowSpread: 0.1 } } }));
  return dir;
}

describe('saveBaseline', () => {
  it('copies summary.json byte for byte to reports/baselines/<profile>/summary.json, making the directories', async () => {
    const dir = await runDir('r1');
    const saved = await saveBaseline(dir, root);
    expect(saved).toEqual({ file: baselineFile(root, 'nightly'), profile: 'nightly', runId: 'r1', replaced: null });
    expect(await readFile(saved.file, 'utf8')).toBe(await readFile(join(dir, 'summary.json'), 'utf8'));
  });

  it('takes the summary.json path too, and says which baseline it replaced', async () => {
    await saveBaseline(await runDir('r1'), root);
    const saved = await saveBaseline(join(await runDir('r2'), 'summary.json'), root);
    expect(saved.replaced).toBe('r1');
    expect(JSON.parse(await readFile(saved.file, 'utf8'))).toMatchObject({ runId: 'r2' });
  });

  it.each(['interrupted', 'failed'] as const)('refuses an %s run unless forced', async (status) => {
    const dir = await runDir('bad', status);
    const err = await saveBaseline(dir, root).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).message).toMatch(new RegExp(`summary\\.json: is an? ${status} run \\(bad\\); a baseline must be a complete run; run it again, or pass --force`));
    expect((await saveBaseline(dir, root, { force: true })).runId).toBe('bad');
  });

  it('refuses what compare could not read', async () => {
    const file = join(root, 'old.json');
    await writeFile(file, JSON.stringify({ schema: 'fleetload.summary/v1' }));
    await expect(saveBaseline(file, root)).rejects.toThrow('is a fleetload.summary/v1 summary');
  });

  it('refuses to save the baseline onto itself', async () => {
    await saveBaseline(await runDir('r1'), root);
    await expect(saveBaseline(baselineFile(root, 'nightly'), root)).rejects.toThrow('is already the baseline of profile "nightly"');
  });
});

describe('runBaselineSave', () => {
  it('prints where the baseline went and answers 0', async () => {
    await runDir('r1');
    const out: string[] = [];
    const code = await runBaselineSave({ runDir: 'reports/r1', root, write: (s) => out.push(s), cwd: root });
    expect(code).toBe(0);
    expect(out.join('')).toBe('baseline of profile nightly: r1 saved to reports/baselines/nightly/summary.json\n');
  });
});

// `fleetload baseline save <run-dir> [--force]`: keep a run's summary.json as the baseline of its
// profile, reports/baselines/<profile>/summary.json, the file `fleetload compare baseline <run>`
// reads. Copied byte for byte (the summary is already the record; nothing to re-derive), after
// checking it is a v2 summary compare can read, so a broken baseline is refused here and not
// discovered at the next comparison.
import { copyFile, mkdir, readFile, rename } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors';
import { EXIT } from '../exit-codes';
import { baselineFile, parseSummary, readRun, shownPath } from '../compare/load';

export interface SavedBaseline {
  /** The baseline file written (absolute). */
  file: string;
  profile: string;
  runId: string;
  /** The run id of the baseline it replaced, if there was one. */
  replaced: string | null;
}

/** Runs that did not run to their end: their numbers describe part of a run, or none. */
const INCOMPLETE = new Set(['interrupted', 'failed']);

export async function saveBaseline(runDir: string, root: string, opts: { force?: boolean; cwd?: string } = {}): Promise<SavedBaseline> {
  const cwd = opts.cwd ?? process.cwd();
  const run = await readRun(runDir, cwd);
  const { summary } = run;
  if (INCOMPLETE.has(summary.status) && opts.force !== true) {
    throw new UsageError(shownPath(run.file, cwd), `is ${summary.status === 'failed' ? 'a failed' : 'an interrupted'} run (${summary.runId}); a baseline must be a complete run`, 'run it again, or pass --force to save it anyway');
  }
  const target = baselineFile(root, summary.profile);
  if (resolve(target) === resolve(run.file)) throw new UsageError(shownPath(run.file, cwd), `is already the baseline of profile "${summary.profile}"`);
  let replaced: string | null = null;
  try {
    replaced = parseSummary(await readFile(target, 'utf8'), target).runId;
  } catch {
    // No baseline yet, or an unreadable one: either way it is replaced.
  }
  await mkdir(dirname(target), { recursive: true });
  // Copy beside the target and rename, so a reader never sees half a baseline.
  const tmp = `${target}.tmp`;
  await copyFile(run.file, tmp);
  await rename(tmp, target);
  return { file: target, profile: summary.profile, runId: summary.runId, replaced };
}

/** The CLI's `baseline save`: saves, says where, answers 0 (errors are thrown UsageErrors, exit 2). */
export async function runBaselineSave(args: { runDir: string; root: string; force?: boolean; write: (s: string) => void; cwd?: string }): Promise<number> {
  const cwd = args.cwd ?? process.cwd();
  const saved = await saveBaseline(args.runDir, args.root, { force: args.force === true, cwd });
  const was = saved.replaced === null ? '' : ` (replaced ${saved.replaced})`;
  args.write(`baseline of profile ${saved.profile}: ${saved.runId} saved to ${shownPath(saved.file, cwd)}${was}\n`);
  return EXIT.ok;
}

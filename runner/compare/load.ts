// Reading the runs `fleetload compare` compares: a run directory, a summary.json, or the word
// `baseline`. Every way a run can be unreadable is a UsageError (exit 2) of one line that names
// the file, because a comparison that silently read the wrong file would be worse than none.
import { readFile, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { UsageError, errorMessage } from '../errors';
import { SUMMARY_SCHEMA, type RunSummary } from '../report/summary';

export const SUMMARY_FILE = 'summary.json';
/** The argument that names the saved baseline of the other run's profile (a directory of that name is `./baseline`). */
export const BASELINE_WORD = 'baseline';

export interface LoadedRun {
  summary: RunSummary;
  /** The summary.json read (absolute). */
  file: string;
  /** The directory it is in: where the comparison's files go by default. */
  dir: string;
}

/** Where the baseline of a profile is kept, under the package root. */
export function baselineFile(root: string, profile: string): string {
  return join(root, 'reports', 'baselines', profile, SUMMARY_FILE);
}

/** A path as the user should see it: relative to the working directory when under it. */
export function shownPath(abs: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The first field compare needs that the summary lacks or has of the wrong type, as a path
 * (`slos[2].percentile`); undefined when it has them all. Only what compare reads is checked:
 * a summary written by a later v2 with more fields still loads.
 */
function missingField(s: { [key: string]: Json }): string | undefined {
  const want = (obj: Json | undefined, path: string, fields: Record<string, 'string' | 'number' | 'object' | 'array' | 'number|null'>): string | undefined => {
    if (!isObject(obj)) return `${path || 'the summary'}: expected an object`;
    for (const [k, type] of Object.entries(fields)) {
      const v = obj[k];
      const at = path ? `${path}.${k}` : k;
      const ok =
        type === 'array' ? Array.isArray(v) : type === 'object' ? isObject(v) : type === 'number|null' ? v === null || typeof v === 'number' : typeof v === type;
      if (!ok) return `${at}: expected ${type === 'number|null' ? 'a number or null' : type === 'array' ? 'an array' : `a ${type === 'object' ? 'JSON object' : type}`}`;
    }
    return undefined;
  };
  const top = want(s, '', { runId: 'string', release: 'string', profile: 'string', status: 'string', startedAt: 'string', plan: 'object', target: 'object', slos: 'array', timeline: 'object' });
  if (top) return top;
  const plan = want(s.plan, 'plan', { clusters: 'number', sloWarmupS: 'number' });
  if (plan) return plan;
  const target = want(s.target, 'target', { protocol: 'string' });
  if (target) return target;
  const slos = s.slos as Json[];
  for (let i = 0; i < slos.length; i++) {
    const bad = want(slos[i], `slos[${i}]`, { sli: 'string', percentile: 'number', status: 'string', valueMs: 'number|null', stats: 'object', missing: 'number' });
    if (bad) return bad;
  }
  const timeline = want(s.timeline, 'timeline', { windows: 'array' });
  if (timeline) return timeline;
  const windows = (s.timeline as { [key: string]: Json }).windows as Json[];
  for (let i = 0; i < windows.length; i++) {
    const bad = want(windows[i], `timeline.windows[${i}]`, { startS: 'number', endS: 'number', slis: 'object' });
    if (bad) return bad;
  }
  return undefined;
}

/** A summary's text checked as a fleetload.summary/v2; `shown` is the file as the messages name it. */
export function parseSummary(text: string, shown: string): RunSummary {
  let data: Json;
  try {
    data = JSON.parse(text) as Json;
  } catch (err) {
    throw new UsageError(shown, `is not valid JSON (${oneLine(errorMessage(err))})`);
  }
  if (!isObject(data) || typeof data.schema !== 'string' || !data.schema.startsWith('fleetload.summary/')) {
    const what = isObject(data) && typeof data.schema === 'string' ? `its schema is "${oneLine(data.schema).slice(0, 80)}"` : 'no "schema" field';
    throw new UsageError(shown, `is not a fleetload run summary (${what})`, `give a run directory or its ${SUMMARY_FILE}`);
  }
  if (data.schema === 'fleetload.summary/v1') {
    throw new UsageError(shown, 'is a fleetload.summary/v1 summary; compare needs v2: run it again with this version');
  }
  if (data.schema !== SUMMARY_SCHEMA) {
    throw new UsageError(shown, `is a ${oneLine(data.schema).slice(0, 80)} summary, which this version does not read (it reads ${SUMMARY_SCHEMA})`, 'compare it with the fleetload version that wrote it');
  }
  const missing = missingField(data);
  if (missing) throw new UsageError(shown, `is not a complete ${SUMMARY_SCHEMA} summary (${missing})`);
  // Checked above for every field compare reads.
  return data as unknown as RunSummary;
}

async function kind(path: string): Promise<'file' | 'dir' | 'missing'> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

/** A summary.json file, or a run directory holding one. */
export async function readRun(pathGiven: string, cwd: string = process.cwd()): Promise<LoadedRun> {
  const abs = resolve(cwd, pathGiven);
  const k = await kind(abs);
  if (k === 'missing') throw new UsageError(shownPath(abs, cwd), 'no such file or directory', 'give a run directory (reports/<run-id>), its summary.json, or "baseline"');
  const file = k === 'dir' ? join(abs, SUMMARY_FILE) : abs;
  if (k === 'dir' && (await kind(file)) !== 'file') {
    throw new UsageError(shownPath(file, cwd), 'no such file', 'give a run directory (reports/<run-id>) or a summary.json');
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(shownPath(file, cwd), `cannot be read (${oneLine(errorMessage(err))})`);
  }
  return { summary: parseSummary(text, shownPath(file, cwd)), file, dir: k === 'dir' ? abs : resolve(file, '..') };
}

/** The saved baseline of a profile. */
export async function readBaseline(root: string, profile: string, cwd: string = process.cwd()): Promise<LoadedRun> {
  const file = baselineFile(root, profile);
  if ((await kind(file)) !== 'file') {
    throw new UsageError(shownPath(file, cwd), `no baseline for profile "${profile}"`, 'save one with `fleetload baseline save <run-dir>`');
  }
  return readRun(file, cwd);
}

/**
 * Both runs of a comparison. `baseline` for one of them is the saved baseline of the other's
 * profile, so `compare baseline reports/<run-id>` needs no path to remember.
 */
export async function loadPair(a: string, b: string, root: string, cwd: string = process.cwd()): Promise<{ a: LoadedRun; b: LoadedRun }> {
  if (a === BASELINE_WORD && b === BASELINE_WORD) {
    throw new UsageError('compare', 'both runs are "baseline"', 'name a run directory for one of them: compare baseline reports/<run-id>');
  }
  if (a === BASELINE_WORD) {
    const runB = await readRun(b, cwd);
    return { a: await readBaseline(root, runB.summary.profile, cwd), b: runB };
  }
  const runA = await readRun(a, cwd);
  const runB = b === BASELINE_WORD ? await readBaseline(root, runA.summary.profile, cwd) : await readRun(b, cwd);
  return { a: runA, b: runB };
}

export interface History {
  runs: RunSummary[];
  /** One line per file left out, naming it and why. */
  warnings: string[];
}

/**
 * Every summary under `dir`: its `*.json` files and the summary.json of each directory one level
 * down (so `reports/` itself works as a history). What is not a readable v2 summary is left out
 * with a warning, never an error: one stray file should not stop a comparison.
 */
export async function loadHistory(dir: string, cwd: string = process.cwd()): Promise<History> {
  const abs = resolve(cwd, dir);
  const k = await kind(abs);
  if (k !== 'dir') throw new UsageError(shownPath(abs, cwd), k === 'missing' ? 'no such directory' : 'is not a directory', '--history takes a directory of run directories or summary files');
  const entries = (await readdir(abs, { withFileTypes: true })).sort((p, q) => p.name.localeCompare(q.name));
  const runs: RunSummary[] = [];
  const warnings: string[] = [];
  for (const e of entries) {
    let file: string;
    if (e.isDirectory()) {
      file = join(abs, e.name, SUMMARY_FILE);
      // A directory without a summary (baselines/, a run that stopped in preflight) is not a run.
      if ((await kind(file)) !== 'file') continue;
    } else if (e.isFile() && e.name.endsWith('.json')) {
      file = join(abs, e.name);
    } else {
      continue;
    }
    try {
      runs.push((await readRun(file, cwd)).summary);
    } catch (err) {
      warnings.push(`history: left out ${err instanceof UsageError ? err.message : `${shownPath(file, cwd)}: ${oneLine(errorMessage(err))}`}`);
    }
  }
  return { runs, warnings };
}

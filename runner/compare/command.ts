// `fleetload compare <a|baseline> <b> [--history DIR] [--out DIR]`: load, compare, print the
// table, write compare.md, compare.json and compare.html (the page of runner/report/html/),
// and answer with the exit code of COMPARE_EXIT. Unreadable input throws a UsageError (exit 2),
// as every other usage problem of the CLI does, so the CLI prints it as one line.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { COMPARE_EXIT } from '../exit-codes';
import { UsageError, errorMessage } from '../errors';
import { renderCompareHtml } from '../report/html/compare';
import type { RunSummary } from '../report/summary';
import { compareRuns } from './compare';
import { BASELINE_WORD, loadHistory, loadPair, shownPath } from './load';
import { compareMarkdown, compareTable } from './render';
import type { Comparison } from './types';

/** The comparison page's renderer: runner/report/html/compare.ts's by default. */
export type CompareHtmlRenderer = (a: RunSummary, b: RunSummary, comparison: Comparison) => string | Promise<string>;

export interface CompareArgs {
  /** Run A (the reference): a run directory, a summary.json, or `baseline`. */
  a: string;
  /** Run B (the candidate): the same forms. */
  b: string;
  /** A directory of earlier runs like A, to widen the noise band with. */
  history?: string;
  /** Where compare.md goes; default B's run directory (A's when B is the baseline, so baselines stay untouched). */
  out?: string;
  /** The package root, where reports/baselines/ is. */
  root: string;
  write: (s: string) => void;
  /** Relative paths are taken from here; default the process's working directory. */
  cwd?: string;
  /** Renders compare.html, written next to compare.md; default renderCompareHtml, `false` for none. */
  renderHtml?: CompareHtmlRenderer | false;
}

export const COMPARE_FILES = { markdown: 'compare.md', json: 'compare.json', html: 'compare.html' } as const;

/** The "Exit codes:" block of `compare --help` (COMPARE_EXIT's meanings). */
export const COMPARE_EXIT_HELP = [
  '',
  'Exit codes:',
  `  ${COMPARE_EXIT.ok}    no SLI worse beyond noise (better, within noise or inconclusive)`,
  `  ${COMPARE_EXIT.worse}    an SLI is worse beyond noise`,
  `  ${COMPARE_EXIT.usage}    bad input: a missing run, a file that is no summary, broken JSON, an old summary version`,
].join('\n');

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

export async function runCompare(args: CompareArgs): Promise<number> {
  const cwd = args.cwd ?? process.cwd();
  const { a, b } = await loadPair(args.a, args.b, args.root, cwd);
  let history: RunSummary[] = [];
  if (args.history !== undefined) {
    const loaded = await loadHistory(args.history, cwd);
    for (const w of loaded.warnings) args.write(`warning: ${w}\n`);
    history = loaded.runs;
  }
  const comparison = compareRuns(a.summary, b.summary, history);
  args.write(compareTable(comparison));

  const outDir = args.out !== undefined ? resolve(cwd, args.out) : args.b === BASELINE_WORD ? a.dir : b.dir;
  // Rendered before anything is written: a failing renderer is a bug to see, not a usage error.
  const render = args.renderHtml === undefined ? renderCompareHtml : args.renderHtml;
  const html = render === false ? undefined : await render(a.summary, b.summary, comparison);
  const written: string[] = [];
  try {
    await mkdir(outDir, { recursive: true });
    const md = join(outDir, COMPARE_FILES.markdown);
    await writeAtomic(md, compareMarkdown(comparison));
    written.push(md);
    // The same verdicts for tools (CI annotations, dashboards), in the contract's shape.
    const json = join(outDir, COMPARE_FILES.json);
    await writeAtomic(json, `${JSON.stringify(comparison, null, 2)}\n`);
    written.push(json);
    if (html !== undefined) {
      const page = join(outDir, COMPARE_FILES.html);
      await writeAtomic(page, html);
      written.push(page);
    }
  } catch (err) {
    throw new UsageError(args.out !== undefined ? '--out' : shownPath(outDir, cwd), `cannot write the comparison there (${errorMessage(err).replace(/\s*\n\s*/g, ' ')})`, 'give a writable directory with --out');
  }
  args.write(`written: ${written.map((f) => shownPath(f, cwd)).join(', ')}\n`);
  return comparison.worse ? COMPARE_EXIT.worse : COMPARE_EXIT.ok;
}

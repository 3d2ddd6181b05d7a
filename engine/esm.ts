// Plain k6 scripts are often ES modules; real k6 runs those directly. The embedded engine runs
// CommonJS, so an ES module script is bundled once with esbuild exactly as the runner bundles
// scenarios (cjs, es2017, k6 modules external) into a temporary file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { ScriptError } from './errors';
import { K6_BUNDLE_OPTIONS } from './k6-bundle';

const ESM_SYNTAX = /^\s*(import\s[\s\S]*?from\s*['"]|import\s*['"]|export\s+(default|const|let|var|function|async|class|\{|\*))/m;

export function looksLikeEsm(source: string): boolean {
  return ESM_SYNTAX.test(source);
}

export interface PreparedBundle {
  path: string;
  cleanup(): void;
}

export async function prepareBundle(path: string): Promise<PreparedBundle> {
  let source: string;
  try {
    source = readFileSync(resolve(path), 'utf8');
  } catch {
    // compileBundle reports the missing file the way k6 does.
    return { path, cleanup: () => undefined };
  }
  if (!looksLikeEsm(source)) return { path, cleanup: () => undefined };
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new ScriptError(`'${path}' is an ES module and esbuild is not installed to bundle it; bundle it as CommonJS (format cjs, target es2017, external k6/*)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'fleetload-engine-'));
  const out = join(dir, basename(path).replace(/\.[cm]?[jt]s$/, '') + '.cjs.js');
  try {
    await esbuild.build({
      entryPoints: [resolve(path)],
      outfile: out,
      ...K6_BUNDLE_OPTIONS,
      mainFields: [...K6_BUNDLE_OPTIONS.mainFields],
      external: [...K6_BUNDLE_OPTIONS.external],
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const first = (err as { errors?: Array<{ text: string; location?: { line: number; column: number } | null }> }).errors?.[0];
    const where = first?.location ? `:${first.location.line}:${first.location.column}` : '';
    throw new ScriptError(`could not initialize '${path}'${where}: ${first?.text ?? (err instanceof Error ? err.message : String(err))}`);
  }
  return { path: out, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// Loads the CommonJS bundle that real k6 runs, compiles it once, and instantiates it per VU by
// calling the compiled wrapper with that VU's `require`, `module` and scope. Module-level state is
// thereby per VU, as in k6, while the code itself is parsed and optimised only once.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Script } from 'node:vm';
import { K6ExitError, ScriptError } from './errors';
import { K6_EXIT } from './exit-codes';

/** What each VU instantiation gets; `__ITER` and `__ENV` are read through `scope`. */
export interface BundleScope {
  iter: number;
  env: Record<string, string>;
}

export type BundleConsole = Record<'log' | 'info' | 'debug' | 'warn' | 'error', (...args: unknown[]) => void>;

export type BundleFunction = (
  require: (name: string) => unknown,
  module: { exports: Record<string, unknown> },
  exports: Record<string, unknown>,
  __VU: number,
  console: BundleConsole,
  __fl: BundleScope,
  open: (path: string, mode?: string) => string | ArrayBuffer,
) => void;

export interface CompiledBundle {
  path: string;
  fn: BundleFunction;
  open: (path: string, mode?: string) => string | ArrayBuffer;
}

/**
 * `__ITER` changes between iterations and `__ENV` between scenarios, yet VUs share one compiled
 * function; rewriting the two identifiers into reads of a per-VU scope object is far cheaper
 * than a vm context or AsyncLocalStorage per VU.
 */
export function rewriteGlobals(source: string): string {
  return source.replace(/(?<![\w$.])__(ITER|ENV)(?![\w$])/g, (_m, g: string) => (g === 'ITER' ? '__fl.iter' : '__fl.env'));
}

const WRAP_HEAD = '(function (require, module, exports, __VU, console, __fl, open) {';

export function compileBundle(path: string): CompiledBundle {
  const abs = resolve(path);
  let source: string;
  try {
    source = readFileSync(abs, 'utf8');
  } catch {
    throw new K6ExitError(`The moduleSpecifier "${path}" couldn't be found on local disk. Make sure that you've specified the right path to the file.`, K6_EXIT.unclassified);
  }
  // Source maps and a leading hashbang are fine for a function body, except the hashbang.
  const body = rewriteGlobals(source.replace(/^#!.*/, ''));
  let fn: BundleFunction;
  try {
    // The wrapper takes a line of its own; lineOffset keeps the script's line and column numbers.
    fn = new Script(`${WRAP_HEAD}\n${body}\n})`, { filename: abs, lineOffset: -1 }).runInThisContext() as BundleFunction;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const esm = /\b(export|import)\b/.test(msg) || /Cannot use import statement|Unexpected token 'export'/.test(msg);
    const hint = esm ? ' (the embedded engine runs CommonJS bundles: build with esbuild format "cjs", target es2017)' : '';
    throw new ScriptError(`could not initialize '${path}': could not load JS test '${abs}': ${msg}${hint}`);
  }
  const baseDir = resolve(abs, '..');
  const files = new Map<string, string | ArrayBuffer>();
  const open = (p: string, mode?: string): string | ArrayBuffer => {
    const key = `${mode ?? ''}:${p}`;
    const hit = files.get(key);
    if (hit !== undefined) return hit;
    const full = resolve(baseDir, p);
    let content: string | ArrayBuffer;
    try {
      if (mode === 'b') {
        const buf = readFileSync(full);
        content = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
      } else content = readFileSync(full, 'utf8');
    } catch {
      throw new Error(`open() can't find file "${p}" (resolved to ${full})`);
    }
    files.set(key, content);
    return content;
  };
  return { path: abs, fn, open };
}

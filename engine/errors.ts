import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { K6_EXIT } from './exit-codes';

// The errors that carry a k6 exit code, so that every failure path ends in one clear line and the
// right code instead of an engine stack trace. Named after k6, not "Engine…"/"Config…": the
// runner has classes of those names with its own exit codes (runner/errors.ts).

export class K6ExitError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Invalid k6 options, scenarios or thresholds (k6's exit 104). */
export class K6OptionsError extends K6ExitError {
  override name = 'K6OptionsError';
  constructor(message: string) {
    super(message, K6_EXIT.invalidConfig);
  }
}

export class ScriptError extends K6ExitError {
  override name = 'ScriptError';
  constructor(message: string) {
    super(message, K6_EXIT.scriptException);
  }
}

/** Thrown by `exec.test.abort()`; unwinds the iteration and stops the whole run. */
export class TestAbortError extends Error {
  override name = 'TestAbortError';
  constructor(readonly reason: string) {
    super(reason === '' ? 'test aborted' : `test aborted: ${reason}`);
  }
}

// Frames of the engine itself: this file when bundled (dist/node/*/…js), or engine/*.ts sources.
const SELF = fileURLToPath(import.meta.url);
const SELF_DIR = dirname(SELF) + sep;

function isEngineFrame(line: string): boolean {
  return line.includes('node:internal') || line.includes('node_modules') || line.includes(SELF) || (SELF.endsWith('.ts') && line.includes(SELF_DIR));
}

/** A script error rendered the way k6 logs it: message and the script's own frames only. */
export function describeScriptError(err: unknown): string {
  if (err instanceof Error) {
    const frames = (err.stack ?? '')
      .split('\n')
      .slice(1)
      .filter((l) => !isEngineFrame(l))
      .map((l) => l.trim());
    const head = `${err.name === 'Error' ? 'Error' : err.name}: ${err.message}`;
    return frames.length > 0 ? `${head}\n\t${frames.join('\n\t')}` : head;
  }
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// k6's exit codes (errext/exitcodes) and the errors that carry them, so that every failure path
// ends in one clear line and the right code instead of an engine stack trace.

export const ExitCode = {
  ok: 0,
  thresholdsFailed: 99,
  invalidConfig: 104,
  externalAbort: 105,
  scriptException: 107,
  scriptAborted: 108,
} as const;

export class EngineError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export class ConfigError extends EngineError {
  override name = 'ConfigError';
  constructor(message: string) {
    super(message, ExitCode.invalidConfig);
  }
}

export class ScriptError extends EngineError {
  override name = 'ScriptError';
  constructor(message: string) {
    super(message, ExitCode.scriptException);
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

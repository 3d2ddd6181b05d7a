// What a doctor check is and how its one line reads. Checks take their whole world (package root,
// environment, file-descriptor limit) from a DoctorContext, so a test can hand them a fake one.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative } from 'node:path';
import type { FdLimit } from '../preflight/fd-limit';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  status: CheckStatus;
  /** The check's name, e.g. `k6`: the line starts with it. */
  name: string;
  /** What it found, in a phrase or two. */
  found: string;
  /** What to do about it; given for warn and fail. */
  fix?: string;
}

export interface DoctorContext {
  /** The package root (k6.pin.json, .cache/, kube/apiserver/). */
  root: string;
  /** The environment a run would see: K6_BIN, PATH, KUBE_APISERVER_BIN, ... */
  env: NodeJS.ProcessEnv;
  /** `--clusters N`, or undefined for the smoke profile's own fleet. */
  clusters: number | undefined;
  /** The descriptor limit a run from this shell would get. */
  fdLimit: () => FdLimit | undefined;
}

export interface DoctorCheck {
  name: string;
  run(ctx: DoctorContext): CheckResult;
}

/** `ok    k6: ...; fix: ...`: the status padded so that the names line up. */
export function formatLine(r: CheckResult): string {
  return `${r.status.padEnd(4)}  ${r.name}: ${r.found}${r.fix !== undefined ? `; fix: ${r.fix}` : ''}`;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` on the context's PATH (not the process's: tests pass their own). */
export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export interface ToolOutput {
  ok: boolean;
  /** stdout and stderr together: tools disagree on where a version goes. */
  text: string;
  /** Why it did not run or failed, for the line. */
  problem?: string;
}

/** Runs `path args` with the context's environment and a timeout: a hung tool must not hang doctor. */
export function runTool(path: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): ToolOutput {
  const res = spawnSync(path, [...args], { encoding: 'utf8', env, timeout: timeoutMs });
  const text = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  if (res.error) return { ok: false, text, problem: `did not run (${res.error.message})` };
  if (res.status !== 0) return { ok: false, text, problem: `"${[path, ...args].join(' ')}" exited with ${res.status ?? res.signal}` };
  return { ok: true, text };
}

/** A path as a user of the checkout reads it: relative to the package root when under it. */
export function shown(path: string, root: string): string {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** `go1.26.8` or `1.26.0` → [1, 26, 8]. */
export function versionTuple(v: string): number[] {
  return (/\d+(\.\d+)*/.exec(v)?.[0] ?? '0').split('.').map(Number);
}

export function olderThan(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0;
  }
  return false;
}

export function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}

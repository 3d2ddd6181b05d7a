// Real k6 as the engine: spawned with `--out json=<named pipe>`, the plan passed with -e, its exit
// code mapped by the runner. Its own output goes to the run log.
import { spawn, spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { K6ModuleSet, TimersModule, WebsocketsModule } from '../build/scenarios';
import { EngineFailure, UsageError } from '../errors';
import type { K6Location } from '../k6/locate';
import { K6_EXIT, type EngineOutcome, type EngineRun, type LoadEngine } from './engine';
import { makeFifo, readJsonLines } from './fifo';

export interface K6Version {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

export function parseK6Version(output: string): K6Version | undefined {
  const m = /v(\d+)\.(\d+)\.(\d+)/.exec(output);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: m[0] };
}

/** k6/timers exists from v0.50; before that only k6/experimental/timers (k6-compat.md). */
export function timersModuleFor(v: K6Version): TimersModule {
  return v.major > 0 || v.minor >= 50 ? 'k6/timers' : 'k6/experimental/timers';
}

/**
 * k6/websockets exists from v1.6.0 (k6 PR #5586, "WebSockets module is now stable" in its
 * release notes); before that only k6/experimental/websockets, which v1.6 on still load.
 */
export function websocketsModuleFor(v: K6Version): WebsocketsModule {
  return v.major > 1 || (v.major === 1 && v.minor >= 6) ? 'k6/websockets' : 'k6/experimental/websockets';
}

/** Every version-dependent module path, as this k6 has them. */
export function k6ModulesFor(v: K6Version): K6ModuleSet {
  return { timers: timersModuleFor(v), websockets: websocketsModuleFor(v) };
}

export function probeK6(location: K6Location): K6Version {
  // A K6_BIN the user set that is no usable k6 is their configuration; a broken cache or PATH k6 is ours.
  const fail = (problem: string, fix: string): never => {
    if (location.source === 'K6_BIN') throw new UsageError('K6_BIN', `${location.path} ${problem}`, fix);
    throw new EngineFailure(`k6 at ${location.path} (from ${location.source}) ${problem}; ${fix}`);
  };
  const res = spawnSync(location.path, ['version'], { encoding: 'utf8', timeout: 15_000 });
  if (res.error) return fail(`did not run (${res.error.message})`, 'point K6_BIN at a k6 binary, or run npm run k6:build');
  const v = parseK6Version(`${res.stdout}${res.stderr}`);
  if (!v) return fail(`printed no k6 version to "k6 version" (${JSON.stringify(res.stdout.trim().slice(0, 80))})`, 'point K6_BIN at a k6 binary, or run npm run k6:build');
  if (v.major === 0 && v.minor < 49) return fail(`is k6 ${v.text}, older than v0.49, the oldest the scenarios support`, 'run npm run k6:build');
  return v;
}

/** What a run adds to k6's command line: outputs beside the runner's JSON pipe, and run tags. */
export interface K6Extras {
  /** Prometheus remote-write URL for k6's experimental-prometheus-rw output. */
  prometheusRw?: string;
  /** `--tag` pairs on every sample, e.g. testid (the convention for remote-write dashboards). */
  tags?: Record<string, string>;
}

export function k6Args(pipe: string, bundlePath: string, env: Record<string, string>, extras: K6Extras): string[] {
  const args = ['run', '--no-usage-report', '--quiet', '--out', `json=${pipe}`];
  if (extras.prometheusRw !== undefined) args.push('--out', 'experimental-prometheus-rw');
  for (const [k, v] of Object.entries(extras.tags ?? {})) args.push('--tag', `${k}=${v}`);
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
  args.push(bundlePath);
  return args;
}

export function k6Engine(location: K6Location, workDir: string, extras: K6Extras = {}): LoadEngine {
  const version = probeK6(location);
  return {
    name: 'k6',
    version: `k6 ${version.text} (${location.source}: ${location.path})`,
    k6Modules: k6ModulesFor(version),
    capacityCores: availableParallelism(),
    async run(run: EngineRun): Promise<EngineOutcome> {
      const pipe = join(workDir, 'k6-samples.fifo');
      await rm(pipe, { force: true });
      await makeFifo(pipe);
      const reader = readJsonLines(pipe, run.onSamples, run.wanted);
      const args = k6Args(pipe, run.bundlePath, run.env, extras);
      const env: NodeJS.ProcessEnv = { ...process.env, K6_NO_COLOR: 'true' };
      if (extras.prometheusRw !== undefined) env.K6_PROMETHEUS_RW_SERVER_URL = extras.prometheusRw;
      const child = spawn(location.path, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
      if (child.pid !== undefined) run.onStart?.(child.pid);
      for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', run.onLog);
      const onAbort = (): void => {
        child.kill('SIGINT');
      };
      // A second Ctrl-C exits the runner at once: k6 must not outlive it.
      const killOnExit = (): void => {
        child.kill('SIGKILL');
      };
      process.once('exit', killOnExit);
      run.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const exitCode = await new Promise<number>((resolve, reject) => {
          child.once('error', (err) => reject(new EngineFailure(`k6 did not start: ${err.message}`)));
          child.once('exit', (code, sig) => resolve(code ?? (sig === 'SIGINT' ? K6_EXIT.externalAbort : K6_EXIT.genericEngine)));
        });
        reader.release();
        await reader.done;
        if (reader.malformed > 0) run.onMalformed?.(reader.malformed);
        return { exitCode };
      } finally {
        process.off('exit', killOnExit);
        run.signal.removeEventListener('abort', onAbort);
        await rm(pipe, { force: true });
      }
    },
  };
}

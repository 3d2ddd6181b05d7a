// The simulator as a child process: the one starter for the runner (its default target) and the
// tests. It lives here because it depends on the CLI's contract (main.ts prints
// `{"event":"listening","url":...}` on stdout once it listens), which only the simulator may change.
// The child never outlives the process that started it: it is killed on that process's 'exit'.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The bundled CLI, relative to the repository root (built by `scripts/build.ts --node-only`). */
export const SIMULATOR_MAIN = join('dist', 'node', 'simulator', 'main.js');

/** How many of the child's last stderr lines a start error carries. */
const STDERR_TAIL = 20;

export interface SimulatorStartOptions {
  /** Repository root: the child runs `<root>/dist/node/simulator/main.js`. */
  root: string;
  /** More flags for the simulator (they come after --host/--port, so they win over them). */
  args?: string[];
  /** Every line the child prints, as printed (no prefix), also after it listens. */
  onLog?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** How long to wait for the listening line (default 15,000 ms). */
  timeoutMs?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port to listen on (default 0: ephemeral, read back from the listening line). */
  port?: number;
  /** How long stop() waits after its signal before SIGKILL (default 5,000 ms). */
  killAfterMs?: number;
}

export interface SimulatorExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SimulatorHandle {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Settles once the child has exited, however that came about. */
  readonly exited: Promise<SimulatorExit>;
  /** Sends a signal and nothing more (tests of signal handling); false when it could not be sent. */
  kill(signal?: NodeJS.Signals): boolean;
  /**
   * Sends `signal` (SIGTERM by default: parked long polls are answered, state is saved), then
   * SIGKILL if the child has not exited after `killAfterMs`; resolves once it has exited. A no-op
   * when it already has; a second call waits for the first.
   */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export type SimulatorStartFailure = 'not-built' | 'spawn' | 'exited' | 'timeout';

/** The simulator did not come up; the message says why and, when it printed any, ends with its last stderr lines. */
export class SimulatorStartError extends Error {
  override readonly name = 'SimulatorStartError';

  constructor(
    readonly reason: SimulatorStartFailure,
    message: string,
    /** The child's last stderr lines (at most 20), oldest first. */
    readonly stderr: readonly string[] = [],
    /** How it exited, for `exited` (and `timeout`, where it was killed). */
    readonly exit: SimulatorExit | null = null,
  ) {
    super(stderr.length === 0 ? message : `${message}; its last stderr lines:\n${stderr.join('\n')}`);
  }
}

// One 'exit' listener for every child, rather than one each (a test file may start dozens).
// 'exit' handlers must be synchronous: SIGKILL is the only thing that can still be done there.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killAllOnExit(): void {
  for (const child of live) child.kill('SIGKILL');
}

function exitOf(code: number | null, signal: NodeJS.Signals | null): SimulatorExit {
  return { code, signal };
}

function describeExit(e: SimulatorExit): string {
  return e.signal === null ? `exited with code ${String(e.code)}` : `was killed by ${e.signal}`;
}

export async function startSimulatorProcess(opts: SimulatorStartOptions): Promise<SimulatorHandle> {
  const { root, args = [], onLog, timeoutMs = 15_000, host = '127.0.0.1', port = 0, killAfterMs = 5000 } = opts;
  const main = join(root, SIMULATOR_MAIN);
  // Without this check a missing build looks like a crash ("exited with code 1").
  if (!existsSync(main)) throw new SimulatorStartError('not-built', `the simulator is not built (no ${main}); run: npx tsx scripts/build.ts --node-only`);

  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [main, '--host', host, '--port', String(port), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new SimulatorStartError('spawn', `could not spawn the simulator: ${err instanceof Error ? err.message : String(err)}`);
  }
  live.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', killAllOnExit);
  }

  // Spawn failures (EAGAIN, EMFILE...) arrive as 'error' without a pid, on a later tick. Listened
  // for at once: an 'error' nobody listens to would crash the caller.
  const spawnFailed = new Promise<Error>((resolve) => {
    child.on('error', (err) => {
      if (child.pid === undefined) resolve(err);
    });
  });
  const stderrTail: string[] = [];
  // 'close' comes after the pipes are drained, so a start error's stderr tail is whole; 'exit' is
  // what stop() waits for.
  const closed = new Promise<SimulatorExit>((resolve) => {
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => resolve(exitOf(code, signal)));
  });
  const exited = new Promise<SimulatorExit>((resolve) => {
    child.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      live.delete(child);
      resolve(exitOf(code, signal));
    });
  });

  const stderr = child.stderr;
  const stdout = child.stdout;
  if (stderr === null || stdout === null) throw new SimulatorStartError('spawn', 'could not spawn the simulator: no stdio pipes');
  createInterface({ input: stderr, crlfDelay: Infinity }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > STDERR_TAIL) stderrTail.shift();
    onLog?.(line, 'stderr');
  });

  const url = await new Promise<string>((resolve, reject) => {
    let settled = false;
    const fail = (err: SimulatorStartError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(err);
    };
    let timedOut = false;
    const timer = setTimeout(() => {
      // Killed before the caller hears of it, so a caller that gives up leaves nothing running.
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    void spawnFailed.then((err) => {
      live.delete(child);
      fail(new SimulatorStartError('spawn', `could not spawn the simulator: ${err.message}`));
    });
    void closed.then((e) =>
      fail(
        timedOut
          ? new SimulatorStartError('timeout', `the simulator did not listen within ${timeoutMs} ms (killed)`, [...stderrTail], e)
          : new SimulatorStartError('exited', `the simulator ${describeExit(e)} before listening`, [...stderrTail], e),
      ),
    );
    createInterface({ input: stdout, crlfDelay: Infinity }).on('line', (line) => {
      onLog?.(line, 'stdout');
      if (settled) return;
      const listening = parseListening(line);
      if (listening === null) return;
      settled = true;
      clearTimeout(timer);
      resolve(listening);
    });
  });

  let stopping: Promise<void> | null = null;
  const hasExited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    url,
    port: Number(new URL(url).port),
    pid: child.pid ?? 0,
    exited,
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      return child.kill(signal);
    },
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      stopping ??= (async () => {
        if (hasExited()) return;
        child.kill(signal);
        const escalate = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        await exited;
        clearTimeout(escalate);
      })();
      return stopping;
    },
  };
}

/** The URL of main.ts's listening line, or null for any other line. */
function parseListening(line: string): string | null {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof msg !== 'object' || msg === null) return null;
  const { event, url } = msg as { event?: unknown; url?: unknown };
  return event === 'listening' && typeof url === 'string' ? url : null;
}

// The reference control plane as a child process on a free loopback port: the default target.
// It never outlives the runner: stopped on every exit path, killed if it does not stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TargetError } from '../errors';

export interface SimulatorHandle {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface SimulatorStart {
  root: string;
  args: string[];
  onLog: (line: string) => void;
  timeoutMs?: number;
}

export async function startSimulatorProcess({ root, args, onLog, timeoutMs = 15_000 }: SimulatorStart): Promise<SimulatorHandle> {
  const main = join(root, 'dist', 'node', 'simulator', 'main.js');
  const child: ChildProcess = spawn(process.execPath, [main, '--host', '127.0.0.1', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  if (child.stderr) createInterface({ input: child.stderr }).on('line', (l) => onLog(`[simulator] ${l}`));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TargetError(`the simulator did not start listening within ${timeoutMs} ms`)), timeoutMs);
    child.once('error', (err) => reject(new TargetError(`the simulator did not start: ${err.message}`)));
    child.once('exit', (code) => reject(new TargetError(`the simulator exited with code ${code} before listening (see the run log)`)));
    lines.on('line', (line) => {
      onLog(`[simulator] ${line}`);
      try {
        const msg = JSON.parse(line) as { event?: string; url?: string };
        if (msg.event === 'listening' && typeof msg.url === 'string') {
          clearTimeout(timer);
          resolve(msg.url);
        }
      } catch {
        // Not the listening line.
      }
    });
  });
  child.removeAllListeners('exit');
  return {
    url,
    pid: child.pid ?? 0,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

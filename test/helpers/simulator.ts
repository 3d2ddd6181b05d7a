// The simulator as a real child process, for suites that point the runner at it with --target.
// A thin wrapper over the simulator's own starter (simulator/process.ts), which the runner uses too.
import { DEFAULT_TOKENS } from '../../simulator/api';
import { startSimulatorProcess, type SimulatorHandle } from '../../simulator/process';
import { ROOT } from './cli';

/** `url`, `port`, `pid`, `exited`, `kill(signal)`, `stop(signal)`: see simulator/process.ts. */
export type SimulatorProcess = SimulatorHandle;

/** Starts the built simulator on 127.0.0.1 (`port` 0: a free one) with extra CLI flags. */
export function startSimulator(args: string[] = [], port = 0): Promise<SimulatorProcess> {
  return startSimulatorProcess({ root: ROOT, args, port });
}

/** GET with the default operator token; throws on a non-2xx answer. */
export async function operatorGet<T>(url: string, path: string): Promise<T> {
  const res = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${DEFAULT_TOKENS.operator}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

// Simulator options: defaults, validation (errors name the option), then frozen. The CLI maps
// flags onto these; tests and benchmarks pass them directly to startSimulator.
import { DEFAULT_TOKENS } from './api';
import { NO_FAULTS, type FaultConfig } from './faults';

export interface SimulatorOptions {
  host: string;
  /** 0 = ephemeral. */
  port: number;
  registrationToken: string;
  operatorToken: string;
  /** Credential-issuing workers: registrations beyond this wait in the queue. */
  registrationWorkers: number;
  /** Time one worker spends issuing one credential. */
  registrationCostMs: number;
  /** `wait`: the cost is spent elsewhere (external CA); `cpu`: it burns the simulator's own CPU. */
  registrationCostMode: 'wait' | 'cpu';
  leaseDurationSeconds: number;
  /** A lease lapses when now - lastRenewal > duration * grace. */
  leaseGrace: number;
  maxBodyBytes: number;
  faults: FaultConfig;
  /** Persist state here (on a timer and at shutdown) and load it at start; null = in memory only. */
  stateFile: string | null;
  stateSaveIntervalSeconds: number;
  /** Newest events kept per namespace. */
  eventsPerNamespace: number;
  /** Upper bound of `timeoutSeconds` / `waitSeconds` on long polls. */
  maxWaitSeconds: number;
  /** Default `timeoutSeconds` of a deployment watch without one. */
  defaultWatchSeconds: number;
  /** Collect prom-client's default process metrics (off saves a little CPU in benchmarks). */
  processMetrics: boolean;
}

export const DEFAULT_OPTIONS: Readonly<SimulatorOptions> = Object.freeze({
  host: '127.0.0.1',
  port: 8080,
  registrationToken: DEFAULT_TOKENS.registration,
  operatorToken: DEFAULT_TOKENS.operator,
  registrationWorkers: 8,
  registrationCostMs: 2,
  registrationCostMode: 'wait',
  leaseDurationSeconds: 40,
  leaseGrace: 1.5,
  maxBodyBytes: 1024 * 1024,
  faults: NO_FAULTS,
  stateFile: null,
  stateSaveIntervalSeconds: 5,
  eventsPerNamespace: 1000,
  maxWaitSeconds: 300,
  defaultWatchSeconds: 30,
  processMetrics: true,
});

export class OptionError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`);
  }
}

function num(name: string, v: number, min: number, max: number, integer: boolean): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v)))
    throw new OptionError(name, `must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}, got ${String(v)}`);
}

export function resolveOptions(partial: Partial<SimulatorOptions> = {}): Readonly<SimulatorOptions> {
  const o: SimulatorOptions = { ...DEFAULT_OPTIONS, ...partial };
  if (typeof o.host !== 'string' || o.host === '') throw new OptionError('host', 'must be a non-empty string');
  num('port', o.port, 0, 65535, true);
  if (typeof o.registrationToken !== 'string' || o.registrationToken === '')
    throw new OptionError('registrationToken', 'must be a non-empty string');
  if (typeof o.operatorToken !== 'string' || o.operatorToken === '') throw new OptionError('operatorToken', 'must be a non-empty string');
  if (o.operatorToken === o.registrationToken) throw new OptionError('operatorToken', 'must differ from registrationToken');
  num('registrationWorkers', o.registrationWorkers, 1, 10_000, true);
  num('registrationCostMs', o.registrationCostMs, 0, 600_000, false);
  if (o.registrationCostMode !== 'wait' && o.registrationCostMode !== 'cpu')
    throw new OptionError('registrationCostMode', `must be wait or cpu, got ${String(o.registrationCostMode)}`);
  num('leaseDurationSeconds', o.leaseDurationSeconds, 0.01, 86_400, false);
  num('leaseGrace', o.leaseGrace, 1, 1000, false);
  num('maxBodyBytes', o.maxBodyBytes, 64, 1024 * 1024 * 1024, true);
  num('faults.maxInflight', o.faults.maxInflight, 0, 1_000_000, true);
  num('stateSaveIntervalSeconds', o.stateSaveIntervalSeconds, 0.05, 86_400, false);
  num('eventsPerNamespace', o.eventsPerNamespace, 0, 1_000_000, true);
  num('maxWaitSeconds', o.maxWaitSeconds, 0, 3600, false);
  num('defaultWatchSeconds', o.defaultWatchSeconds, 0, o.maxWaitSeconds, false);
  if (o.stateFile !== null && (typeof o.stateFile !== 'string' || o.stateFile === ''))
    throw new OptionError('stateFile', 'must be a path or null');
  return Object.freeze({ ...o, faults: Object.freeze({ ...o.faults, errorRate: Object.freeze({ ...o.faults.errorRate }) }) });
}

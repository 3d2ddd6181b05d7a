// The runner's error classes, each with its exit code (runner/exit-codes.ts). An SLO breach is a
// finding about the target, not a failure of the harness: it has its own type and its own code.
import { EXIT, type ExitCode } from './exit-codes';

export { EXIT, type ExitCode } from './exit-codes';


export abstract class FleetloadError extends Error {
  abstract readonly exitCode: ExitCode;
  abstract readonly code: string;
}

/** Bad flags or configuration. `path` names the flag or config field, `fix` says what to do. */
export class UsageError extends FleetloadError {
  readonly exitCode = EXIT.usage;
  readonly code = 'FLEETLOAD_USAGE';
  constructor(
    readonly path: string,
    problem: string,
    readonly fix?: string,
  ) {
    super(`${path}: ${problem}${fix ? `; ${fix}` : ''}`);
    this.name = 'UsageError';
  }
}

/** Several configuration problems at once, so a user fixes them in one go. */
export class ConfigInvalid extends FleetloadError {
  readonly exitCode = EXIT.usage;
  readonly code = 'FLEETLOAD_CONFIG';
  constructor(readonly issues: readonly { path: string; message: string }[]) {
    super(`invalid configuration:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigInvalid';
  }
}

/** The target could not be reached or does not speak the protocol. */
export class TargetError extends FleetloadError {
  readonly exitCode = EXIT.targetOrEngine;
  readonly code = 'FLEETLOAD_TARGET';
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

/** The load engine (real k6 or the embedded one) failed to start or crashed. */
export class EngineFailure extends FleetloadError {
  readonly exitCode = EXIT.targetOrEngine;
  readonly code = 'FLEETLOAD_ENGINE';
  constructor(message: string) {
    super(message);
    this.name = 'EngineFailure';
  }
}

/** One or more SLOs breached; carries the SLI names so the caller can print them. */
export class SloViolation extends FleetloadError {
  readonly exitCode = EXIT.sloViolation;
  readonly code = 'FLEETLOAD_SLO_VIOLATION';
  constructor(readonly slis: readonly string[]) {
    super(`SLO breached: ${slis.join(', ')}`);
    this.name = 'SloViolation';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A breach that the load generator may have caused: the run says nothing either way about the
 * target. Never reported as a breach, so CI never blames a target for the harness's limits.
 */
export class GeneratorSaturated extends FleetloadError {
  readonly exitCode = EXIT.inconclusive;
  readonly code = 'FLEETLOAD_INCONCLUSIVE';
  constructor(
    readonly slis: readonly string[],
    readonly reasons: readonly string[],
  ) {
    super(`inconclusive: ${slis.join(', ')} breached while the load generator was saturated (${reasons.join('; ')}); give the engine its own cores, split the fleet over engine instances or machines, or run fewer agents per machine`);
    this.name = 'GeneratorSaturated';
  }
}

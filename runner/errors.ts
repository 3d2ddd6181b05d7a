// One registry of the runner's outcomes and their exit codes. An SLO breach is a finding about
// the target, not a failure of the harness: it has its own type and its own code.

export const EXIT = Object.freeze({
  ok: 0,
  sloViolation: 1,
  usage: 2,
  targetOrEngine: 3,
  interrupted: 130,
});

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

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
export class ConfigError extends FleetloadError {
  readonly exitCode = EXIT.usage;
  readonly code = 'FLEETLOAD_CONFIG';
  constructor(readonly issues: readonly { path: string; message: string }[]) {
    super(`invalid configuration:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
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
export class EngineError extends FleetloadError {
  readonly exitCode = EXIT.targetOrEngine;
  readonly code = 'FLEETLOAD_ENGINE';
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
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

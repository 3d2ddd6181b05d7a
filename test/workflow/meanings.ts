// How a workflow message claims each documented exit code's meaning (runner/exit-codes.ts). Kept
// disjoint: a message must match its own code's pattern and no other's, so "inconclusive" printed
// under `1)` is caught as claiming the wrong code.
import { COMPARE_EXIT, EXIT } from '../../runner/exit-codes';
import type { CodeSpec } from './check';

export const RUN_CODES: CodeSpec = {
  codes: EXIT,
  meanings: {
    ok: /\bevery SLO met\b/i,
    sloViolation: /\bSLO breach/i,
    usage: /\bbad usage\b|\bconfiguration\b/i,
    targetOrEngine: /\btarget or (?:the )?engine\b/i,
    inconclusive: /\binconclusive\b/i,
    interrupted: /\binterrupted\b/i,
  },
};

export const COMPARE_CODES: CodeSpec = {
  codes: COMPARE_EXIT,
  meanings: {
    ok: /\bno SLI worse\b/i,
    worse: /\bregression\b/i,
    usage: /\bbad input\b/i,
  },
};

/** The subcommands whose exit codes a workflow may test, by name. */
export const EXIT_CODES_BY_COMMAND: Readonly<Record<string, CodeSpec>> = { run: RUN_CODES, compare: COMPARE_CODES };

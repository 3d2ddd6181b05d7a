// fleetload's exit codes: the one table --help, the README and every way out of a run read.
// k6's own codes (what an engine process exits with) are engine/exit-codes.ts.

export const EXIT = Object.freeze({
  ok: 0,
  sloViolation: 1,
  usage: 2,
  targetOrEngine: 3,
  inconclusive: 4,
  interrupted: 130,
});

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_MEANING: Readonly<Record<ExitCode, string>> = {
  0: 'every SLO met',
  1: 'an SLO was breached (a finding about the target, not a harness failure)',
  2: 'bad usage, configuration or credentials (the message names the flag or field and the fix)',
  3: 'the target or the engine failed',
  4: 'inconclusive: an SLO was breached while the load generator was saturated; the breach may be the harness\'s (more cores, or fewer agents per machine)',
  130: 'interrupted (Ctrl-C / SIGTERM); the partial report is still written',
};

/** The "Exit codes:" block of --help; `title` says whose codes they are where that is not obvious. */
export function exitCodeHelp(title = 'Exit codes:'): string {
  const rows = (Object.entries(EXIT_MEANING) as [string, string][]).map(([code, meaning]) => `  ${code.padEnd(4)} ${meaning}`);
  return `\n${title}\n${rows.join('\n')}`;
}

/** `fleetload compare`: whether run B is worse than run A beyond noise. */
export const COMPARE_EXIT = Object.freeze({
  /** No SLI worse beyond noise (better, within noise, or inconclusive). */
  ok: 0,
  worse: 1,
  /** A missing directory, a file that is no summary, broken JSON, an unsupported summary version. */
  usage: 2,
});

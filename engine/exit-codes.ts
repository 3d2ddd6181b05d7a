// k6's process exit codes (go.k6.io/k6/errext/exitcodes), the one table of them in the project:
// the embedded engine exits with them so that the runner treats both engines alike, and the runner
// reads real k6's exit status through them.

export const K6_EXIT = {
  ok: 0,
  thresholdsFailed: 99,
  setupTimeout: 100,
  teardownTimeout: 101,
  genericTimeout: 102,
  genericEngine: 103,
  invalidConfig: 104,
  externalAbort: 105,
  scriptException: 107,
  scriptAborted: 108,
  goPanic: 109,
  /** k6 exits with -1 for errors that carry no code of their own (a missing script, bad flags). */
  unclassified: 255,
} as const;

export type K6ExitCode = (typeof K6_EXIT)[keyof typeof K6_EXIT];

export const K6_EXIT_MEANING: Readonly<Record<number, string>> = {
  [K6_EXIT.ok]: 'ok',
  [K6_EXIT.thresholdsFailed]: 'thresholds failed',
  [K6_EXIT.setupTimeout]: 'setup timed out',
  [K6_EXIT.teardownTimeout]: 'teardown timed out',
  [K6_EXIT.genericTimeout]: 'timed out (handleSummary)',
  [K6_EXIT.genericEngine]: 'engine error',
  [K6_EXIT.invalidConfig]: 'invalid configuration',
  [K6_EXIT.externalAbort]: 'aborted from outside (signal)',
  [K6_EXIT.scriptException]: 'script exception',
  [K6_EXIT.scriptAborted]: 'aborted by the script (test.abort)',
  [K6_EXIT.goPanic]: 'Go panic in k6',
  [K6_EXIT.unclassified]: 'error without a k6 exit code (missing script, bad flags)',
};

/**
 * Whether the run itself completed: thresholds that failed (99) still leave a whole run, which the
 * runner judges by its own SLOs; every other non-zero code means the run is not to be trusted.
 */
export function k6RunCompleted(code: number): boolean {
  return code === K6_EXIT.ok || code === K6_EXIT.thresholdsFailed;
}

// `fleetload doctor [--clusters N]`: one line per check (ok / warn / fail, what it found, the fix)
// about what a run and the builds on this machine would meet. A warn is something a run works
// without (the embedded engine instead of k6, tools only the tests need); a fail is something
// that stops a run (a K6_BIN that is no k6, a descriptor limit the plan does not fit in).
import type { Command } from 'commander';
import { UsageError } from '../errors';
import { readFdLimit } from '../preflight/fd-limit';
import { packageRoot } from '../root';
import { formatLine, type CheckResult, type DoctorCheck, type DoctorContext } from './check';
import { chromiumCheck } from './chromium';
import { doctorPlan, fdLimitCheck } from './fd-limit';
import { goCheck } from './go';
import { k6Check } from './k6';
import { kubeApiserverCheck } from './kube-apiserver';
import { prometheusCheck } from './prometheus';
import { xk6Check } from './xk6';

export { formatLine, type CheckResult, type DoctorCheck, type DoctorContext } from './check';

/** In the order a reader cares: what a run uses, then the builds, then what only the tests need. */
export const DOCTOR_CHECKS: readonly DoctorCheck[] = [k6Check, fdLimitCheck, goCheck, xk6Check, prometheusCheck, chromiumCheck, kubeApiserverCheck];

/**
 * doctor's exit codes. Not in runner/exit-codes.ts: EXIT is about a run's outcome, and "a check
 * failed" is neither an SLO breach (1 there) nor bad usage; 2 keeps EXIT.usage's meaning.
 */
export const DOCTOR_EXIT = Object.freeze({
  /** Nothing failed (warnings allowed). */
  ok: 0,
  /** A check failed: a run on this machine would stop on it. */
  failed: 1,
  /** Bad usage, e.g. --clusters that is no whole number in range. */
  usage: 2,
});

export const DOCTOR_EXIT_HELP = [
  '',
  'Exit codes:',
  `  ${DOCTOR_EXIT.ok}    nothing failed (warnings are things a run works without)`,
  `  ${DOCTOR_EXIT.failed}    a check failed: a run on this machine would stop on it`,
  `  ${DOCTOR_EXIT.usage}    bad usage (--clusters)`,
].join('\n');

/** Every check, in order; a check that throws is a fail line of its own, not the end of doctor. */
export function runDoctor(ctx: DoctorContext, checks: readonly DoctorCheck[] = DOCTOR_CHECKS): CheckResult[] {
  return checks.map((check) => {
    try {
      return check.run(ctx);
    } catch (err) {
      return { status: 'fail', name: check.name, found: `the check itself failed: ${err instanceof Error ? err.message : String(err)}`, fix: 'report this as a fleetload bug' };
    }
  });
}

export function doctorExitCode(results: readonly CheckResult[]): number {
  return results.some((r) => r.status === 'fail') ? DOCTOR_EXIT.failed : DOCTOR_EXIT.ok;
}

function parseClusters(raw: string | undefined, env: NodeJS.ProcessEnv): number | undefined {
  if (raw === undefined) return undefined;
  // The run's own parsing and bounds, so doctor accepts exactly what `run --clusters` accepts.
  const plan = doctorPlan(undefined, env);
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) throw new UsageError('--clusters', `must be a whole number, got ${JSON.stringify(raw)}`, `e.g. --clusters ${plan.clusters}`);
  doctorPlan(n, env);
  return n;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Check this machine for runs and builds: the k6 a run would use, the file-descriptor limit for a plan, Go and xk6 for the builds, Prometheus, Chromium and the kube-apiserver build for the tests')
    .option('--clusters <n>', 'check the file-descriptor limit for a fleet of n agents (default: the smoke profile\'s)')
    .addHelpText('after', DOCTOR_EXIT_HELP)
    .action((opts: { clusters?: string }) => {
      const env = process.env;
      const clusters = parseClusters(opts.clusters, env);
      const results = runDoctor({ root: packageRoot(), env, clusters, fdLimit: () => readFdLimit() });
      process.stdout.write(results.map((r) => `${formatLine(r)}\n`).join(''));
      process.exitCode = doctorExitCode(results);
    });
}

// The file-descriptor limit against a plan, judged exactly as a run's preflight judges it
// (checkFdLimit), so doctor's "ok" means that run gets past preflight on this limit.
import config from '../../k6.config';
import { resolvePlan, type RunPlan } from '../config/resolve';
import { checkFdLimit } from '../preflight/fd-limit';
import type { CheckResult, DoctorCheck, DoctorContext } from './check';

const NAME = 'fd-limit';

/** The plan doctor measures: the smoke profile, with `--clusters N` laid over it. Throws a UsageError for a bad N. */
export function doctorPlan(clusters: number | undefined, env: NodeJS.ProcessEnv): RunPlan {
  return resolvePlan(config, clusters === undefined ? { profile: 'smoke' } : { profile: 'smoke', clusters: String(clusters) }, new Date(), undefined, env);
}

export const fdLimitCheck: DoctorCheck = {
  name: NAME,
  run(ctx: DoctorContext): CheckResult {
    const plan = doctorPlan(ctx.clusters, ctx.env);
    const limit = ctx.fdLimit();
    const verdict = checkFdLimit(plan, limit);
    const fleet = `a ${plan.profile} run of ${plan.clusters} agents (${plan.agent.deployments.mode}) needs about ${verdict.needed} open files`;
    if (limit === undefined) return { status: 'warn', name: NAME, found: `cannot read the limit (/proc/self/limits); ${fleet}`, fix: 'check ulimit -n by hand' };
    const have = `soft limit ${limit.soft}, hard ${limit.hard}`;
    if (!verdict.ok) return { status: 'fail', name: NAME, found: `${have}; ${fleet}: the run would stop in preflight (exit 2)`, fix: verdict.advice ?? `raise ulimit -n to ${verdict.needed}` };
    return { status: 'ok', name: NAME, found: `${have}; ${fleet}` };
  },
};

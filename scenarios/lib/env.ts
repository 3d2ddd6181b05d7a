// Typed __ENV parsing: the runner hands the plan and the k6 options over as JSON.
import type { ScenarioPlan } from './plan';
import { SMOKE_PLAN } from './smoke-plan';

function parseJson<T>(name: string, fallback: T): T {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch (err) {
    throw new Error(`__ENV.${name} is not valid JSON: ${String(err)}`);
  }
}

/** The plan: FLEETLOAD_PLAN from the runner, or the smoke plan with TARGET for a hand-run script. */
export function readPlan(): ScenarioPlan {
  const plan = parseJson<ScenarioPlan>('FLEETLOAD_PLAN', SMOKE_PLAN);
  const target = __ENV.TARGET;
  return target ? { ...plan, target: target.replace(/\/$/, '') } : plan;
}

/** k6 options: the runner's (FLEETLOAD_OPTIONS) or `fallback` for a script run by hand. */
export function readOptions<T>(fallback: T): T {
  return parseJson<T>('FLEETLOAD_OPTIONS', fallback);
}

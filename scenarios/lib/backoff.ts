// Exponential backoff with jitter, honouring Retry-After: how agents behave when pushed back.
import type { BackoffPlan } from './plan';

export function backoffMs(plan: BackoffPlan, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(plan.maxMs, plan.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling * (1 - plan.jitter) + ceiling * plan.jitter * random());
}

/**
 * How long to wait before retrying. Retry-After is a floor, never the exact time: a herd of agents
 * told "1 s" that all come back at exactly 1 s is rejected together again, wave after wave. The
 * jitter spreads them over one more Retry-After, and the exponential backoff still grows.
 */
export function retryDelayMs(plan: BackoffPlan, attempt: number, retryAfter: number | undefined, random: () => number = Math.random): number {
  const backoff = backoffMs(plan, attempt, random);
  if (retryAfter === undefined) return backoff;
  return Math.round(Math.max(retryAfter, backoff) + retryAfter * plan.jitter * random());
}

/** Retry-After in seconds (the only form the simulator and most control planes send). */
export function retryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Statuses an agent should retry: the server asked it to slow down or failed for now. */
export function isRetryable(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

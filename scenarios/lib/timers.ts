// Waiting without blocking the VU: sleep() would stop every agent loop of this VU at once.
// The build resolves 'k6/timers' to 'k6/experimental/timers' for k6 < 0.50.
import { clearTimeout, setTimeout } from 'k6/timers';

export function wait(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
}

/** A wait that ends early when `signal.stopped` flips (checked by the caller's loop). */
export function waitUntil(deadlineMs: number, ms: number): Promise<void> {
  return wait(Math.max(0, Math.min(ms, deadlineMs - Date.now())));
}

export { clearTimeout, setTimeout };

// k6/timers and k6/experimental/timers: timers belong to the VU and keep its iteration alive.
import type { ModuleVU } from './vu-api';

export function createTimersModule(vu: ModuleVU): object {
  return {
    setTimeout: (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]): number => vu.addTimer(() => fn(...args), Math.max(0, Number(ms) || 0), false),
    clearTimeout: (id: unknown): void => vu.clearTimer(id),
    setInterval: (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]): number => vu.addTimer(() => fn(...args), Math.max(1, Number(ms) || 0), true),
    clearInterval: (id: unknown): void => vu.clearTimer(id),
  };
}

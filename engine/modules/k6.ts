// The `k6` module: check, group, fail, randomSeed, and a sleep that refuses to block.
import type { MetricInfo } from '../metrics';
import { nowMs } from '../time';
import type { ModuleVU } from './vu-api';

export const SLEEP_MESSAGE =
  'sleep() would block the whole VU and every async agent in it; the embedded engine runs async code only: use `await new Promise((r) => setTimeout(r, ms))` with setTimeout from k6/timers';

type Checker = ((value: unknown) => unknown) | unknown;

function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === 'function' && fn.constructor !== undefined && fn.constructor.name === 'AsyncFunction';
}

function isThenable(v: unknown): boolean {
  return v !== null && typeof v === 'object' && typeof (v as PromiseLike<unknown>).then === 'function';
}

export function createK6Module(vu: ModuleVU): object {
  const checks = (): MetricInfo => vu.ctx.registry.get('checks') as MetricInfo;
  return {
    check(value: unknown, sets: Record<string, Checker>, tags?: Record<string, unknown>): boolean {
      if (vu.inInit) throw new Error('Using check in the init context is not supported');
      let all = true;
      for (const [name, checker] of Object.entries(sets ?? {})) {
        if (isAsyncFunction(checker)) throw new Error('check() does not support async functions as checks; await the value first');
        const result = typeof checker === 'function' ? (checker as (v: unknown) => unknown)(value) : checker;
        if (isThenable(result)) throw new Error('check() does not support promises as results; await the value first');
        const ok = Boolean(result);
        if (!ok) all = false;
        vu.emit(checks(), ok ? 1 : 0, tags === undefined ? { check: name } : { ...tags, check: name });
      }
      return all;
    },
    group<T>(name: string, fn: () => T): T {
      if (vu.inInit) throw new Error('Using group in the init context is not supported');
      if (typeof name !== 'string' || name === '' || name.includes('::')) throw new Error(`group name ${JSON.stringify(name)} must be a non-empty string without '::'`);
      if (isAsyncFunction(fn)) throw new Error('group() does not support async functions: k6 only measures synchronous groups');
      const parent = vu.enterGroup(name);
      const start = nowMs();
      try {
        const result = fn();
        if (isThenable(result)) throw new Error('group() does not support functions that return a promise: k6 only measures synchronous groups');
        vu.emit(vu.ctx.registry.get('group_duration') as MetricInfo, nowMs() - start);
        return result;
      } finally {
        vu.leaveGroup(parent);
      }
    },
    fail(message?: string): never {
      throw new Error(message ?? '');
    },
    sleep(): never {
      throw new Error(SLEEP_MESSAGE);
    },
    randomSeed(_seed: number): void {
      // Node's Math.random cannot be seeded per VU; say so instead of pretending.
      vu.ctx.log('warn', 'randomSeed() is not supported by the embedded engine; Math.random stays unseeded');
    },
  };
}

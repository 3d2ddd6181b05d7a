// The script's `console`: formats like k6 (strings as is, objects as JSON) and routes to onLog.
import type { BundleConsole } from './bundle';
import { describeScriptError } from './errors';
import type { LogFn } from './context';

export function formatLogArgs(args: readonly unknown[]): string {
  return args
    .map((a) => {
      if (typeof a === 'string') return a;
      if (a instanceof Error) return describeScriptError(a);
      if (typeof a === 'object' && a !== null) {
        try {
          return JSON.stringify(a);
        } catch {
          return String(a);
        }
      }
      return String(a);
    })
    .join(' ');
}

export function makeConsole(log: LogFn): BundleConsole {
  return {
    log: (...a) => log('info', formatLogArgs(a)),
    info: (...a) => log('info', formatLogArgs(a)),
    debug: (...a) => log('debug', formatLogArgs(a)),
    warn: (...a) => log('warn', formatLogArgs(a)),
    error: (...a) => log('error', formatLogArgs(a)),
  };
}

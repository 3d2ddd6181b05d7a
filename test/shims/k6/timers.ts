// k6/timers (and k6/experimental/timers) for Node unit tests: the global timers, looked up at each
// call so that vitest's fake timers (installed after this module loads) are the ones used.

export function setTimeout(fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): ReturnType<typeof globalThis.setTimeout> {
  return globalThis.setTimeout(fn, ms, ...args);
}

export function clearTimeout(id: ReturnType<typeof globalThis.setTimeout> | undefined): void {
  globalThis.clearTimeout(id);
}

export function setInterval(fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): ReturnType<typeof globalThis.setInterval> {
  return globalThis.setInterval(fn, ms, ...args);
}

export function clearInterval(id: ReturnType<typeof globalThis.setInterval> | undefined): void {
  globalThis.clearInterval(id);
}

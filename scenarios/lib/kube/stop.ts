// A stop signal that also ends waits: every loop of this layer sleeps through it, so stop() (or a
// deadline) ends a loop at once instead of after its current backoff.
import { clearTimeout, setTimeout } from '../timers';

export class StopSignal {
  private done = false;
  private listeners: (() => void)[] | undefined;

  get stopped(): boolean {
    return this.done;
  }

  stop(): void {
    if (this.done) return;
    this.done = true;
    const l = this.listeners;
    this.listeners = undefined;
    if (l !== undefined) for (const fn of l) fn();
  }

  /** Calls fn once on stop (at once if already stopped); returns the way to unsubscribe. */
  onStop(fn: () => void): () => void {
    if (this.done) {
      fn();
      return noop;
    }
    (this.listeners ??= []).push(fn);
    return () => {
      const l = this.listeners;
      if (l === undefined) return;
      const i = l.indexOf(fn);
      if (i >= 0) l.splice(i, 1);
    };
  }

  /** Resolves after ms, or at stop, whichever comes first. */
  sleep(ms: number): Promise<void> {
    if (this.done || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      let off = noop;
      const id = setTimeout(() => {
        off();
        resolve();
      }, ms);
      off = this.onStop(() => {
        clearTimeout(id);
        resolve();
      });
    });
  }

  /** p's value, or undefined at stop: a request k6 cannot abort is left to finish unheard. */
  race<T>(p: Promise<T>): Promise<T | undefined> {
    if (this.done) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const off = this.onStop(() => resolve(undefined));
      p.then(
        (v) => {
          off();
          resolve(v);
        },
        (e: unknown) => {
          off();
          reject(e);
        },
      );
    });
  }
}

function noop(): void {}

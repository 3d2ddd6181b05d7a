// A long poll: the request is held until a wake-up finds it ready, the timeout passes or the
// client goes away, then answered with what is true at that moment. Parked requests do no work,
// so they leave their --max-inflight slot (ctx.park()).
import type { Ctx } from '../context';
import type { Reply } from '../http';
import type { Waiter } from '../store';

export interface ParkHooks {
  /** Puts the waiter where a change of the awaited object wakes it (the watch hub). */
  add(w: Waiter): void;
  remove(w: Waiter): void;
  /** Checked on each wake-up; false waits on (e.g. a `since` ahead of the server). */
  ready(): boolean;
}

export function parkUntil(ctx: Ctx, timeoutSeconds: number, hooks: ParkHooks, reply: () => Reply): Promise<Reply> {
  ctx.park();
  return new Promise<Reply>((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ctx.res.off('close', leave);
      resolve(reply());
    };
    const leave = (): void => {
      hooks.remove(waiter);
      finish();
    };
    // The hub drops a waiter when it wakes it: one that is not ready yet goes back in.
    const waiter: Waiter = { wake: () => (hooks.ready() ? finish() : hooks.add(waiter)) };
    const timer = setTimeout(leave, timeoutSeconds * 1000);
    ctx.res.once('close', leave);
    hooks.add(waiter);
  });
}

// A long poll: the request is held until a wake-up finds it ready, the timeout passes or the
// client goes away, then answered with what is true at that moment. Parked requests do no work,
// so they leave their --max-inflight slot (ctx.park()).
// One object per parked request, whose methods are the waiter, the timeout and the client-gone
// hook at once: a rollout parks and wakes a watch per cluster, so no closures per request here.
import type { Ctx } from '../context';
import type { Reply } from '../http';
import type { Waiter } from '../store';

export abstract class LongPoll implements Waiter {
  private done = false;
  private timer: NodeJS.Timeout | null = null;
  private resolve: ((r: Reply) => void) | null = null;

  constructor(protected readonly ctx: Ctx) {}

  /** Puts the waiter where a change of the awaited object wakes it (the watch hub). */
  protected abstract add(): void;
  protected abstract remove(): void;
  /** Checked on each wake-up; false waits on (e.g. a `since` ahead of the server). */
  protected abstract ready(): boolean;
  /** The answer, computed when the wait ends. */
  protected abstract answer(): Reply;

  park(timeoutSeconds: number): Promise<Reply> {
    this.ctx.park();
    return new Promise<Reply>((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(expire, timeoutSeconds * 1000, this);
      this.ctx.onGone(this);
      this.add();
    });
  }

  /** The hub drops a waiter when it wakes it: one that is not ready yet goes back in. */
  wake(): void {
    if (this.done) return;
    if (this.ready()) this.finish();
    else this.add();
  }

  /** The timeout passed or the client left. */
  leave(): void {
    if (this.done) return;
    this.remove();
    this.finish();
  }

  private finish(): void {
    this.done = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.ctx.onGone(null);
    const resolve = this.resolve as (r: Reply) => void;
    this.resolve = null;
    resolve(this.answer());
  }
}

function expire(p: LongPoll): void {
  p.leave();
}

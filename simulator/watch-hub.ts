// Parked long polls (deployment watches, registration waits). Waiters hang off the cluster
// record itself, so waking the clusters touched by a rollout costs O(changed clusters), never a
// scan of every parked request.
// Deployment watches are woken in batches: a rollout to 10,000 clusters would otherwise answer
// 10,000 watches (a list with the payload each) inside the bundle request, holding the event loop
// for that whole time while heartbeats and status reports queue behind it. Woken watchers go into
// a queue that is answered WAKE_BATCH at a time, one batch per turn of the event loop, so other
// requests are served in between; the work per watch is the same.
import type { Cluster, Waiter } from './store';

/** Watches answered per event-loop turn after a change (a few milliseconds of work). */
const WAKE_BATCH = 256;

export class WatchHub {
  /** Parked deployment watches and registration waits, for the gauge. */
  parked = 0;
  /** Set at shutdown: long polls answer at once instead of (re-)parking. */
  closing = false;
  /** Woken deployment watchers not answered yet, oldest first from `head`. */
  private woken: Waiter[] = [];
  private head = 0;
  private scheduled = false;

  addWatcher(c: Cluster, w: Waiter): void {
    if (c.watchers === null) c.watchers = [w];
    else c.watchers.push(w);
    this.parked++;
  }

  removeWatcher(c: Cluster, w: Waiter): void {
    if (c.watchers === null) return;
    const i = c.watchers.indexOf(w);
    if (i < 0) return;
    c.watchers.splice(i, 1);
    if (c.watchers.length === 0) c.watchers = null;
    this.parked--;
  }

  /** The cluster's deployments changed (or it was deleted): every watcher re-checks, soon. */
  deploymentsChanged(c: Cluster): void {
    const ws = c.watchers;
    if (ws === null) return;
    c.watchers = null;
    this.parked -= ws.length;
    for (const w of ws) this.woken.push(w);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(wakeBatch, this);
    }
  }

  /** Answers up to `max` woken watchers; true if more are waiting. */
  wakeSome(max: number): boolean {
    const end = Math.min(this.woken.length, this.head + max);
    while (this.head < end) {
      const w = this.woken[this.head] as Waiter;
      this.woken[this.head++] = DONE;
      w.wake();
    }
    if (this.head < this.woken.length) return true;
    this.woken = [];
    this.head = 0;
    return false;
  }

  /** The next batch (setImmediate's callback). */
  runBatch(): void {
    if (this.wakeSome(WAKE_BATCH)) setImmediate(wakeBatch, this);
    else this.scheduled = false;
  }

  addRegWaiter(c: Cluster, w: Waiter): void {
    if (c.regWaiters === null) c.regWaiters = [w];
    else c.regWaiters.push(w);
    this.parked++;
  }

  removeRegWaiter(c: Cluster, w: Waiter): void {
    if (c.regWaiters === null) return;
    const i = c.regWaiters.indexOf(w);
    if (i < 0) return;
    c.regWaiters.splice(i, 1);
    if (c.regWaiters.length === 0) c.regWaiters = null;
    this.parked--;
  }

  registrationChanged(c: Cluster): void {
    const ws = c.regWaiters;
    if (ws === null) return;
    c.regWaiters = null;
    this.parked -= ws.length;
    for (const w of ws) w.wake();
  }

  /** Answers every parked request (at shutdown), at once. */
  wakeAll(clusters: Iterable<Cluster>): void {
    this.closing = true;
    for (const c of clusters) {
      this.deploymentsChanged(c);
      this.registrationChanged(c);
    }
    this.wakeSome(Number.POSITIVE_INFINITY);
  }
}

/** Fills the slots of answered watchers, so the queue does not keep them alive. */
const DONE: Waiter = { wake: () => undefined };

function wakeBatch(hub: WatchHub): void {
  hub.runBatch();
}

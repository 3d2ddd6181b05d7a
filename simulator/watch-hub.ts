// Parked long polls (deployment watches, registration waits). Waiters hang off the cluster
// record itself, so waking the clusters touched by a rollout costs O(changed clusters), never a
// scan of every parked request.
import type { Cluster, Waiter } from './store';

export class WatchHub {
  /** Parked deployment watches and registration waits, for the gauge. */
  parked = 0;
  /** Set at shutdown: long polls answer at once instead of (re-)parking. */
  closing = false;

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

  /** The cluster's deployments changed (or it was deleted): every watcher re-checks. */
  deploymentsChanged(c: Cluster): void {
    const ws = c.watchers;
    if (ws === null) return;
    c.watchers = null;
    this.parked -= ws.length;
    for (const w of ws) w.wake();
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

  /** Answers every parked request (at shutdown). */
  wakeAll(clusters: Iterable<Cluster>): void {
    this.closing = true;
    for (const c of clusters) {
      this.deploymentsChanged(c);
      this.registrationChanged(c);
    }
  }
}

// Marks clusters Unknown when their lease lapses. Ready clusters sit in a list ordered by last
// renewal (a renewal moves a cluster to the tail), so a sweep looks only at the clusters that
// actually expired: the cost of a sweep follows the size of an expiry storm, not of the fleet.
import type { Cluster, Store } from './store';

export interface LeaseControllerHooks {
  expired(count: number): void;
}

export class LeaseController {
  private head: Cluster | null = null;
  private tail: Cluster | null = null;
  private timer: NodeJS.Timeout | null = null;
  readonly timeoutMs: number;

  constructor(
    private readonly store: Store,
    leaseDurationSeconds: number,
    grace: number,
    private readonly hooks: LeaseControllerHooks,
    private readonly now: () => number = Date.now,
  ) {
    this.timeoutMs = leaseDurationSeconds * grace * 1000;
  }

  start(): void {
    // Sweep often enough that a lapse is seen within ~10 % of the timeout, but not busier than 100/s.
    const interval = Math.min(1000, Math.max(10, this.timeoutMs / 10));
    this.timer = setInterval(() => this.sweep(), interval);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** The cluster's lease was (re)started: it moves to the tail. */
  touch(c: Cluster): void {
    if (c.inLeaseList) this.unlink(c);
    c.leasePrev = this.tail;
    c.leaseNext = null;
    if (this.tail === null) this.head = c;
    else this.tail.leaseNext = c;
    this.tail = c;
    c.inLeaseList = true;
  }

  remove(c: Cluster): void {
    if (c.inLeaseList) this.unlink(c);
  }

  sweep(): number {
    const deadline = this.now() - this.timeoutMs;
    let expired = 0;
    while (this.head !== null && this.head.leaseRenewedAt < deadline) {
      const c = this.head;
      this.unlink(c);
      if (c.phase === 'Ready') {
        this.store.markUnknown(c);
        expired++;
      }
    }
    if (expired > 0) this.hooks.expired(expired);
    return expired;
  }

  private unlink(c: Cluster): void {
    if (c.leasePrev === null) this.head = c.leaseNext;
    else c.leasePrev.leaseNext = c.leaseNext;
    if (c.leaseNext === null) this.tail = c.leasePrev;
    else c.leaseNext.leasePrev = c.leasePrev;
    c.leasePrev = null;
    c.leaseNext = null;
    c.inLeaseList = false;
  }
}

// Registration as real fleet managers do it: a request only queues the cluster; a bounded pool of
// workers issues credentials, each taking `costMs` (a CA signing a certificate, a service account
// and its token being created). Under a registration storm the queue, not the HTTP server, is
// the bottleneck, and its depth and wait time are exported as metrics.
import { randomBytes } from 'node:crypto';
import type { Cluster, Store } from './store';

/** CPU time this process has used, in microseconds. */
function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * Spends `ms` of this process's CPU time on the event loop (blocked meanwhile, which is the point).
 * CPU time, not wall time: a signer's cost is work, so on a machine busy with other processes it
 * takes longer, as a real one would, instead of doing less.
 */
function burn(ms: number): void {
  const end = cpuMicros() + ms * 1000;
  let x = 0;
  while (cpuMicros() < end) for (let i = 0; i < 1000; i++) x = (x * 31 + 7) % 1_000_003;
  if (x < 0) throw new Error('unreachable');
}

interface Job {
  cluster: Cluster;
  regId: string;
  enqueuedAt: number;
}

export interface RegistrationHooks {
  /** Credentials issued; `waitMs` from enqueue to Ready. */
  completed(cluster: Cluster, waitMs: number): void;
}

/**
 * Cluster tokens: 18 random bytes each, base64url. Drawn from a pool filled 256 tokens at a time,
 * because a randomBytes() call per token cost ~10 us each (a registration storm makes thousands).
 */
class TokenSource {
  private pool = Buffer.alloc(0);
  private at = 0;

  next(): string {
    if (this.at + TOKEN_BYTES > this.pool.length) {
      this.pool = randomBytes(TOKEN_BYTES * 256);
      this.at = 0;
    }
    const t = this.pool.toString('base64url', this.at, this.at + TOKEN_BYTES);
    this.at += TOKEN_BYTES;
    return t;
  }
}

const TOKEN_BYTES = 18;

export class RegistrationQueue {
  private readonly tokens = new TokenSource();
  private queue: Job[] = [];
  private head = 0;
  private busy = 0;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: Store,
    private readonly workers: number,
    private readonly costMs: number,
    private readonly hooks: RegistrationHooks,
    /**
     * `wait`: the cost is time spent elsewhere (an external CA), the event loop stays free.
     * `cpu`: the cost burns this process's CPU (an in-process signer), so a registration storm
     * also slows every other request, as on control planes that sign certificates themselves.
     */
    private readonly mode: 'wait' | 'cpu' = 'wait',
    private readonly now: () => number = Date.now,
  ) {}

  get depth(): number {
    return this.queue.length - this.head;
  }

  get inProgress(): number {
    return this.busy;
  }

  enqueue(cluster: Cluster): void {
    this.queue.push({ cluster, regId: cluster.regId, enqueuedAt: this.now() });
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private pump(): void {
    while (!this.stopped && this.busy < this.workers && this.head < this.queue.length) {
      const job = this.queue[this.head] as Job;
      this.head++;
      // Compact now and then instead of shift(), which is O(n) per call on a long queue.
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.busy++;
      const t = setTimeout(
        () => {
          this.timers.delete(t);
          if (this.mode === 'cpu') burn(this.costMs);
          this.busy--;
          this.finish(job);
          this.pump();
        },
        this.mode === 'cpu' ? 0 : this.costMs,
      );
      this.timers.add(t);
    }
  }

  private finish(job: Job): void {
    const c = job.cluster;
    // Superseded by a newer registration of the same name, or deleted meanwhile: nothing to issue.
    if (c.regId !== job.regId || !c.regPending || this.store.cluster(c.namespace.name, c.name) !== c) return;
    this.store.completeRegistration(c, this.tokens.next(), this.now());
    this.hooks.completed(c, this.now() - job.enqueuedAt);
  }
}

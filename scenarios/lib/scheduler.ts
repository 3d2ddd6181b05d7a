// One timer per VU for all of its agents. An idle agent is a due time in this heap, not a parked
// async loop: a parked loop costs a suspended function, its promises, closures and a timer
// (about 6 KB per agent measured at 20,000 agents); a heap entry costs a few dozen bytes. Actions
// run when due; nothing is scheduled past the deadline, so a VU ends by itself.
import { clearTimeout, setTimeout } from './timers';

type Action = () => Promise<void> | void;

interface Task {
  at: number;
  seq: number;
  run: Action;
}

export class Scheduler {
  private readonly heap: Task[] = [];
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  private running = 0;
  private settle: (() => void) | undefined;

  constructor(
    readonly deadlineMs: number,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  /** Runs `run` at epoch-ms `at` (at once if past); dropped when at or after the deadline. */
  at(at: number, run: Action): void {
    if (at >= this.deadlineMs) return;
    this.push({ at, seq: this.seq++, run });
    this.arm();
  }

  /** Resolves once nothing is scheduled and no action is running. */
  drained(): Promise<void> {
    if (this.heap.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  private arm(): void {
    const top = this.heap[0];
    if (!top || top.at >= this.timerAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = top.at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, top.at - Date.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    while (this.heap.length > 0 && (this.heap[0] as Task).at <= now) this.start(this.pop());
    this.arm();
    this.checkDrained();
  }

  private start(task: Task): void {
    this.running++;
    let result: Promise<void> | void;
    try {
      result = task.run();
    } catch (err) {
      this.onError(err);
      this.finish();
      return;
    }
    if (result instanceof Promise) {
      result.then(
        () => this.finish(),
        (err: unknown) => {
          this.onError(err);
          this.finish();
        },
      );
    } else {
      this.finish();
    }
  }

  private finish(): void {
    this.running--;
    this.checkDrained();
  }

  private checkDrained(): void {
    if (this.heap.length === 0 && this.running === 0 && this.settle) {
      const settle = this.settle;
      this.settle = undefined;
      settle();
    }
  }

  private less(a: Task, b: Task): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(t: Task): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i] as Task, h[p] as Task)) break;
      [h[i], h[p]] = [h[p] as Task, h[i] as Task];
      i = p;
    }
  }

  private pop(): Task {
    const h = this.heap;
    const top = h[0] as Task;
    const last = h.pop() as Task;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l] as Task, h[m] as Task)) m = l;
        if (r < h.length && this.less(h[r] as Task, h[m] as Task)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as Task, h[i] as Task];
        i = m;
      }
    }
    return top;
  }
}

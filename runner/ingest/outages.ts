// When was the target unavailable, and how long did the fleet take to come back? From the sample
// stream alone: per second, calls without an answer (or 502/503/504) against answered calls; and
// the agents' own transitions (degraded on a failed heartbeat, recovered on the next good one).

export interface Outage {
  /** Epoch ms of the first second in which nothing was answered. */
  startMs: number;
  /** Epoch ms of the first second answered again. */
  endMs: number;
  seconds: number;
  /** When every agent that lost its heartbeat had it back; null if that never happened in the run. */
  recoveredAtMs: number | null;
  /** From the target answering again until the whole fleet heartbeats again. */
  recoverySeconds: number | null;
}

interface SecondTally {
  bad: number;
  good: number;
}

const UNAVAILABLE = new Set(['0', '502', '503', '504']);

export class OutageTracker {
  private readonly seconds = new Map<number, SecondTally>();
  private readonly transitions: Array<{ atMs: number; delta: number }> = [];
  private lastPrefix = '';
  private lastSecond = 0;

  /** k6 writes RFC 3339 times; parsing one per distinct second keeps this off the hot path. */
  private secondOf(time: string): number {
    const prefix = time.slice(0, 19);
    if (prefix !== this.lastPrefix) {
      this.lastPrefix = prefix;
      this.lastSecond = Math.floor(Date.parse(time) / 1000);
    }
    return this.lastSecond;
  }

  request(status: string | undefined, time: string): void {
    const s = this.secondOf(time);
    let tally = this.seconds.get(s);
    if (!tally) {
      tally = { bad: 0, good: 0 };
      this.seconds.set(s, tally);
    }
    if (status === undefined || UNAVAILABLE.has(status)) tally.bad++;
    else tally.good++;
  }

  transition(state: string | undefined, value: number, time: string): void {
    const delta = state === 'degraded' ? value : state === 'recovered' ? -value : 0;
    if (delta !== 0) this.transitions.push({ atMs: Date.parse(time), delta });
  }

  outages(): Outage[] {
    const down = [...this.seconds.entries()]
      .filter(([, t]) => t.bad > 0 && t.good === 0)
      .map(([s]) => s)
      .sort((a, b) => a - b);
    const windows: Array<{ start: number; end: number }> = [];
    for (const s of down) {
      const last = windows[windows.length - 1];
      // A second with no calls at all inside a window does not end it: agents were backing off.
      if (last && this.quietBetween(last.end, s)) last.end = s + 1;
      else windows.push({ start: s, end: s + 1 });
    }
    const timeline = [...this.transitions].sort((a, b) => a.atMs - b.atMs);
    return windows.map((w) => {
      const startMs = w.start * 1000;
      const endMs = w.end * 1000;
      const recoveredAtMs = this.recoveredAfter(timeline, endMs);
      return {
        startMs,
        endMs,
        seconds: w.end - w.start,
        recoveredAtMs,
        recoverySeconds: recoveredAtMs === null ? null : Math.max(0, (recoveredAtMs - endMs) / 1000),
      };
    });
  }

  private quietBetween(endExclusive: number, next: number): boolean {
    for (let s = endExclusive; s < next; s++) if ((this.seconds.get(s)?.good ?? 0) > 0) return false;
    return true;
  }

  /** The first moment at or after `fromMs` when no agent is left degraded. */
  private recoveredAfter(timeline: ReadonlyArray<{ atMs: number; delta: number }>, fromMs: number): number | null {
    let outstanding = 0;
    let degradedSeen = false;
    for (const t of timeline) {
      outstanding += t.delta;
      if (t.delta > 0) degradedSeen = true;
      if (t.atMs >= fromMs && outstanding <= 0 && degradedSeen) return t.atMs;
    }
    return degradedSeen ? null : fromMs;
  }
}

// Peak memory and CPU of a process tree, read from /proc: what a whole run costs, per process
// (runner, simulator, k6), without instrumenting any of them.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStats {
  pid: number;
  label: string;
  peakRssBytes: number;
  cpuSeconds: number;
}

const TICKS = 100; // USER_HZ on Linux.

function readStat(pid: number): { ppid: number; cpuSeconds: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS };
  } catch {
    return undefined;
  }
}

function readPeakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function labelOf(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const script = args.find((a) => /\.(js|ts)$/.test(a)) ?? args[0] ?? '?';
    if (script.includes('simulator')) return 'simulator';
    if (script.includes('runner')) return 'runner (+ embedded engine)';
    if (/(^|\/)k6$/.test(args[0] ?? '')) return 'k6';
    return script.split('/').slice(-2).join('/');
  } catch {
    return '?';
  }
}

export class ProcSampler {
  private readonly seen = new Map<number, ProcStats>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly rootPid: number) {}

  private descendants(): number[] {
    const parent = new Map<number, number>();
    for (const name of readdirSync('/proc')) {
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      const st = readStat(pid);
      if (st) parent.set(pid, st.ppid);
    }
    const out = [this.rootPid];
    for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parent) if (ppid === out[i]) out.push(pid);
    return out;
  }

  sample(): void {
    for (const pid of this.descendants()) {
      const st = readStat(pid);
      if (!st) continue;
      const prev = this.seen.get(pid);
      const rss = readPeakRss(pid);
      this.seen.set(pid, {
        pid,
        label: prev?.label ?? labelOf(pid),
        peakRssBytes: Math.max(prev?.peakRssBytes ?? 0, rss),
        cpuSeconds: Math.max(prev?.cpuSeconds ?? 0, st.cpuSeconds),
      });
    }
  }

  start(everyMs = 500): void {
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  stop(): ProcStats[] {
    if (this.timer) clearInterval(this.timer);
    return [...this.seen.values()].filter((p) => p.cpuSeconds > 0.05 || p.peakRssBytes > 32 * 1024 * 1024);
  }
}

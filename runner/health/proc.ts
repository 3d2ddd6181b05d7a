// CPU time of a process and of the whole host, from /proc (Linux): the generator's own cost,
// whichever engine it is (the runner's process, or real k6's).
import { readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux.

/** User + system CPU seconds of `pid`; undefined when it is gone or /proc is not there. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

export interface HostCpu {
  busy: number;
  total: number;
}

/** Jiffies the host spent busy and in all, summed over cores (the first line of /proc/stat). */
export function hostCpu(): HostCpu | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    // idle and iowait are the time nobody wanted the CPU.
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

// Will the run fit in the file-descriptor limit? A watching agent holds a connection for the
// whole run, so 10,000 watching agents need 10,000 descriptors in the engine's process (and as
// many in a simulator on the same machine); "too many open files" mid-run ruins a measurement.
import { readFileSync } from 'node:fs';
import { idlePoolSize } from '../config/k6-options';
import type { RunPlan } from '../config/resolve';

export interface FdLimit {
  soft: number;
  hard: number;
}

/** Node has no getrlimit: /proc says what the kernel enforces for this process (and its children). */
export function readFdLimit(limitsText?: string): FdLimit | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!m) return undefined;
  const num = (v: string | undefined): number => (v === 'unlimited' ? Infinity : Number(v));
  return { soft: num(m[1]), hard: num(m[2]) };
}

/**
 * Descriptors the load engine's process may use at the peak: each VU's connection cap (the
 * embedded engine never exceeds it; real k6 keeps that many and rarely needs more), plus slack
 * for the runtime itself (files, pipes, the exporter's listener).
 */
export function connectionsNeeded(plan: Pick<RunPlan, 'clusters' | 'vus' | 'agentsPerVu' | 'agent'>): number {
  const perVu = idlePoolSize(plan.agentsPerVu, plan.agent.deployments.mode);
  return Math.min(plan.vus * perVu, plan.vus * plan.agentsPerVu * 2 + plan.vus * 4) + 256;
}

export interface FdVerdict {
  ok: boolean;
  needed: number;
  limit: FdLimit | undefined;
  advice?: string;
}

export function checkFdLimit(plan: Pick<RunPlan, 'clusters' | 'vus' | 'agentsPerVu' | 'agent'>, limit = readFdLimit()): FdVerdict {
  const needed = connectionsNeeded(plan);
  if (!limit || limit.soft >= needed) return { ok: true, needed, limit };
  const raise = limit.hard >= needed ? `raise it with: ulimit -n ${Math.min(limit.hard, needed * 2)}` : `the hard limit is ${limit.hard}; raise it as root (ulimit -Hn, or LimitNOFILE= in a systemd unit)`;
  return {
    ok: false,
    needed,
    limit,
    advice: `${raise}; or have the agents poll instead of watch: --set agent.deployments.mode=poll; or split the fleet over several engine instances`,
  };
}

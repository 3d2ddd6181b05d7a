// reports/<run-id>/summary.json: what the run measured and what it concluded. Written on every
// way out (pass, breach, failure, interruption), so nothing measured is lost.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SloVerdict } from '../verdict/judge';
import type { HealthWindow } from '../health/sampler';
import type { RunCounts } from '../ingest/measurements';

export const SUMMARY_SCHEMA = 'fleetload.summary/v1';

export type RunStatus = 'passed' | 'slo-violated' | 'inconclusive' | 'failed' | 'interrupted';

export interface RunSummary {
  schema: typeof SUMMARY_SCHEMA;
  runId: string;
  release: string;
  profile: string;
  status: RunStatus;
  exitCode: number;
  /** The harness failure (engine, target, configuration) when status is failed; why, when inconclusive. */
  error?: string;
  startedAt: string;
  endedAt: string;
  wallSeconds: number;
  plan: { clusters: number; durationS: number; sloWarmupS: number; vus: number; agentsPerVu: number };
  engine: { name: string; version: string; exitCode: number | null; thresholdsPassed: boolean | null };
  target: { url: string; kind: 'simulator' | 'external'; protocol: string };
  clusters: { requested: number; registered: number; reregistered: number; failed: number };
  counts: RunCounts;
  /** Failed calls by status and URL template, most frequent first. */
  failures: Array<{ status: string; name: string; count: number }>;
  /** Windows in which the target answered nothing, and how long the fleet took to come back. */
  outages: Array<{ startedAt: string; endedAt: string; seconds: number; recoveredAt: string | null; recoverySeconds: number | null }>;
  slos: Array<Omit<SloVerdict, 'valueMs'> & { valueMs: number | null }>;
  /** Where k6's own threshold verdict and the runner's disagree (they judge different windows). */
  disagreements: string[];
  /** The target's server-side API latency, when it exports it (the built-in simulator does). */
  targetView?: Partial<Record<string, { count: number; p99Ms: number | null }>>;
  /** The load generator's own health per 10 s window, and whether it was saturated. */
  generator: { saturated: boolean; reasons: string[]; engineCapacityCores: number; windows: HealthWindow[] };
  /** Findings that change how to read the verdict, e.g. a saturated load generator. */
  warnings: string[];
  runner: { peakRssBytes: number; cpuSeconds: number };
}

/** JSON has no Infinity: a percentile decided by samples that never completed is null. */
export function serialisable(v: SloVerdict): RunSummary['slos'][number] {
  return { ...v, valueMs: Number.isFinite(v.valueMs) ? v.valueMs : null };
}

export function failureList(failures: ReadonlyMap<string, number>): RunSummary['failures'] {
  return [...failures.entries()]
    .map(([key, count]) => {
      const space = key.indexOf(' ');
      return { status: key.slice(0, space), name: key.slice(space + 1), count };
    })
    .sort((a, b) => b.count - a.count);
}

export async function writeSummary(dir: string, summary: RunSummary): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'summary.json');
  const tmp = `${file}.tmp`;
  await writeFile(tmp, `${JSON.stringify(summary, null, 2)}\n`);
  await rename(tmp, file);
  return file;
}

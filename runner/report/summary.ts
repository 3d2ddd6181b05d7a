// reports/<run-id>/summary.json: what the run measured and what it concluded. Written on every
// way out (pass, breach, failure, interruption), so nothing measured is lost.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SloVerdict } from '../verdict/judge';
import type { RunCounts } from '../ingest/measurements';
import type { CallFidelity } from '../target/fidelity';
import type { TimelineWindow } from './timeline-window';

export const SUMMARY_SCHEMA = 'fleetload.summary/v2';
/** JSON Schema of the summary, generated from these types (npm run schema) and checked by a test. */
export const SUMMARY_SCHEMA_FILE = 'schemas/summary.v2.schema.json';

export type RunStatus = 'passed' | 'slo-violated' | 'inconclusive' | 'failed' | 'interrupted';

export type { TimelineWindow, WindowSli } from './timeline-window';

/** Where and on what the run ran: what a comparison must match or at least show. */
export interface RunHost {
  cores: number;
  memoryBytes: number;
  platform: string;
  node: string;
}

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
  host: RunHost;
  /** The fleetload checkout's commit when known (a git checkout), else null. */
  gitCommit: string | null;
  fleetloadVersion: string;
  target: { url: string; kind: 'simulator' | 'external'; protocol: string };
  clusters: { requested: number; registered: number; reregistered: number; failed: number };
  counts: RunCounts;
  /** Failed calls by status and URL template, most frequent first. */
  failures: Array<{ status: string; name: string; count: number }>;
  /** Windows in which the target answered nothing, and how long the fleet took to come back. */
  outages: Array<{ startedAt: string; endedAt: string; seconds: number; recoveredAt: string | null; recoverySeconds: number | null }>;
  /**
   * Per SLO: the verdict, and the exact HDR histogram of its samples (microseconds, compressed
   * base64 as hdr-histogram-js encodes it; null without samples) so later tools can merge runs and
   * judge again without the raw samples.
   */
  slos: Array<Omit<SloVerdict, 'valueMs'> & { valueMs: number | null; histogram: string | null }>;
  /** The run in 10 s windows. */
  timeline: { windowS: number; windows: TimelineWindow[] };
  /** Where k6's own threshold verdict and the runner's disagree (they judge different windows). */
  disagreements: string[];
  /** The target's server-side API latency, when it exports it (the built-in simulator does). */
  targetView?: Partial<Record<string, { count: number; p99Ms: number | null }>>;
  /**
   * Calls per agent per minute as the target's own request counter saw them, beside a real
   * agent's idle rates; only for protocols with a call reference (kubelet) and a target whose
   * counter the run could read.
   */
  fidelity?: CallFidelity;
  /** Whether the load generator was saturated (its health per window is in the timeline). */
  generator: { saturated: boolean; reasons: string[]; engineCapacityCores: number; unhealthyWindows: number };
  /** Findings that change how to read the verdict, e.g. a saturated load generator. */
  warnings: string[];
  runner: { peakRssBytes: number; cpuSeconds: number };
}

/** JSON has no Infinity: a percentile decided by samples that never completed is null. */
export function serialisable(v: SloVerdict, histogram: string | null): RunSummary['slos'][number] {
  return { ...v, valueMs: Number.isFinite(v.valueMs) ? v.valueMs : null, histogram };
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

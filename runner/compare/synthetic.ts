// Synthetic fleetload.summary/v2 runs with known latency distributions, for the comparison's
// tests and its false-positive simulation: no real run can be made to have a known truth.
// Each SLI's samples are log-normal around a per-window scale, and the per-window scale is itself
// log-normal around the SLI's median (windowSpread), so both the windows' percentiles and the
// whole-run percentile come from real samples exactly as a run computes them.
import * as hdr from 'hdr-histogram-js';
import { emptyCounts } from '../ingest/measurements';
import { SUMMARY_SCHEMA, type RunStatus, type RunSummary, type TimelineWindow } from '../report/summary';

export interface SyntheticSli {
  /** Median of the windows' latency scale, in ms. */
  medianMs: number;
  /** Standard deviation of the log of each window's scale: 0.1 ≈ windows ±10 % apart. */
  windowSpread: number;
  /** Standard deviation of the log of the samples inside a window (the tail); default 0.4. */
  sampleSpread?: number;
  /** Samples per window; default 100. */
  samplesPerWindow?: number;
  /** Windows that have samples of this SLI (the first ones); default every window. */
  windows?: number;
  /** The judged percentile; default 99. */
  percentile?: number;
  /** Operations that never completed (counted as infinitely slow, as registrations are). */
  missing?: number;
}

export interface SyntheticRun {
  seed: number;
  /** Timeline windows (10 s each). */
  windows: number;
  slis: Record<string, SyntheticSli>;
  runId?: string;
  release?: string;
  profile?: string;
  protocol?: string;
  clusters?: number;
  status?: RunStatus;
  sloWarmupS?: number;
  /** Encode the whole-run HDR histograms (default true; the simulation skips it for speed). */
  histograms?: boolean;
}

/** mulberry32: a small seeded PRNG, so every synthetic run is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
export function normal(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Nearest-rank percentile of sorted values, as the HDR histograms of a run answer it. */
function nearestRank(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/** HDR stores whole microseconds: round as the run's recorders do, so windows and histogram agree. */
function micros(ms: number): number {
  return Math.max(1, Math.round(ms * 1000)) / 1000;
}

const MAX_US = 24 * 3600 * 1_000_000;

export function syntheticSummary(spec: SyntheticRun): RunSummary {
  const rand = seededRandom(spec.seed);
  const windowS = 10;
  const windows: TimelineWindow[] = Array.from({ length: spec.windows }, (_, i) => ({
    startS: i * windowS,
    endS: (i + 1) * windowS,
    slis: {},
    requests: 0,
    requestsFailed: 0,
    endpoints: {},
    agents: { registered: 0, reregistered: 0, failed: 0 },
    generator: null,
  }));
  const slos: RunSummary['slos'] = [];
  for (const [name, sli] of Object.entries(spec.slis)) {
    const percentile = sli.percentile ?? 99;
    const perWindow = sli.samplesPerWindow ?? 100;
    const sampleSpread = sli.sampleSpread ?? 0.4;
    const all: number[] = [];
    const withData = Math.min(spec.windows, sli.windows ?? spec.windows);
    for (let w = 0; w < withData; w++) {
      const scale = sli.medianMs * Math.exp(sli.windowSpread * normal(rand));
      const samples = Array.from({ length: perWindow }, () => micros(scale * Math.exp(sampleSpread * normal(rand)))).sort((p, q) => p - q);
      all.push(...samples);
      windows[w]!.slis[name] = { count: perWindow, p50: nearestRank(samples, 50), p90: nearestRank(samples, 90), p99: nearestRank(samples, 99), max: samples[samples.length - 1]! };
    }
    all.sort((p, q) => p - q);
    const missing = sli.missing ?? 0;
    const n = all.length;
    const rank = Math.ceil((percentile / 100) * (n + missing));
    const valueMs = n + missing === 0 ? 0 : rank > n ? null : all[Math.max(1, rank) - 1]!;
    let histogram: string | null = null;
    if (n > 0 && spec.histograms !== false) {
      const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: MAX_US, numberOfSignificantValueDigits: 3, useWebAssembly: false });
      for (const v of all) h.recordValue(Math.round(v * 1000));
      histogram = hdr.encodeIntoCompressedBase64(h);
    }
    const objectiveMs = sli.medianMs * 100;
    const empty = n === 0;
    const status = n + missing === 0 ? 'no-data' : valueMs !== null && valueMs <= objectiveMs ? 'pass' : 'fail';
    slos.push({
      sli: name,
      description: `synthetic ${name}`,
      percentile,
      objectiveMs,
      status,
      valueMs,
      stats: {
        count: n,
        warmupExcluded: 0,
        slowCount: all.filter((v) => v > objectiveMs).length,
        p50: empty ? 0 : nearestRank(all, 50),
        p90: empty ? 0 : nearestRank(all, 90),
        p99: empty ? 0 : nearestRank(all, 99),
        atPercentile: empty ? 0 : nearestRank(all, percentile),
        max: empty ? 0 : all[n - 1]!,
        min: empty ? 0 : all[0]!,
        mean: empty ? 0 : all.reduce((s, v) => s + v, 0) / n,
      },
      missing,
      histogram,
    });
  }
  const clusters = spec.clusters ?? 100;
  const durationS = spec.windows * windowS;
  const started = Date.UTC(2025, 0, 1) + spec.seed * 1000;
  return {
    schema: SUMMARY_SCHEMA,
    runId: spec.runId ?? `synthetic-${spec.seed}`,
    release: spec.release ?? 'dev',
    profile: spec.profile ?? 'smoke',
    status: spec.status ?? 'passed',
    exitCode: 0,
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(started + durationS * 1000).toISOString(),
    wallSeconds: durationS,
    plan: { clusters, durationS, sloWarmupS: spec.sloWarmupS ?? 0, vus: 1, agentsPerVu: clusters },
    engine: { name: 'embedded', version: 'synthetic', exitCode: 0, thresholdsPassed: true },
    host: { cores: 2, memoryBytes: 4 * 1024 ** 3, platform: 'linux', node: 'v20' },
    gitCommit: null,
    fleetloadVersion: '0.1.0',
    target: { url: 'http://127.0.0.1:1', kind: 'simulator', protocol: spec.protocol ?? 'fleetload-sim' },
    clusters: { requested: clusters, registered: clusters, reregistered: 0, failed: 0 },
    counts: { ...emptyCounts(), registered: clusters },
    failures: [],
    outages: [],
    slos,
    timeline: { windowS, windows },
    disagreements: [],
    generator: { saturated: false, reasons: [], engineCapacityCores: 2, unhealthyWindows: 0 },
    warnings: [],
    runner: { peakRssBytes: 0, cpuSeconds: 0 },
  };
}

// Synthetic v2 summaries and comparisons for the HTML report tests: a plausible 60 s run (six 10 s
// windows, every SLI of the table, an outage, a saturated generator window) built by recording
// seeded samples into real HDR histograms, so the windows, the whole-run stats and the encoded
// histograms agree with each other the way a real run's do.
import * as hdr from 'hdr-histogram-js';
import { seededRandom } from '../../runner/compare/synthetic';
import type { Comparison, CompareVerdict, SliComparison } from '../../runner/compare/types';
import { SUMMARY_SCHEMA, type RunStatus, type RunSummary, type TimelineWindow, type WindowSli } from '../../runner/report/summary';
import { SLIS } from '../../scenarios/lib/sli';

export interface FixtureOptions {
  runId?: string;
  release?: string;
  /** Multiplies every latency: a slower (>1) or faster (<1) release for comparisons. */
  slowdown?: number;
  /** Per-SLI multipliers on top of `slowdown`. */
  slowdownBySli?: Readonly<Record<string, number>>;
  seed?: number;
  /** SLIs that got no samples at all (their verdict is no-data). */
  noData?: readonly string[];
  /** The target answers nothing from 32 s to 37 s (default true). */
  outage?: boolean;
  /** The generator is saturated in the fifth window (default true): a breach is then inconclusive. */
  saturated?: boolean;
  windows?: number;
  /** Overrides applied last, e.g. hostile strings for the escaping tests. */
  patch?: (s: RunSummary) => void;
}

const WINDOW_S = 10;
const CLUSTERS = 200;
const LOAD_START = Date.parse('2025-03-04T10:00:03.000Z');


function histogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 24 * 3600 * 1_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

const micros = (ms: number): number => Math.max(1, Math.round(ms * 1000));
const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** Median latency (ms) and samples per window of each SLI; registration and distribution come in bursts. */
const MODEL: Readonly<Record<string, { medianMs: number; perWindow: (w: number) => number }>> = {
  'api-mutating': { medianMs: 4, perWindow: () => 400 },
  'api-read-resource': { medianMs: 3, perWindow: () => 300 },
  'api-read-namespace': { medianMs: 14, perWindow: () => 120 },
  'api-read-cluster': { medianMs: 90, perWindow: () => 20 },
  registration: { medianMs: 45, perWindow: (w) => (w === 0 ? 150 : w === 1 ? 50 : w === 3 || w === 4 ? 30 : 0) },
  distribution: { medianMs: 160, perWindow: (w) => (w === 1 || w === 3 ? 200 : w === 2 || w === 4 ? 80 : 10) },
};

const ENDPOINTS = [
  'PUT /api/v1/namespaces/{ns}/clusters/{name}/lease',
  'GET /api/v1/namespaces/{ns}/clusters/{name}/deployments?watch=1',
  'PUT /api/v1/namespaces/{ns}/clusters/{name}/deployments/{bundle}/status',
  'GET /api/v1/namespaces/{ns}/clusters/{name}',
  'GET /api/v1/namespaces/{ns}/clusters',
  'POST /api/v1/registrations',
  'GET /api/v1/clusters',
] as const;

export function syntheticSummary(opts: FixtureOptions = {}): RunSummary {
  const random = seededRandom(opts.seed ?? 7);
  const slowdown = opts.slowdown ?? 1;
  const outage = opts.outage ?? true;
  const saturated = opts.saturated ?? true;
  const windowsN = opts.windows ?? 6;
  const warmupS = 10;
  const noData = new Set(opts.noData ?? []);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  // Seconds of the outage and of the saturated window, relative to the load's start.
  const outageFrom = 32;
  const outageTo = 37;
  const inOutage = (w: number): boolean => outage && w === 3;
  const isSaturated = (w: number): boolean => saturated && w === 4;

  const whole = new Map<string, { h: hdr.Histogram; sum: number; min: number; max: number; slow: number; warmup: number }>();
  for (const d of SLIS) whole.set(d.name, { h: histogram(), sum: 0, min: Infinity, max: 0, slow: 0, warmup: 0 });

  const windows: TimelineWindow[] = [];
  let registered = 0;
  let reregistered = 0;
  let failed = 0;
  for (let w = 0; w < windowsN; w++) {
    const startS = w * WINDOW_S;
    // The last window closes when the load ends, a little after the full minute.
    const endS = w === windowsN - 1 ? round3(startS + WINDOW_S + 0.3) : startS + WINDOW_S;
    const slis: Record<string, WindowSli> = {};
    for (const d of SLIS) {
      const model = MODEL[d.name]!;
      const n = noData.has(d.name) ? 0 : model.perWindow(w);
      if (n === 0) continue;
      const h = histogram();
      let max = 0;
      const acc = whole.get(d.name)!;
      for (let i = 0; i < n; i++) {
        // Log-normal around the median; the outage and the saturated window stretch the tail.
        let ms = model.medianMs * slowdown * (opts.slowdownBySli?.[d.name] ?? 1) * Math.exp(0.55 * gauss());
        if (inOutage(w) && random() < 0.08) ms *= 25;
        if (isSaturated(w)) ms *= 1.6 + random();
        h.recordValue(micros(ms));
        max = Math.max(max, ms);
        if (d.warmupApplies && endS <= warmupS) {
          acc.warmup++;
          continue;
        }
        acc.h.recordValue(micros(ms));
        acc.sum += ms;
        acc.min = Math.min(acc.min, ms);
        acc.max = Math.max(acc.max, ms);
        if (ms > d.objective.thresholdMs) acc.slow++;
      }
      const at = (p: number): number => round3(Math.min(h.getValueAtPercentile(p) / 1000, max));
      slis[d.name] = { count: n, p50: at(50), p90: at(90), p99: at(99), max: round3(max) };
    }
    const requests = 900 + Math.round(random() * 80);
    const requestsFailed = inOutage(w) ? 410 : w === 4 ? 6 : 0;
    const endpoints: TimelineWindow['endpoints'] = {};
    ENDPOINTS.forEach((name, i) => {
      const share = Math.round(requests / 2 ** (i + 1));
      endpoints[name] = { requests: share, failed: Math.round(requestsFailed / 2 ** (i + 1)) };
    });
    registered = Math.min(CLUSTERS, registered + (w === 0 ? 150 : 50));
    if (inOutage(w)) {
      reregistered += 35;
      failed += 2;
    } else if (w === 4 && outage) reregistered += 25;
    windows.push({
      startS,
      endS,
      slis,
      requests,
      requestsFailed,
      endpoints,
      agents: { registered, reregistered, failed },
      generator: {
        endS,
        engineCores: isSaturated(w) ? 1.96 : round3(0.45 + random() * 0.3),
        hostBusy: isSaturated(w) ? 0.97 : round3(0.35 + random() * 0.2),
        eventLoopP99Ms: isSaturated(w) ? 340 : round3(8 + random() * 12),
        eventLoopMaxMs: isSaturated(w) ? 910 : round3(30 + random() * 40),
        droppedIterations: isSaturated(w) ? 12 : 0,
      },
    });
  }

  const slos: RunSummary['slos'] = SLIS.map((d) => {
    const acc = whole.get(d.name)!;
    const n = acc.h.totalCount;
    const pct = (p: number): number => (n === 0 ? 0 : round3(Math.min(acc.h.getValueAtPercentile(p) / 1000, acc.max)));
    const stats = {
      count: n,
      warmupExcluded: acc.warmup,
      slowCount: acc.slow,
      p50: pct(50),
      p90: pct(90),
      p99: pct(99),
      atPercentile: pct(d.objective.percentile),
      max: round3(acc.max),
      min: n === 0 ? 0 : round3(acc.min),
      mean: n === 0 ? 0 : round3(acc.sum / n),
    };
    const base = { sli: d.name, description: d.description, percentile: d.objective.percentile, objectiveMs: d.objective.thresholdMs, stats, missing: 0 };
    if (n === 0) return { ...base, status: 'no-data' as const, valueMs: 0, histogram: null };
    const valueMs = stats.atPercentile;
    return { ...base, status: valueMs <= d.objective.thresholdMs ? ('pass' as const) : ('fail' as const), valueMs, histogram: hdr.encodeIntoCompressedBase64(acc.h) };
  });

  const breached = slos.some((v) => v.status === 'fail');
  const status: RunStatus = !breached ? 'passed' : saturated ? 'inconclusive' : 'slo-violated';
  const exitCode = status === 'passed' ? 0 : status === 'inconclusive' ? 4 : 1;
  const lastEnd = windows.at(-1)?.endS ?? 0;
  const reasons = saturated
    ? ['1 of 6 windows unhealthy (17 % > 10 %): event loop P99 340 ms > 100 ms at 50 s', 'k6 dropped 12 iterations (> 0)']
    : [];
  const totalFailed = windows.reduce((a, w) => a + w.requestsFailed, 0);
  const summary: RunSummary = {
    schema: SUMMARY_SCHEMA,
    runId: opts.runId ?? 'synthetic-a',
    release: opts.release ?? 'v1.4.0',
    profile: 'smoke',
    status,
    exitCode,
    ...(status === 'inconclusive' ? { error: 'distribution breached its SLO while the load generator was saturated: give it more cores or fewer agents per machine' } : {}),
    startedAt: new Date(LOAD_START - 3000).toISOString(),
    endedAt: new Date(LOAD_START + lastEnd * 1000 + 400).toISOString(),
    wallSeconds: round3(3 + lastEnd + 0.4),
    plan: { clusters: CLUSTERS, durationS: windowsN * WINDOW_S, sloWarmupS: warmupS, vus: 4, agentsPerVu: 50 },
    engine: { name: 'embedded', version: 'fleetload-embedded 0.1.0', exitCode: 0, thresholdsPassed: null },
    host: { cores: 2, memoryBytes: 8 * 1024 ** 3, platform: 'linux x64', node: 'v20.19.4' },
    gitCommit: '8c304a0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b',
    fleetloadVersion: '0.1.0',
    target: { url: 'http://127.0.0.1:40123', kind: 'simulator', protocol: 'fleetload-sim' },
    clusters: { requested: CLUSTERS, registered, reregistered, failed },
    counts: {
      registered,
      reregistered,
      registrationFailed: failed,
      heartbeats: 5400,
      deploymentsReady: 580,
      deploymentsFailed: outage ? 4 : 0,
      backoffs: outage ? 61 : 0,
      requests: windows.reduce((a, w) => a + w.requests, 0),
      requestsFailed: totalFailed,
      rolloutsCompleted: 2,
      rolloutsIncomplete: 0,
      droppedIterations: saturated ? 12 : 0,
      samples: 48_000,
      malformed: 0,
    },
    failures: outage
      ? [
          { status: '0', name: ENDPOINTS[0], count: Math.round(totalFailed * 0.45) },
          { status: '503', name: ENDPOINTS[1], count: Math.round(totalFailed * 0.3) },
          { status: '0', name: ENDPOINTS[2], count: Math.round(totalFailed * 0.15) },
          { status: '429', name: ENDPOINTS[5], count: Math.round(totalFailed * 0.1) },
        ]
      : [],
    outages: outage
      ? [
          {
            startedAt: new Date(LOAD_START + outageFrom * 1000).toISOString(),
            endedAt: new Date(LOAD_START + outageTo * 1000).toISOString(),
            seconds: outageTo - outageFrom,
            recoveredAt: new Date(LOAD_START + 44_500).toISOString(),
            recoverySeconds: 7.5,
          },
        ]
      : [],
    slos,
    timeline: { windowS: WINDOW_S, windows },
    disagreements: [],
    targetView: { 'api-mutating': { count: 2000, p99Ms: 2.1 }, 'api-read-resource': { count: 1500, p99Ms: 1.4 }, 'api-read-namespace': { count: 600, p99Ms: 9.8 }, 'api-read-cluster': { count: 100, p99Ms: 61 } },
    generator: { saturated, reasons, engineCapacityCores: 2, unhealthyWindows: saturated ? 1 : 0 },
    warnings: saturated ? ['the load generator was saturated in 1 window: latencies measured then include the harness’s own queueing'] : [],
    runner: { peakRssBytes: 310 * 1024 ** 2, cpuSeconds: 41.2 },
  };
  opts.patch?.(summary);
  return summary;
}

/** A comparison of two fixtures as `fleetload compare` would conclude it: B slower on the API SLIs. */
export function syntheticComparison(a: RunSummary, b: RunSummary): Comparison {
  const ref = (s: RunSummary): Comparison['a'] => ({
    runId: s.runId,
    release: s.release,
    profile: s.profile,
    protocol: s.target.protocol,
    clusters: s.plan.clusters,
    status: s.status,
    startedAt: s.startedAt,
  });
  const slis: SliComparison[] = a.slos.map((va) => {
    const vb = b.slos.find((v) => v.sli === va.sli);
    const av = va.status === 'no-data' ? null : va.valueMs;
    const bv = vb === undefined || vb.status === 'no-data' ? null : vb.valueMs;
    const change = av !== null && bv !== null && av > 0 ? ((bv - av) / av) * 100 : null;
    const windowsA = a.timeline.windows.filter((w) => w.slis[va.sli] !== undefined).length;
    const windowsB = b.timeline.windows.filter((w) => w.slis[va.sli] !== undefined).length;
    const verdict: CompareVerdict =
      change === null || windowsA < 5 || windowsB < 5 ? 'inconclusive' : change > 20 ? 'worse' : change < -20 ? 'better' : 'within noise';
    return {
      sli: va.sli,
      percentile: va.percentile,
      a: av,
      b: bv,
      changePercent: change,
      verdict,
      pValue: verdict === 'inconclusive' ? null : verdict === 'within noise' ? 0.41 : 0.003,
      reason:
        verdict === 'inconclusive'
          ? `too few windows with samples (${windowsA} vs ${windowsB}, need 5 each)`
          : `Mann-Whitney U over ${windowsA} vs ${windowsB} window P99s, floor 20 %`,
      windowsA,
      windowsB,
    };
  });
  return {
    a: ref(a),
    b: ref(b),
    historyRuns: 4,
    flags: a.status !== 'passed' || b.status !== 'passed' ? [`run ${a.runId} is ${a.status}; run ${b.runId} is ${b.status}`] : [],
    slis,
    worse: slis.some((s) => s.verdict === 'worse'),
    method:
      'Each SLI is compared on its per-window P99s (10 s windows) with a two-sided Mann-Whitney U test; a change counts as better or worse only when p < 0.05 and it exceeds 20 % of the baseline, a band widened by the spread of the last 4 runs in the history. Fewer than 5 windows with samples on either side is inconclusive.',
  };
}

// Exact percentiles for one SLI: an HDR histogram in microseconds (3 significant digits, so a
// reported P99 is within 0.1 % of the true one, whatever the run's length), plus the slow-call
// count against the SLO threshold, counted exactly rather than read off a bucket.
import * as hdr from 'hdr-histogram-js';

const MAX_US = 24 * 3600 * 1_000_000;

function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: MAX_US, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

function toMicros(ms: number): number {
  return Math.min(MAX_US, Math.max(1, Math.round((ms < 0 ? 0 : ms) * 1000)));
}

/** One SLI's samples in one timeline window: percentiles of what happened in it, then reset. */
export class WindowRecorder {
  private readonly histogram = newHistogram();
  private maxMs = 0;

  record(valueMs: number): void {
    this.histogram.recordValue(toMicros(valueMs));
    if (valueMs > this.maxMs) this.maxMs = valueMs;
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** The window's percentiles in ms (null without samples), and a fresh window. */
  take(): { count: number; p50: number; p90: number; p99: number; max: number } | null {
    const n = this.histogram.totalCount;
    const at = (p: number): number => Math.min(this.histogram.getValueAtPercentile(p) / 1000, this.maxMs);
    const out = n === 0 ? null : { count: n, p50: at(50), p90: at(90), p99: at(99), max: this.maxMs };
    this.histogram.reset();
    this.maxMs = 0;
    return out;
  }
}

export interface SliStats {
  count: number;
  /** Samples left out because they fell in the warm-up window. */
  warmupExcluded: number;
  /** Samples over the SLO threshold. */
  slowCount: number;
  p50: number;
  p90: number;
  p99: number;
  /** The judged percentile (often p99 too). */
  atPercentile: number;
  max: number;
  min: number;
  mean: number;
}

export class SliRecorder {
  private readonly histogram = newHistogram();
  private warmupExcluded = 0;
  private slowCount = 0;
  private sum = 0;
  private minMs = Infinity;
  private maxMs = 0;

  constructor(
    readonly thresholdMs: number,
    readonly percentile: number,
    /** Samples before this epoch-ms instant are warm-up (ignored); 0 when the SLI has none. */
    private warmupUntilMs = 0,
  ) {}

  setWarmupEnd(epochMs: number): void {
    this.warmupUntilMs = epochMs;
  }

  get hasWarmup(): boolean {
    return this.warmupUntilMs > 0;
  }

  /** `timeMs` is the sample's epoch time; pass 0 to skip the warm-up check. */
  record(valueMs: number, timeMs: number): void {
    if (timeMs !== 0 && timeMs < this.warmupUntilMs) {
      this.warmupExcluded++;
      return;
    }
    const v = valueMs < 0 ? 0 : valueMs;
    this.histogram.recordValue(toMicros(v));
    this.sum += v;
    if (v < this.minMs) this.minMs = v;
    if (v > this.maxMs) this.maxMs = v;
    if (v > this.thresholdMs) this.slowCount++;
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** HDR answers with the top of a value's bucket (0.1 % wide): never more than the exact max. */
  private at(p: number): number {
    return Math.min(this.histogram.getValueAtPercentile(p) / 1000, this.maxMs);
  }

  /**
   * The percentile over the recorded samples plus `missing` ones that never completed (slower
   * than anything): Infinity when the missing ones reach the percentile's rank.
   */
  valueAt(percentile: number, missing = 0): number {
    const n = this.histogram.totalCount;
    const total = n + missing;
    if (total === 0) return 0;
    const rank = Math.max(1, Math.ceil((percentile / 100) * total));
    if (rank > n) return Infinity;
    return this.at((100 * rank) / n);
  }

  /** The exact histogram (microseconds) as hdr-histogram-js's compressed base64; null when empty. */
  encoded(): string | null {
    return this.histogram.totalCount === 0 ? null : hdr.encodeIntoCompressedBase64(this.histogram);
  }

  stats(): SliStats {
    const n = this.histogram.totalCount;
    return {
      count: n,
      warmupExcluded: this.warmupExcluded,
      slowCount: this.slowCount,
      p50: n ? this.at(50) : 0,
      p90: n ? this.at(90) : 0,
      p99: n ? this.at(99) : 0,
      atPercentile: n ? this.at(this.percentile) : 0,
      max: n ? this.maxMs : 0,
      min: n ? this.minMs : 0,
      mean: n ? this.sum / n : 0,
    };
  }
}

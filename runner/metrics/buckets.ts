// Histogram buckets in seconds. Every SLO threshold is a bucket boundary, so that
// histogram_quantile and slow-call counts in Prometheus line up with the runner's verdict.
export const BASE_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

export function bucketsWith(thresholdsMs: readonly number[], base: readonly number[] = BASE_BUCKETS_S): number[] {
  const all = new Set(base);
  for (const ms of thresholdsMs) all.add(ms / 1000);
  return [...all].sort((a, b) => a - b);
}

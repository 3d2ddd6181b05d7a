import { describe, expect, it } from 'vitest';
import { Aggregator, TrendSink } from './aggregate';
import { buildThresholds } from './thresholds';

describe('aggregation for thresholds', () => {
  it('feeds tag-filtered submetrics from the stream', () => {
    const sets = buildThresholds({ 'r{kind:a}': [{ expression: 'rate>0.5', abortOnFail: false, delayAbortEvalMs: 0 }] }, () => 'rate');
    const agg = new Aggregator(sets);
    agg.ingest([
      { type: 'Metric', metric: 'r', data: { name: 'r', type: 'rate', contains: 'default', thresholds: [], submetrics: null } },
      { type: 'Point', metric: 'r', data: { time: '', value: 1, tags: { kind: 'a' } } },
      { type: 'Point', metric: 'r', data: { time: '', value: 0, tags: { kind: 'b' } } },
    ]);
    expect(agg.lookup('r{kind:a}', 'r', 'rate', 'default').sink.read('rate', undefined, 1)).toBe(1);
    expect(agg.lookup('r', 'r', 'rate', 'default').sink.read('rate', undefined, 1)).toBe(0.5);
  });
});

describe('trend percentiles', () => {
  it('interpolate between ranks like k6', () => {
    const t = new TrendSink();
    for (const v of [5, 1, 4, 2, 3]) t.add(v);
    expect(t.percentile(0.5)).toBe(3);
    expect(t.percentile(0.9)).toBeCloseTo(4.6);
    expect(t.stat('avg')).toBe(3);
  });
});

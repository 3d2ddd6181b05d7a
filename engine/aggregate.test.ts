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

  it('count zeros in place and stay exact across chunks and later adds', () => {
    const values: number[] = [];
    for (let i = 0; i < 20_000; i++) values.push(i % 3 === 0 ? 0 : ((i * 7919) % 1000) - 200);
    const t = new TrendSink();
    const check = (): void => {
      const sorted = [...values].sort((a, b) => a - b);
      for (const p of [0, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 1]) {
        const i = p * (sorted.length - 1);
        const lo = sorted[Math.floor(i)] as number;
        const hi = sorted[Math.ceil(i)] as number;
        expect(t.percentile(p)).toBeCloseTo(lo + (hi - lo) * (i - Math.floor(i)), 9);
      }
    };
    for (const v of values) t.add(v);
    check();
    for (let i = 0; i < 5000; i++) {
      const v = i % 2 === 0 ? 0 : -i;
      values.push(v);
      t.add(v);
    }
    check();
    expect(t.stat('count')).toBe(values.length);
  });
});

// Unit tests of the engine's pure parts: segments, thresholds, durations, schedules, bundling.
import { describe, expect, it } from 'vitest';
import { Aggregator, TrendSink } from '../../engine/aggregate';
import { rewriteGlobals } from '../../engine/bundle';
import { parseDuration } from '../../engine/duration';
import { ConfigError } from '../../engine/errors';
import { constantSchedule, rampingSchedule } from '../../engine/executors/arrival-rate';
import { rampingSteps } from '../../engine/executors/vus';
import { mergeOptions, resolveOptions } from '../../engine/options';
import { serializeSetupData } from '../../engine/run';
import { evenSegment, parseFraction, segmentTuple } from '../../engine/segments';
import { buildThresholds, parseMetricKey, parseThresholdExpression } from '../../engine/thresholds';
import { formatTime } from '../../engine/time';

describe('execution segments', () => {
  it('stripes VU ids across two instances as k6 does (1,3,5… and 2,4,6…)', () => {
    const a = evenSegment(0, 2);
    const b = evenSegment(1, 2);
    expect(a.label).toBe('0:1/2');
    expect(b.label).toBe('1/2:1');
    expect([0, 1, 2, 3, 4].map((i) => a.globalIndex(i) + 1)).toEqual([1, 3, 5, 7, 9]);
    expect([0, 1, 2, 3, 4].map((i) => b.globalIndex(i) + 1)).toEqual([2, 4, 6, 8, 10]);
  });

  it('scales counts so that the segments add up to the whole', () => {
    for (const n of [0, 1, 5, 7, 10, 101]) {
      for (const count of [2, 3, 4]) {
        let sum = 0;
        for (let i = 0; i < count; i++) sum += evenSegment(i, count).scale(n);
        expect(sum).toBe(n);
      }
    }
  });

  it('gives every global index to exactly one segment of an uneven sequence', () => {
    const seq = ['0', '1/4', '1'].map(parseFraction);
    const segs = [segmentTuple(seq, 0), segmentTuple(seq, 1)];
    for (let g = 0; g < 40; g++) expect(segs.filter((s) => s.owns(g))).toHaveLength(1);
    expect(segs[0]?.scale(8)).toBe(2);
  });
});

describe('thresholds', () => {
  it('parses k6 expressions', () => {
    expect(parseThresholdExpression('p(99.9) < 1000')).toMatchObject({ aggregation: 'p', percentile: 99.9, op: '<', value: 1000 });
    expect(parseThresholdExpression('rate>=0.95')).toMatchObject({ aggregation: 'rate', op: '>=', value: 0.95 });
    expect(() => parseThresholdExpression('foo<')).toThrow(ConfigError);
    expect(() => parseThresholdExpression('p(99)<')).toThrow(/malformed/);
  });

  it('parses tag filters', () => {
    expect(parseMetricKey('http_req_duration{status:200, name:"x y"}')).toEqual({ metric: 'http_req_duration', tags: { status: '200', name: 'x y' } });
    expect(parseMetricKey('checks')).toEqual({ metric: 'checks', tags: null });
  });

  it('rejects unknown metrics and aggregations that do not fit the metric type', () => {
    const typeOf = (m: string) => (m === 'c' ? ('counter' as const) : undefined);
    expect(() => buildThresholds({ nope: [{ expression: 'count<1', abortOnFail: false, delayAbortEvalMs: 0 }] }, typeOf)).toThrow(/no metric name "nope"/);
    expect(() => buildThresholds({ c: [{ expression: 'p(95)<1', abortOnFail: false, delayAbortEvalMs: 0 }] }, typeOf)).toThrow(/not supported for the metric type counter/);
  });

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

describe('durations and time', () => {
  it('parses Go-style durations', () => {
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration(250)).toBe(250);
    expect(() => parseDuration('ten seconds')).toThrow(ConfigError);
  });

  it('formats RFC 3339 with microseconds', () => {
    expect(formatTime(Date.UTC(2026, 0, 2, 3, 4, 5, 6) + 0.5)).toMatch(/^2026-01-0\dT\d\d:04:05\.006500(Z|[+-]\d\d:\d\d)$/);
  });
});

describe('options', () => {
  it('turns shortcuts into k6 default scenarios', () => {
    expect(resolveOptions({ vus: 2, duration: '3s' }).scenarios[0]).toMatchObject({ name: 'default', executor: 'constant-vus', vus: 2, durationMs: 3000 });
    expect(resolveOptions({ iterations: 5 }).scenarios[0]).toMatchObject({ executor: 'shared-iterations', vus: 1, iterations: 5 });
    expect(resolveOptions({ stages: [{ duration: '1s', target: 3 }] }).scenarios[0]).toMatchObject({ executor: 'ramping-vus' });
  });

  it('lets CLI-style shortcut overrides replace the script scenarios', () => {
    const merged = mergeOptions({ scenarios: { a: { executor: 'constant-vus', vus: 1, duration: '1s' } } }, { vus: 3, iterations: 6 });
    expect(resolveOptions(merged).scenarios).toMatchObject([{ name: 'default', executor: 'shared-iterations', vus: 3, iterations: 6 }]);
  });

  it('rejects invalid configurations with ConfigError', () => {
    expect(() => resolveOptions({ scenarios: { a: { executor: 'externally-controlled' } } })).toThrow(ConfigError);
    expect(() => resolveOptions({ scenarios: { a: { executor: 'shared-iterations', vus: 5, iterations: 2 } } })).toThrow(/can't be less/);
    expect(() => resolveOptions({ scenarios: { a: { executor: 'constant-vus', vus: 1 } } })).toThrow(/duration is required/);
  });
});

describe('schedules', () => {
  it('constant arrival rate starts iterations at fixed intervals', () => {
    const s = constantSchedule(20, 1000, 1000);
    expect([0, 1, 19, 20].map(s)).toEqual([0, 50, 950, undefined]);
  });

  it('ramping arrival rate follows the area under the rate line', () => {
    const s = rampingSchedule(0, 1000, [{ durationMs: 1000, target: 20 }]);
    // 10 iterations in a 0→20/s ramp over 1s; iteration g starts at sqrt(g/10) s.
    expect(s(0)).toBe(0);
    expect(s(1)).toBeCloseTo(Math.sqrt(0.1) * 1000, 5);
    expect(s(9)).toBeCloseTo(Math.sqrt(0.9) * 1000, 5);
    expect(s(11)).toBeUndefined();
  });

  it('ramping VUs follow the line down as well as up', () => {
    expect(rampingSteps(2, [{ durationMs: 1000, target: 0 }], (n) => n)).toEqual([
      { at: 0, target: 2 },
      { at: 500, target: 1 },
      { at: 1000, target: 0 },
    ]);
  });

  it('ramping VUs change one at a time', () => {
    expect(rampingSteps(0, [{ durationMs: 1000, target: 2 }], (n) => n)).toEqual([
      { at: 0, target: 0 },
      { at: 500, target: 1 },
      { at: 1000, target: 2 },
    ]);
  });
});

describe('bundle globals', () => {
  it('rewrites __ITER and __ENV to per-VU reads but leaves lookalikes alone', () => {
    expect(rewriteGlobals('f(__ITER, __ENV.X, a.__ITER, __ITERX, __VU)')).toBe('f(__fl.iter, __fl.env.X, a.__ITER, __ITERX, __VU)');
  });

  it('serializes setup data as k6 does (sorted keys, Go time)', () => {
    expect(serializeSetupData({ b: 1, a: { d: new Date(1500), c: [2] } })).toBe('{"a":{"c":[2],"d":"1970-01-01T00:00:01.5Z"},"b":1}');
    expect(serializeSetupData(undefined)).toBeUndefined();
  });
});

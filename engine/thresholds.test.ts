import { describe, expect, it } from 'vitest';
import { K6OptionsError } from './errors';
import { buildThresholds, parseMetricKey, parseThresholdExpression } from './thresholds';

describe('thresholds', () => {
  it('parses k6 expressions', () => {
    expect(parseThresholdExpression('p(99.9) < 1000')).toMatchObject({ aggregation: 'p', percentile: 99.9, op: '<', value: 1000 });
    expect(parseThresholdExpression('rate>=0.95')).toMatchObject({ aggregation: 'rate', op: '>=', value: 0.95 });
    expect(() => parseThresholdExpression('foo<')).toThrow(K6OptionsError);
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
});

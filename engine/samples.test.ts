import { describe, expect, it } from 'vitest';
import { formatSampleLine, parseSampleLine, type PointLine } from './samples';

describe('k6 JSON lines', () => {
  it('writes a point as k6 v1.8 does: field order, sorted tags, Go escaping', () => {
    // Tags in insertion order, as the engine builds them; k6 (Go) sorts map keys.
    const point: PointLine = {
      metric: 'http_reqs',
      type: 'Point',
      data: { time: '2026-11-22T05:16:58.556411Z', value: 1, tags: { url: 'http://h/x?a=1&b=<2>', t: 'é\u2028"\\', group: '', expected_response: 'true' } },
    };
    // The reference line is what k6 v1.8.1 wrote for the same tags (time shortened to µs).
    expect(formatSampleLine(point)).toBe(
      '{"metric":"http_reqs","type":"Point","data":{"time":"2026-11-22T05:16:58.556411Z","value":1,"tags":{"expected_response":"true","group":"","t":"é\\u2028\\"\\\\","url":"http://h/x?a=1\\u0026b=\\u003c2\\u003e"}}}',
    );
    expect(parseSampleLine(formatSampleLine(point))).toEqual(point);
  });

  it('writes a declaration as k6 does (no HTML escaping outside tag sets)', () => {
    const line = formatSampleLine({
      type: 'Metric',
      metric: 'http_req_duration',
      data: { name: 'http_req_duration', type: 'trend', contains: 'time', thresholds: ['p(95)<500'], submetrics: [{ name: 'http_req_duration{expected_response:true}', suffix: 'expected_response:true', tags: { expected_response: 'true' } }] },
    });
    expect(line).toBe(
      '{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":["p(95)<500"],"submetrics":[{"name":"http_req_duration{expected_response:true}","suffix":"expected_response:true","tags":{"expected_response":"true"}}]},"metric":"http_req_duration"}',
    );
  });
});

// The SLI table is the one place an SLI is declared: a toy SLI added by one row is routed by the
// ingest, judged, exported to Prometheus, given a k6 threshold and a config schema entry, and
// written to the summary and JUnit, with no other file touched.
import { describe, expect, it } from 'vitest';
import config from '../k6.config';
import type { SampleLine } from '../engine/samples';
import { defaultSlos, SLIS, type SliDef } from '../scenarios/lib/sli';
import { k6OptionsFor, thresholdsFor } from './config/k6-options';
import { resolvePlan, type RunPlan } from './config/resolve';
import { baseSchema, check, type Issue } from './config/schema';
import { Measurements } from './ingest/measurements';
import { Exporter } from './metrics/exporter';
import { buildSummary } from './pipeline/summary';
import { concludeRun } from './pipeline/verdict';
import { junitXml } from './report/junit';

const TOY: SliDef = {
  name: 'toy-checkin',
  description: 'Toy check-in: agent asked to check in to the hub noting it',
  metric: 'toy_checkin_duration',
  objective: { percentile: 90, thresholdMs: 300 },
  warmupApplies: false,
  labels: ['kind'],
};
const TABLE = [...SLIS, TOY];

function point(metric: string, value: number, tags: Record<string, string> = {}): SampleLine {
  return { type: 'Point', metric, data: { time: '2026-11-22T12:00:00.000Z', value, tags } };
}

describe('an SLI added by one table row', () => {
  const slos = { ...defaultSlos(), [TOY.name]: { percentile: 90, thresholdMs: 300, warmupApplies: false, description: TOY.description } };
  const plan: RunPlan = { ...resolvePlan(config, { clusters: '10' }), slos: slos as RunPlan['slos'] };

  it('is judged, exported and in the summary', async () => {
    const m = new Measurements(slos, TABLE);
    const exporter = new Exporter({ slos, measurements: m, processMetrics: false, progress: () => ({ dueRegistrations: 0, registered: 0 }), run: { runId: 't', release: 'r', profile: 'smoke', engine: 'embedded', clusters: 10 } });
    m.observe(exporter);
    expect(m.wants('toy_checkin_duration')).toBe(true);
    // 8 fast check-ins and 2 slow ones: P90 lands on a slow one, so the SLI fails.
    m.ingest([...Array.from({ length: 8 }, () => point('toy_checkin_duration', 50, { kind: 'first' })), point('toy_checkin_duration', 900, { kind: 'again' }), point('toy_checkin_duration', 950, { kind: 'again' })]);

    const verdict = concludeRun({ plan, measurements: m, engineName: 'embedded', engineExit: 0, failure: undefined, interrupted: false, targetView: undefined, health: [], engineCapacityCores: 1 });
    const toy = verdict.verdicts.find((v) => v.sli === 'toy-checkin')!;
    expect(toy).toMatchObject({ status: 'fail', percentile: 90, objectiveMs: 300 });
    expect(toy.stats.count).toBe(10);
    expect(verdict.status).toBe('slo-violated');
    expect(verdict.reason?.message).toMatch(/toy-checkin/);

    const text = await exporter.registry.metrics();
    expect(text).toContain('fleetload_toy_checkin_duration_seconds_count{kind="again"} 2');
    expect(text).toContain('fleetload_toy_checkin_duration_seconds_bucket{le="0.3",kind="first"} 8');
    expect(text).toContain('fleetload_slo_objective_seconds{sli="toy-checkin",percentile="90"} 0.3');
    expect(text).toContain('fleetload_slo_ok{sli="toy-checkin"} 0');

    const summary = buildSummary({ plan, engine: { name: 'embedded', version: 'test' }, engineExit: 0, targetUrl: 'http://127.0.0.1:1', measurements: m, verdict, targetView: undefined, timeline: [], engineCapacityCores: 1, root: process.cwd(), startedAt: new Date() });
    expect(summary.slos.map((s) => s.sli)).toContain('toy-checkin');
    expect(junitXml(summary)).toMatch(/<testcase classname="fleetload.slo" name="P90 toy-checkin &lt;= 300 ms" time="0"><failure type="SloViolation"/);
  });

  it('gets a k6 threshold and a place in the configuration schema', () => {
    expect(thresholdsFor(plan, TABLE).toy_checkin_duration).toEqual(['p(90)<=300']);
    // The default table knows nothing of it: what is not in the table is not judged by k6 either.
    expect(k6OptionsFor(plan).thresholds.toy_checkin_duration).toBeUndefined();
    const issues: Issue[] = [];
    check(baseSchema(TABLE), { slos: { 'toy-checkin': { thresholdMs: -1 } } }, '', true, issues);
    expect(issues).toEqual([{ path: 'slos.toy-checkin.thresholdMs', message: 'must be greater than 0, got -1' }]);
    const unknown: Issue[] = [];
    check(baseSchema(), { slos: { 'toy-checkin': { thresholdMs: 1 } } }, '', true, unknown);
    expect(unknown[0]?.message).toMatch(/unknown field/);
  });
});

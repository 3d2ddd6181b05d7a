import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';
import { describe, expect, it } from 'vitest';
import config from '../../k6.config';
import { resolvePlan } from '../config/resolve';
import { Measurements } from '../ingest/measurements';
import { buildSummary } from '../pipeline/summary';
import { concludeRun } from '../pipeline/verdict';
import { SUMMARY_SCHEMA_FILE } from './summary';
import { summaryValidator } from './summary-schema';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the summary JSON Schema', () => {
  it('is the one the RunSummary type makes (run npm run schema after changing the type)', () => {
    const generated = createGenerator({ path: join(ROOT, 'runner/report/summary.ts'), type: 'RunSummary', tsconfig: join(ROOT, 'tsconfig.json'), skipTypeCheck: true }).createSchema('RunSummary');
    expect(JSON.parse(readFileSync(join(ROOT, SUMMARY_SCHEMA_FILE), 'utf8'))).toEqual(JSON.parse(JSON.stringify(generated)));
  }, 60_000);

  it('accepts a summary the runner builds and rejects one that is not', () => {
    const plan = resolvePlan(config, { clusters: '3' });
    const m = new Measurements(plan.slos);
    m.ingest([{ type: 'Point', metric: 'fleet_registration_duration', data: { time: '2026-11-22T12:00:00Z', value: 40, tags: { kind: 'initial' } } }]);
    const timeline = [{ ...m.closeWindow(0, 10), generator: null }];
    const verdict = concludeRun({ plan, measurements: m, engineName: 'embedded', engineExit: 0, failure: undefined, interrupted: false, targetView: undefined, health: [], engineCapacityCores: 1 });
    const summary = buildSummary({ plan, engine: { name: 'embedded', version: 'test' }, engineExit: 0, targetUrl: 'http://127.0.0.1:1', measurements: m, verdict, targetView: undefined, timeline, engineCapacityCores: 1, root: ROOT, startedAt: new Date() });
    const validate = summaryValidator(ROOT);
    expect(validate(JSON.parse(JSON.stringify(summary)))).toEqual([]);
    expect(validate({ ...summary, schema: 'fleetload.summary/v1' })).not.toEqual([]);
    const { timeline: _dropped, ...withoutTimeline } = summary;
    expect(validate(withoutTimeline).join()).toMatch(/timeline/);
  });
});

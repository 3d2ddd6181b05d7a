// The synthetic summaries the report tests draw are real v2 summaries as far as the schema can
// tell, and carry what the pages must show: every SLI, six windows, an outage, a saturated window.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summaryValidator } from '../../runner/report/summary-schema';
import { SLIS } from '../../scenarios/lib/sli';
import { ROOT } from '../helpers/cli';
import { syntheticComparison, syntheticSummary } from './fixture';

describe('the report fixture', () => {
  const validate = summaryValidator(ROOT);

  it('is a valid fleetload.summary/v2 in each of its shapes', () => {
    for (const s of [syntheticSummary(), syntheticSummary({ saturated: false, noData: ['api-read-cluster'] }), syntheticSummary({ outage: false, saturated: false, windows: 7 })]) {
      expect(validate(JSON.parse(JSON.stringify(s)))).toEqual([]);
    }
  });

  it('has six windows with every SLI, an outage, a saturated generator window and an inconclusive breach', () => {
    const s = syntheticSummary();
    expect(s.timeline.windows).toHaveLength(6);
    expect(s.slos.map((v) => v.sli)).toEqual(SLIS.map((d) => d.name));
    for (const d of SLIS) expect(s.timeline.windows.some((w) => w.slis[d.name] !== undefined), d.name).toBe(true);
    expect(s.outages).toHaveLength(1);
    expect(s.timeline.windows.filter((w) => w.generator !== null && w.generator.eventLoopP99Ms > 250)).toHaveLength(1);
    expect(s.generator.saturated).toBe(true);
    expect(s.status).toBe('inconclusive');
    expect(s.slos.every((v) => v.histogram !== null)).toBe(true);
  });

  it('compares two runs into every verdict the pages colour', () => {
    const a = syntheticSummary({ outage: false, saturated: false });
    const b = syntheticSummary({ seed: 11, outage: false, saturated: false, slowdownBySli: { 'api-mutating': 1.8, 'api-read-resource': 0.5 } });
    expect(new Set(syntheticComparison(a, b).slis.map((s) => s.verdict))).toEqual(new Set(['worse', 'better', 'within noise', 'inconclusive']));
  });
});

// compare.html as text: both runs on each SLI's P99 chart with the objective, the table with one
// coloured row per SLI, flags and method, everything escaped and nothing fetched.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartSpecsOf, expectOffline, HOSTILE } from '../../../test/browser/page-text';
import { syntheticComparison, syntheticSummary } from '../../../test/browser/fixture';
import { SLIS } from '../../../scenarios/lib/sli';
import type { Comparison } from '../../compare/types';
import type { RunSummary } from '../summary';
import { escapeHtml, objectiveText } from './charts';
import { renderCompareHtml, writeCompareHtml } from './compare';

function pair(): { a: RunSummary; b: RunSummary; c: Comparison } {
  const a = syntheticSummary({ runId: 'base', release: 'v1', outage: false, saturated: false });
  const b = syntheticSummary({ runId: 'cand', release: 'v2', seed: 3, slowdownBySli: { 'api-mutating': 1.8, 'api-read-resource': 0.5 }, windows: 7, outage: false, saturated: false });
  return { a, b, c: syntheticComparison(a, b) };
}

describe('renderCompareHtml', () => {
  it('draws each SLI P99 of both runs on one chart, with the objective', () => {
    const { a, b, c } = pair();
    const specs = chartSpecsOf(renderCompareHtml(a, b, c));
    expect(specs.map((s) => s.title)).toEqual(SLIS.map((d) => `${d.name} P99`));
    for (const [i, spec] of specs.entries()) {
      const sli = SLIS[i]!.name;
      const [sa, sb, objective] = spec.series;
      expect(sa!.label).toBe('A base (v1)');
      expect(sb!.label).toBe('B cand (v2)');
      const want = a.slos.find((v) => v.sli === sli)!;
      expect(objective!.label).toBe(`objective ${objectiveText(want.percentile, want.objectiveMs)}`);
      expect(new Set(objective!.values)).toEqual(new Set([want.objectiveMs]));
      expect(spec.series).toHaveLength(3);
      // A's points are A's window P99s in order, wherever they sit on the merged x (which starts at 0, where neither has one).
      const aPoints = spec.x.flatMap((_, j) => (sa!.absent?.includes(j) ? [] : [sa!.values[j]]));
      expect(aPoints).toEqual([...a.timeline.windows.map((w) => w.slis[sli]?.p99 ?? null)]);
      const bPoints = spec.x.flatMap((_, j) => (sb!.absent?.includes(j) ? [] : [sb!.values[j]]));
      expect(bPoints).toEqual([...b.timeline.windows.map((w) => w.slis[sli]?.p99 ?? null)]);
      // B ran a window longer: the x runs to B's end, A has no point there.
      expect(spec.xMax).toBe(b.timeline.windows.at(-1)!.endS);
      expect(sa!.absent).toContain(spec.x.length - 1);
    }
  });

  it('draws both objectives when the runs were judged against different ones', () => {
    const { a, b, c } = pair();
    b.slos[0]!.objectiveMs = 500;
    const spec = chartSpecsOf(renderCompareHtml(a, b, c))[0]!;
    expect(spec.series.filter((s) => s.reference).map((s) => s.label)).toEqual(['objective P99 ≤ 1.00 s (A)', 'objective P99 ≤ 500 ms (B)']);
  });

  it('has one table row per SLI, coloured by verdict, with A, B and the change', () => {
    const { a, b, c } = pair();
    const html = renderCompareHtml(a, b, c);
    const tone = { better: 'pass', worse: 'fail', 'within noise': 'grey', inconclusive: 'amber' } as const;
    for (const s of c.slis) expect(html).toContain(`<tr class="row-${tone[s.verdict]}" data-sli="${s.sli}" data-verdict="${s.verdict}">`);
    expect(new Set(c.slis.map((s) => s.verdict))).toEqual(new Set(['worse', 'better', 'within noise', 'inconclusive']));
    const worse = c.slis.find((s) => s.verdict === 'worse')!;
    expect(html).toContain(`+${worse.changePercent!.toFixed(0)} %`);
    expect(html).toContain('<div class="outcome r-fail" id="outcome">worse');
    expect(html).toContain(escapeHtml(c.method));
  });

  it('escapes the flags, the reasons, the method and the run references', () => {
    const { a, b, c } = pair();
    c.flags = [HOSTILE];
    c.method = HOSTILE;
    c.slis[0]!.reason = HOSTILE;
    c.slis[0]!.sli = HOSTILE;
    c.a = { ...c.a, runId: HOSTILE, release: HOSTILE, protocol: HOSTILE, profile: HOSTILE, status: HOSTILE, startedAt: HOSTILE };
    a.gitCommit = HOSTILE;
    b.engine.version = HOSTILE;
    const html = renderCompareHtml(a, b, c);
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain('<img');
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;');
  });

  it('is self-contained and writes compare.html', async () => {
    const { a, b, c } = pair();
    expectOffline(renderCompareHtml(a, b, c));
    const dir = mkdtempSync(join(tmpdir(), 'fleetload-compare-'));
    const file = await writeCompareHtml(dir, a, b, c);
    expect(file).toBe(join(dir, 'compare.html'));
    expect(readFileSync(file, 'utf8')).toContain('var uPlot=function');
  });
});

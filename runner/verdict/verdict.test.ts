import { describe, expect, it } from 'vitest';
import { SLIS, type SliDef, type SloSpec } from '../../scenarios/lib/sli';
import { fleetProgress } from './fleet-progress';
import { judge, type FleetProgress } from './judge';
import { SliRecorder } from './sli-recorder';
import { verdictTable } from './table';

const SLO: SloSpec = { percentile: 99, thresholdMs: 1000, warmupApplies: true, description: 'test' };
const def = (name: string): SliDef => SLIS.find((d) => d.name === name)!;
const NONE_DUE: FleetProgress = { dueRegistrations: 0, registered: 0 };

describe('SliRecorder', () => {
  it('gives exact percentiles of a known stream (1..1000 ms)', () => {
    const r = new SliRecorder(1000, 99);
    for (let v = 1; v <= 1000; v++) r.record(v, 0);
    const s = r.stats();
    expect(s.count).toBe(1000);
    // HDR with 3 significant digits: within 0.1 %.
    expect(s.p50).toBeCloseTo(500, -0.3);
    expect(Math.abs(s.p99 - 990) / 990).toBeLessThan(0.001);
    expect(s.max).toBe(1000);
    expect(s.slowCount).toBe(0);
  });

  it('leaves warm-up samples out and counts them', () => {
    const r = new SliRecorder(1000, 99, 10_000);
    for (let i = 0; i < 50; i++) r.record(5000, 9_000);
    for (let i = 0; i < 100; i++) r.record(10, 11_000);
    const s = r.stats();
    expect(s.count).toBe(100);
    expect(s.warmupExcluded).toBe(50);
    expect(s.max).toBe(10);
  });

  it('catches a breach that only the P99 shows', () => {
    const r = new SliRecorder(1000, 99);
    for (let i = 0; i < 980; i++) r.record(20, 0);
    for (let i = 0; i < 20; i++) r.record(1500, 0);
    const s = r.stats();
    expect(s.p50).toBeLessThan(25);
    expect(s.p90).toBeLessThan(25);
    expect(s.slowCount).toBe(20);
    const v = judge(def('api-mutating'), SLO, r, NONE_DUE);
    expect(v.status).toBe('fail');
    expect(v.valueMs).toBeGreaterThan(1000);
  });

  it('passes the same stream when the slow tail is under 1 %', () => {
    const r = new SliRecorder(1000, 99);
    for (let i = 0; i < 995; i++) r.record(20, 0);
    for (let i = 0; i < 5; i++) r.record(1500, 0);
    expect(judge(def('api-mutating'), SLO, r, NONE_DUE).status).toBe('pass');
  });

  it('counts operations that never completed as infinitely slow', () => {
    const r = new SliRecorder(10_000, 99);
    for (let i = 0; i < 97; i++) r.record(100, 0);
    expect(r.valueAt(99, 3)).toBe(Infinity);
    expect(r.valueAt(50, 3)).toBeCloseTo(100, 0);
    const v = judge(def('registration'), { ...SLO, thresholdMs: 10_000 }, r, { dueRegistrations: 100, registered: 97 });
    expect(v.status).toBe('fail');
    expect(v.missing).toBe(3);
    expect(v.note).toMatch(/3 never completed/);
    // The same rule for an SLI without it: nothing is missing.
    expect(judge(def('distribution'), { ...SLO, thresholdMs: 10_000 }, r, { dueRegistrations: 100, registered: 97 }).status).toBe('pass');
  });

  it('says no-data when an SLI has no samples', () => {
    const r = new SliRecorder(1000, 99);
    expect(judge(def('api-read-cluster'), SLO, r, NONE_DUE).status).toBe('no-data');
    // Agents that were due and never registered are data: a registration SLI without one sample fails.
    expect(judge(def('registration'), SLO, r, { dueRegistrations: 5, registered: 0 }).status).toBe('fail');
  });
});

describe('verdictTable', () => {
  it('shows every SLI with its percentiles, objective and verdict', () => {
    const r = new SliRecorder(1000, 99);
    for (let i = 0; i < 100; i++) r.record(1200, 0);
    const table = verdictTable([judge(def('api-mutating'), SLO, r, NONE_DUE)]);
    expect(table).toMatch(/^SLI\s+count\s+P50\s+P90\s+P99\s+max\s+SLO\s+verdict/);
    expect(table).toMatch(/api-mutating\s+100\s+1\.20 s\s+1\.20 s\s+1\.20 s\s+1\.20 s\s+P99 <= 1\.00 s\s+FAIL/);
  });
});

describe('fleetProgress: registrations due for the never-completed rule', () => {
  const plan = { clusters: 1000, agent: { registrationRatePerS: 100 } as never, slos: { registration: { thresholdMs: 10_000 } } as never };
  it('is the whole fleet at the end of the run', () => {
    expect(fleetProgress(plan, { registered: 990 })).toEqual({ dueRegistrations: 1000, registered: 990 });
  });
  it('while running, only the agents that started longer ago than the objective', () => {
    // Agent i starts at i / 100 s; by 12 s those started before 2 s (200 of them) are overdue.
    expect(fleetProgress(plan, { registered: 150 }, 12_000)).toEqual({ dueRegistrations: 200, registered: 150 });
    expect(fleetProgress(plan, { registered: 0 }, 9_000).dueRegistrations).toBe(0);
    expect(fleetProgress(plan, { registered: 0 }, 60_000).dueRegistrations).toBe(1000);
  });
});

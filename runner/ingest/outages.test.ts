import { describe, expect, it } from 'vitest';
import { OutageTracker } from './outages';

const at = (s: number, ms = 0): string => new Date(Date.UTC(2026, 10, 21, 12, 0, s, ms)).toISOString();
const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

describe('OutageTracker', () => {
  it('finds the window in which nothing was answered, and when the fleet was back', () => {
    const t = new OutageTracker();
    for (let s = 0; s < 10; s++) t.request('200', at(s));
    // Target down from second 10 to 14: refused connections, agents degrade.
    for (let s = 10; s < 15; s++) t.request('0', at(s));
    t.transition('degraded', 1, at(10, 100));
    t.transition('degraded', 1, at(10, 200));
    // Second 12 has no calls at all (agents backing off): still one window.
    // Back at 15: answered (401 is an answer), agents re-register and recover at 17 and 19.
    for (let s = 15; s < 25; s++) t.request(s === 15 ? '401' : '200', at(s));
    t.transition('recovered', 1, at(17));
    t.transition('recovered', 1, at(19, 500));
    const [o, ...rest] = t.outages();
    expect(rest).toHaveLength(0);
    expect(o).toEqual({ startMs: T0 + 10_000, endMs: T0 + 15_000, seconds: 5, recoveredAtMs: T0 + 19_500, recoverySeconds: 4.5 });
  });

  it('counts 503 as unavailable, but a second with some answers as up', () => {
    const t = new OutageTracker();
    t.request('503', at(1));
    t.request('503', at(2));
    t.request('200', at(2));
    expect(t.outages().map((o) => o.seconds)).toEqual([1]);
  });

  it('says when the fleet never came back', () => {
    const t = new OutageTracker();
    t.request('0', at(1));
    t.transition('degraded', 3, at(1));
    t.request('200', at(2));
    t.transition('recovered', 2, at(3));
    expect(t.outages()[0]).toMatchObject({ seconds: 1, recoveredAtMs: null, recoverySeconds: null });
  });

  it('reports no outage for a healthy run', () => {
    const t = new OutageTracker();
    for (let s = 0; s < 5; s++) t.request('200', at(s));
    expect(t.outages()).toEqual([]);
  });
});

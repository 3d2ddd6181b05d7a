import { describe, expect, it } from 'vitest';
import type { ProgressSnapshot } from './snapshot';
import { JsonView, LineView, TtyView } from './views';

const snap: ProgressSnapshot = {
  phase: 'steady',
  elapsedS: 70,
  remainingS: 50,
  clusters: { total: 100, registered: 100, reregistered: 0, failed: 0 },
  requestsPerS: 123,
  errorPercent: 0.5,
  slis: [
    { sli: 'api-mutating', count: 10, valueMs: 1500, objectiveMs: 1000, ok: false },
    { sli: 'registration', count: 100, valueMs: 20, objectiveMs: 10_000, ok: true },
  ],
};

function capture(): { out: string[]; write: (t: string) => void } {
  const out: string[] = [];
  return { out, write: (t) => out.push(t) };
}

describe('progress views', () => {
  it('plain lines carry no control characters, one line per update', () => {
    const c = capture();
    const v = new LineView(c.write);
    v.update(snap);
    v.update(snap);
    const text = c.out.join('');
    expect(text).not.toMatch(/\x1b/);
    expect(text.split('\n').filter(Boolean)).toHaveLength(2);
    expect(c.out[0]).toBe('[1m10s +50s] steady: registered 100/100, 123 req/s, 0.50 % errors; over SLO so far: api-mutating\n');
  });

  it('JSON lines parse and keep the numbers', () => {
    const c = capture();
    new JsonView(c.write).update(snap);
    const parsed = JSON.parse(c.out[0]!) as { type: string; phase: string; clusters: { registered: number } };
    expect(parsed).toMatchObject({ type: 'progress', phase: 'steady', clusters: { registered: 100 } });
  });

  it('the terminal view redraws its block in place', () => {
    const c = capture();
    const v = new TtyView(c.write);
    v.update(snap);
    v.update(snap);
    expect(c.out[0]).not.toMatch(/\x1b\[/);
    // Second draw moves up over the three lines of the first and clears them.
    expect(c.out[1]!.startsWith('\x1b[3A\x1b[0J')).toBe(true);
    v.log('hello');
    expect(c.out[2]).toBe('\x1b[3A\x1b[0Jhello\n');
  });
});

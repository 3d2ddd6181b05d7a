import { describe, expect, it, vi } from 'vitest';

// The scheduler imports k6/timers through ./timers; under Node the global timers stand in.
vi.mock('./timers', () => ({ setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout }));
const { Scheduler } = await import('./scheduler');

describe('Scheduler', () => {
  it('runs actions in due order, also ones scheduled earlier than the armed timer', async () => {
    const s = new Scheduler(Date.now() + 5000);
    const seen: string[] = [];
    const t0 = Date.now();
    s.at(t0 + 60, () => {
      seen.push('c');
    });
    s.at(t0 + 20, () => {
      seen.push('a');
      // Scheduled from inside an action, due before 'c'.
      s.at(t0 + 40, () => {
        seen.push('b');
      });
    });
    await s.drained();
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('drops what is due at or after the deadline, and drains when nothing is left', async () => {
    const s = new Scheduler(Date.now() + 50);
    const run = vi.fn();
    s.at(Date.now() + 10, run);
    s.at(Date.now() + 100, run);
    expect(s.size).toBe(1);
    await s.drained();
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('waits for running async actions, and survives one that throws', async () => {
    const errors: unknown[] = [];
    const s = new Scheduler(Date.now() + 5000, (e) => errors.push(e));
    let finished = false;
    s.at(Date.now(), async () => {
      await new Promise((r) => setTimeout(r, 30));
      finished = true;
    });
    s.at(Date.now(), () => {
      throw new Error('boom');
    });
    await s.drained();
    expect(finished).toBe(true);
    expect(errors).toHaveLength(1);
  });

  it('keeps order for a thousand random due times', async () => {
    const s = new Scheduler(Date.now() + 5000);
    const t0 = Date.now() + 5;
    const due = Array.from({ length: 1000 }, (_, i) => t0 + ((i * 7919) % 97));
    const seen: number[] = [];
    for (const at of due) s.at(at, () => void seen.push(at));
    await s.drained();
    expect(seen).toEqual([...due].sort((a, b) => a - b));
  });
});

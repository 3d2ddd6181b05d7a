// runEmbedded's own contract: batching, abort signal, setup data isolation from options.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEmbedded } from '../../engine/index';
import type { SampleLine } from '../../engine/samples';
import { SCRIPTS } from './harness';

describe('runEmbedded', () => {
  it('delivers samples in batches, not one call per sample', async () => {
    let calls = 0;
    let lines = 0;
    const r = await runEmbedded({
      bundlePath: join(SCRIPTS, 'per-vu-iterations.js'),
      env: {},
      workers: 1,
      optionOverrides: {},
      onSamples: (batch: readonly SampleLine[]) => {
        calls++;
        lines += batch.length;
      },
    });
    expect(r.exitCode).toBe(0);
    expect(lines).toBeGreaterThan(40);
    expect(calls).toBeLessThan(lines / 10);
  });

  it('stops on the abort signal like k6 on SIGINT: teardown still runs, exit 105', async () => {
    const ctl = new AbortController();
    const logs: string[] = [];
    let points = 0;
    setTimeout(() => ctl.abort(), 500);
    const started = Date.now();
    const r = await runEmbedded({
      bundlePath: join(SCRIPTS, 'long.js'),
      env: {},
      workers: 1,
      signal: ctl.signal,
      onSamples: (b) => (points += b.length),
      onLog: (_l, line) => logs.push(line),
    });
    expect(r.exitCode).toBe(105);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(logs).toContain('teardown ran');
    expect(points).toBeGreaterThan(0);
  });

  it('returns threshold verdicts with the observed values', async () => {
    const r = await runEmbedded({ bundlePath: join(SCRIPTS, 'thresholds-fail.js'), env: {}, workers: 1, onSamples: () => undefined });
    expect(r.exitCode).toBe(99);
    expect(r.thresholds).toEqual(
      expect.arrayContaining([
        { metric: 'th_counter', expression: 'count>=5', ok: true, actual: 5 },
        { metric: 'th_counter', expression: 'count<3', ok: false, actual: 5 },
        { metric: 'th_rate{kind:a}', expression: 'rate>0.5', ok: true, actual: 1 },
      ]),
    );
  });

  it('reports a missing bundle as one log line and k6 exit code, without throwing', async () => {
    const logs: string[] = [];
    const r = await runEmbedded({ bundlePath: join(SCRIPTS, 'nope.js'), env: {}, workers: 1, onSamples: () => undefined, onLog: (_l, line) => logs.push(line) });
    expect(r.exitCode).toBe(255);
    expect(logs).toHaveLength(1);
  });
});

// runEmbedded's own contract (api.ts): batching, abort signal, threshold verdicts, errors.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { K6_EXIT } from './exit-codes';
import { runEmbedded } from './index';
import type { SampleLine } from './samples';
import { SCRIPTS } from './test-support';

describe('runEmbedded', () => {
  it('delivers samples in batches, not one call per sample', async () => {
    const batches: Array<readonly SampleLine[]> = [];
    const r = await runEmbedded({
      bundlePath: join(SCRIPTS, 'per-vu-iterations.js'),
      env: {},
      workers: 1,
      optionOverrides: {},
      onSamples: (batch) => batches.push(batch),
    });
    expect(r.exitCode).toBe(K6_EXIT.ok);
    const count = (b: readonly SampleLine[], metric: string): number => b.filter((l) => l.type === 'Point' && l.metric === metric).length;
    expect(batches.reduce((n, b) => n + count(b, 'iterations'), 0)).toBe(12);
    // An iteration's closing samples are emitted together; per-sample delivery would split them,
    // a batching stream cannot (whenever its flush timer fires).
    for (const b of batches) expect(count(b, 'iteration_duration')).toBe(count(b, 'iterations'));
    expect(batches.length).toBeLessThan(batches.reduce((n, b) => n + b.length, 0));
  });

  it('stops on the abort signal like k6 on SIGINT: teardown still runs, exit 105', async () => {
    const ctl = new AbortController();
    const logs: string[] = [];
    let iterations = 0;
    const r = await runEmbedded({
      bundlePath: join(SCRIPTS, 'long.js'),
      env: {},
      workers: 1,
      signal: ctl.signal,
      onSamples: (b) => {
        for (const l of b) if (l.type === 'Point' && l.metric === 'iterations') iterations++;
        // Abort once the run demonstrably runs, whatever the machine's speed.
        if (iterations > 0) ctl.abort();
      },
      onLog: (_l, line) => logs.push(line),
    });
    expect(r.exitCode).toBe(K6_EXIT.externalAbort);
    expect(iterations).toBeGreaterThan(0);
    expect(logs).toContain('teardown ran');
    // long.js runs for 20s unless stopped.
    expect((r.summary as { state: { testRunDurationMs: number } }).state.testRunDurationMs).toBeLessThan(20_000);
  });

  it('returns threshold verdicts with the observed values', async () => {
    const r = await runEmbedded({ bundlePath: join(SCRIPTS, 'thresholds-fail.js'), env: {}, workers: 1, onSamples: () => undefined });
    expect(r.exitCode).toBe(K6_EXIT.thresholdsFailed);
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
    expect(r.exitCode).toBe(K6_EXIT.unclassified);
    expect(r.exitCode).toBe(255);
    expect(logs).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import config from '../../k6.config';
import type { SampleLine } from '../../engine/samples';
import { resolvePlan } from '../config/resolve';
import { Measurements } from '../ingest/measurements';
import type { HealthWindow } from '../health/sampler';
import { concludeRun, credentialsRejected, type VerdictInput } from './verdict';

const plan = resolvePlan(config, { clusters: '5' });

function call(status: string, name: string, sli = 'mutating'): SampleLine {
  return { type: 'Point', metric: 'http_req_duration', data: { time: '2026-11-22T12:00:00Z', value: 3, tags: { status, name, sli, verb: 'POST', resource: 'registrations', scope: 'resource' } } };
}

function slowCall(ms: number): SampleLine {
  return { type: 'Point', metric: 'http_req_duration', data: { time: '2026-11-22T12:00:00Z', value: ms, tags: { status: '200', name: 'PUT /api/v1/clusters/{name}/lease', sli: 'mutating', verb: 'PUT', resource: 'leases', scope: 'resource' } } };
}

/** Two windows of a host busy with something else: the generator counts as saturated. */
const BUSY: HealthWindow[] = [1, 2].map((i) => ({ endS: i * 10, engineCores: 0.2, hostBusy: 0.99, eventLoopP99Ms: 5, eventLoopMaxMs: 9, droppedIterations: 0 }));

function input(m: Measurements, extra: Partial<VerdictInput> = {}): VerdictInput {
  return { plan, measurements: m, engineName: 'embedded', engineExit: 0, failure: undefined, interrupted: false, targetView: undefined, health: [], engineCapacityCores: 1, ...extra };
}

describe('concludeRun', () => {
  it('a fleet turned away with 401/403 is the run\'s credentials (exit 2), not a breach of the target', () => {
    const m = new Measurements(plan.slos);
    m.ingest(Array.from({ length: 20 }, () => call('403', 'POST /api/v1/registrations')));
    expect(credentialsRejected(m)).toBe(true);
    const v = concludeRun(input(m));
    expect(v).toMatchObject({ status: 'failed', exitCode: 2 });
    expect(v.reason?.message).toMatch(/^--registration-token: the target rejected the agents' credentials/);
  });

  it('a target that fails otherwise (503) is judged: unregistered agents breach registration (exit 1)', () => {
    const m = new Measurements(plan.slos);
    m.ingest(Array.from({ length: 20 }, () => call('503', 'POST /api/v1/registrations')));
    expect(credentialsRejected(m)).toBe(false);
    expect(concludeRun(input(m))).toMatchObject({ status: 'slo-violated', exitCode: 1 });
  });

  it('says when sample lines could not be read, instead of losing them silently', () => {
    const m = new Measurements(plan.slos);
    m.addMalformed(3);
    expect(concludeRun(input(m)).warnings).toContain('3 sample line(s) from the engine could not be read and were left out; see the run log');
  });

  it('an interruption wins over everything: exit 130', () => {
    const m = new Measurements(plan.slos);
    expect(concludeRun(input(m, { interrupted: true, engineExit: 105 }))).toMatchObject({ status: 'interrupted', exitCode: 130, thresholdsPassed: null });
  });

  describe('a breach while the generator is saturated', () => {
    function slowMutations(): Measurements {
      const m = new Measurements(plan.slos);
      m.ingest(Array.from({ length: 200 }, () => slowCall(1500)));
      return m;
    }

    it('is inconclusive (exit 4) when the target\'s own view does not show it', () => {
      const v = concludeRun(input(slowMutations(), { health: BUSY, targetView: { 'api-mutating': { count: 200, p99Ms: 2 } } }));
      expect(v).toMatchObject({ status: 'inconclusive', exitCode: 4 });
      expect(v.reason?.message).toMatch(/^inconclusive: api-mutating, registration breached while the load generator was saturated \(2 of 2 10 s windows were unhealthy \(first: host CPU 99 % busy\); api-mutating: the agents saw P99 1500 ms where the target served P99 2 ms\)/);
    });

    it('is the target\'s (exit 1) when its own P99 breaches the objective too, on another machine', () => {
      const v = concludeRun(input(slowMutations(), { health: BUSY, targetUrl: 'https://api.fleet.example:6443', targetView: { 'api-mutating': { count: 200, p99Ms: 1400 } } }));
      expect(v).toMatchObject({ status: 'slo-violated', exitCode: 1 });
      expect(v.warnings.join(' ')).toMatch(/api-mutating \(the target's own P99 was 1400 ms\) is the target's own/);
    });

    it('is the target\'s (exit 1) when agents never got through because it answered with server errors', () => {
      const m = new Measurements(plan.slos);
      m.ingest(Array.from({ length: 20 }, () => call('503', 'POST /api/v1/registrations')));
      const v = concludeRun(input(m, { health: BUSY }));
      expect(v).toMatchObject({ status: 'slo-violated', exitCode: 1 });
      expect(v.warnings.join(' ')).toMatch(/registration \(5 never completed while the target answered 20 call\(s\) with a server error\)/);
    });

    it('is inconclusive (exit 4) when the target shares the busy host: the generator starved it too', () => {
      const v = concludeRun(input(slowMutations(), { health: BUSY, targetUrl: 'http://127.0.0.1:8080', targetView: { 'api-mutating': { count: 200, p99Ms: 1400 } } }));
      expect(v).toMatchObject({ status: 'inconclusive', exitCode: 4 });
      // Not on a busy host: the target's own histogram is its own.
      const calm = BUSY.map((w) => ({ ...w, hostBusy: 0.5, eventLoopP99Ms: 900 }));
      expect(concludeRun(input(slowMutations(), { health: calm, targetUrl: 'http://127.0.0.1:8080', targetView: { 'api-mutating': { count: 200, p99Ms: 1400 } } }))).toMatchObject({ status: 'slo-violated', exitCode: 1 });
    });
  });
});

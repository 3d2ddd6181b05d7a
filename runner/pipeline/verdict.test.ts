import { describe, expect, it } from 'vitest';
import config from '../../k6.config';
import type { SampleLine } from '../../engine/samples';
import { resolvePlan } from '../config/resolve';
import { Measurements } from '../ingest/measurements';
import { concludeRun, credentialsRejected, type VerdictInput } from './verdict';

const plan = resolvePlan(config, { clusters: '5' });

function call(status: string, name: string, sli = 'mutating'): SampleLine {
  return { type: 'Point', metric: 'http_req_duration', data: { time: '2026-11-22T12:00:00Z', value: 3, tags: { status, name, sli, verb: 'POST', resource: 'registrations', scope: 'resource' } } };
}

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
});

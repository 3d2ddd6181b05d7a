import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../errors';
import { fakeMachine, type FakeMachine } from './fakes';
import { doctorPlan, fdLimitCheck } from './fd-limit';

let m: FakeMachine | undefined;
afterEach(() => m?.cleanup());

describe('fd-limit check', () => {
  it('judges the smoke profile by default, as a run preflight would', () => {
    m = fakeMachine();
    const r = fdLimitCheck.run(m.ctx({ fdLimit: () => ({ soft: 1024, hard: 4096 }) }));
    expect(r.status).toBe('ok');
    expect(r.found).toMatch(/^soft limit 1024, hard 4096; a smoke run of 100 agents \(watch\) needs about \d+ open files$/);
  });

  it('fails for a --clusters fleet that does not fit, with the preflight advice as the fix', () => {
    m = fakeMachine();
    const r = fdLimitCheck.run(m.ctx({ clusters: 30_000, fdLimit: () => ({ soft: 20_000, hard: 20_000 }) }));
    expect(r.status).toBe('fail');
    expect(r.found).toContain('30000 agents');
    expect(r.found).toContain('exit 2');
    expect(r.fix).toMatch(/hard limit is 20000/);
    expect(r.fix).toContain('--set agent.deployments.mode=poll');
    const raisable = fdLimitCheck.run(m.ctx({ clusters: 30_000, fdLimit: () => ({ soft: 1024, hard: 1_000_000 }) }));
    expect(raisable.fix).toMatch(/ulimit -n \d+/);
  });

  it('warns when the limit cannot be read', () => {
    m = fakeMachine();
    expect(fdLimitCheck.run(m.ctx({ fdLimit: () => undefined }))).toMatchObject({ status: 'warn', found: expect.stringContaining('/proc/self/limits') });
  });

  it('refuses a fleet size the run would refuse', () => {
    expect(() => doctorPlan(0, {})).toThrow(UsageError);
    expect(() => doctorPlan(20_000_000, {})).toThrow(/clusters/);
  });
});

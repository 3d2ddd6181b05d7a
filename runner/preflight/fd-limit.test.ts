import { describe, expect, it } from 'vitest';
import config from '../../k6.config';
import { resolvePlan } from '../config/resolve';
import { checkFdLimit, readFdLimit } from './fd-limit';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            20000                20000                files
`;

describe('file-descriptor preflight', () => {
  it('reads the limit the kernel enforces', () => {
    expect(readFdLimit(LIMITS)).toEqual({ soft: 20_000, hard: 20_000 });
    expect(readFdLimit('Max open files  unlimited unlimited files')).toEqual({ soft: Infinity, hard: Infinity });
    expect(readFdLimit('nothing here')).toBeUndefined();
  });

  it('passes a watching fleet that fits, refuses one that does not and says how to fix it', () => {
    const limit = { soft: 20_000, hard: 20_000 };
    expect(checkFdLimit(resolvePlan(config, { clusters: '10000' }), limit).ok).toBe(true);
    const big = checkFdLimit(resolvePlan(config, { clusters: '30000' }), limit);
    expect(big.ok).toBe(false);
    expect(big.needed).toBeGreaterThan(30_000);
    expect(big.advice).toMatch(/hard limit is 20000/);
    expect(big.advice).toMatch(/--set agent\.deployments\.mode=poll/);
    expect(checkFdLimit(resolvePlan(config, { clusters: '30000' }), { soft: 1024, hard: 1_000_000 }).advice).toMatch(/ulimit -n \d+/);
  });

  it('lets a polling fleet of 100,000 through', () => {
    expect(checkFdLimit(resolvePlan(config, { profile: 'scale-100k' }), { soft: 20_000, hard: 20_000 }).ok).toBe(true);
  });
});

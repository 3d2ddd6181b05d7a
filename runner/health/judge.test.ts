import { describe, expect, it } from 'vitest';
import config from '../../k6.config';
import type { SloVerdict } from '../verdict/judge';
import { generatorAddedLatency, judgeGenerator, windowProblems } from './judge';
import type { HealthWindow } from './sampler';

const SPEC = config.base.generator;
const calm: HealthWindow = { endS: 10, engineCores: 0.3, hostBusy: 0.5, eventLoopP99Ms: 5, eventLoopMaxMs: 12, droppedIterations: 0 };

function breach(sli: string, valueMs: number): SloVerdict {
  return { sli, description: '', percentile: 99, objectiveMs: 1000, status: 'fail', valueMs, missing: 0, stats: { count: 1000, warmupExcluded: 0, slowCount: 20, p50: 10, p90: 20, p99: valueMs, atPercentile: valueMs, max: valueMs, min: 1, mean: 15 } };
}

describe('generator health', () => {
  it('names what made a window unhealthy: a held event loop, a busy engine, a busy host', () => {
    expect(windowProblems(calm, SPEC, 1)).toEqual([]);
    expect(windowProblems({ ...calm, eventLoopP99Ms: 400 }, SPEC, 1)).toEqual(['event loop held 400 ms at P99']);
    expect(windowProblems({ ...calm, engineCores: 0.97 }, SPEC, 1)).toEqual(['engine used 0.97 of 1 core(s)']);
    expect(windowProblems({ ...calm, engineCores: 0.97 }, SPEC, 2)).toEqual([]);
    expect(windowProblems({ ...calm, hostBusy: 0.99 }, SPEC, 1)).toEqual(['host CPU 99 % busy']);
    expect(windowProblems({ ...calm, hostBusy: 0.99, eventLoopP99Ms: 400 }, SPEC, 1)).toEqual(['event loop held 400 ms at P99', 'host CPU 99 % busy']);
  });

  it('is saturated only past the share of unhealthy windows the config allows', () => {
    const ten = Array.from({ length: 10 }, (_, i) => ({ ...calm, endS: (i + 1) * 10 }));
    expect(judgeGenerator(ten, SPEC, 1, [], undefined).saturated).toBe(false);
    const one = ten.map((w, i) => (i === 3 ? { ...w, eventLoopP99Ms: 900 } : w));
    expect(judgeGenerator(one, SPEC, 1, [], undefined).saturated).toBe(false);
    const two = one.map((w, i) => (i === 7 ? { ...w, hostBusy: 1 } : w));
    const v = judgeGenerator(two, SPEC, 1, [], undefined);
    expect(v.saturated).toBe(true);
    expect(v.reasons[0]).toBe('2 of 10 10 s windows were unhealthy (first: event loop held 900 ms at P99; host CPU 100 % busy)');
  });

  it('counts dropped iterations', () => {
    expect(judgeGenerator([{ ...calm, droppedIterations: 3 }], SPEC, 1, [], undefined).reasons).toEqual(['the engine dropped 3 iterations it could not start in time']);
  });

  it('blames the generator for a breach the target\'s own view does not explain, never for one it does', () => {
    const server = { 'api-mutating': { count: 50_000, p99Ms: 4 } };
    expect(generatorAddedLatency([breach('api-mutating', 2300)], server, SPEC)).toEqual(['api-mutating: the agents saw P99 2300 ms where the target served P99 4 ms']);
    // The target itself served slowly: its breach, not the generator's.
    expect(generatorAddedLatency([breach('api-mutating', 1150)], { 'api-mutating': { count: 50_000, p99Ms: 1100 } }, SPEC)).toEqual([]);
    // Too few server samples to tell, or no server view at all.
    expect(generatorAddedLatency([breach('api-mutating', 2300)], { 'api-mutating': { count: 10, p99Ms: 4 } }, SPEC)).toEqual([]);
    expect(generatorAddedLatency([breach('api-mutating', 2300)], undefined, SPEC)).toEqual([]);
  });
});

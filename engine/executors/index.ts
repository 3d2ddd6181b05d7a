import type { ExecutorName } from '../options';
import { constantArrivalRate, rampingArrivalRate } from './arrival-rate';
import type { Executor } from './common';
import { perVuIterations, sharedIterations } from './iterations';
import { constantVus, rampingVus } from './vus';

export const EXECUTORS: Record<ExecutorName, Executor> = {
  'per-vu-iterations': perVuIterations,
  'shared-iterations': sharedIterations,
  'constant-vus': constantVus,
  'ramping-vus': rampingVus,
  'constant-arrival-rate': constantArrivalRate,
  'ramping-arrival-rate': rampingArrivalRate,
};

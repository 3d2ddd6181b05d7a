// per-vu-iterations and shared-iterations: a fixed amount of work, bounded by maxDuration.
import type { Executor, ExecutorEnv } from './common';
import { LoopSet, settledWithin } from './common';

async function runBounded(env: ExecutorEnv, loops: LoopSet): Promise<void> {
  const cfg = env.scenario.config;
  const inTime = await settledWithin(loops.done(), cfg.maxDurationMs, env.stopped);
  if (!inTime) await loops.finish(cfg.gracefulStopMs);
  if (env.isStopped()) loops.hardStop();
  await loops.done();
}

export const perVuIterations: Executor = async (env) => {
  const cfg = env.scenario.config;
  const vus = env.ctx.segment.scale(cfg.vus);
  const loops = new LoopSet(env);
  for (let i = 0; i < vus; i++) {
    const vu = env.takeVU() ?? env.newVU();
    let left = cfg.iterations;
    loops.start(vu, () => left-- > 0);
  }
  await runBounded(env, loops);
};

export const sharedIterations: Executor = async (env) => {
  const cfg = env.scenario.config;
  const vus = env.ctx.segment.scale(cfg.vus);
  let left = env.ctx.segment.scale(cfg.iterations);
  const loops = new LoopSet(env);
  const next = (): boolean => left-- > 0;
  for (let i = 0; i < vus; i++) loops.start(env.takeVU() ?? env.newVU(), next);
  await runBounded(env, loops);
};

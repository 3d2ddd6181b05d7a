// constant-arrival-rate and ramping-arrival-rate: iterations start on a schedule, whether or not
// earlier ones finished. Global iteration g starts when the cumulative rate reaches g; each
// instance starts only the iterations its execution segment owns, as k6 stripes them.
import type { MetricInfo } from '../metrics';
import type { Stage } from '../options';
import { nowMs } from '../time';
import type { VU } from '../vu';
import type { Executor, ExecutorEnv } from './common';
import { LoopSet, wait } from './common';

/** Start time (ms from scenario start) of global iteration `g`, or undefined past the end. */
export type Schedule = (g: number) => number | undefined;

export function constantSchedule(rate: number, timeUnitMs: number, durationMs: number): Schedule {
  const interval = timeUnitMs / rate;
  return (g) => {
    const t = g * interval;
    return t < durationMs ? t : undefined;
  };
}

export function rampingSchedule(startRate: number, timeUnitMs: number, stages: readonly Stage[]): Schedule {
  // Per stage: the iteration count reached at its start, and its rates in iterations per ms.
  const parts: Array<{ t0: number; d: number; base: number; r0: number; r1: number }> = [];
  let t0 = 0;
  let base = 0;
  let r0 = startRate / timeUnitMs;
  for (const st of stages) {
    const r1 = st.target / timeUnitMs;
    parts.push({ t0, d: st.durationMs, base, r0, r1 });
    base += ((r0 + r1) / 2) * st.durationMs;
    t0 += st.durationMs;
    r0 = r1;
  }
  return (g) => {
    for (const p of parts) {
      const end = p.base + ((p.r0 + p.r1) / 2) * p.d;
      if (g >= end && !(g === 0 && p.base === 0 && end === 0)) continue;
      const need = g - p.base;
      if (need <= 0) return p.t0;
      const a = (p.r1 - p.r0) / (2 * p.d);
      const disc = p.r0 * p.r0 + 4 * a * need;
      if (disc < 0) continue;
      // Stable root of a·t² + r0·t = need for rising and falling rates alike.
      const t = (2 * need) / (p.r0 + Math.sqrt(disc));
      if (t <= p.d) return p.t0 + t;
    }
    return undefined;
  };
}

async function runSchedule(env: ExecutorEnv, schedule: Schedule, endMs: number): Promise<void> {
  const cfg = env.scenario.config;
  const seg = env.ctx.segment;
  const loops = new LoopSet(env);
  const idle: VU[] = [];
  let initialized = 0;
  const maxVUs = seg.scale(cfg.maxVUs);
  for (let i = 0; i < seg.scale(cfg.preAllocatedVUs); i++) {
    idle.push(env.takeVU() ?? env.newVU());
    initialized++;
  }
  const dropped = env.ctx.registry.get('dropped_iterations') as MetricInfo;
  // k6 tags dropped iterations with the scenario but no group (they never ran in one).
  const droppedTags = { ...env.scenario.tags };
  delete droppedTags.group;
  const started = Date.now();
  let warnedMax = false;
  for (let local = 0; ; local++) {
    const at = schedule(seg.globalIndex(local));
    if (at === undefined || env.isStopped()) break;
    const delay = at - (Date.now() - started);
    if (delay > 0) await wait(delay, env.stopped);
    if (env.isStopped()) break;
    let vu = idle.pop();
    if (vu === undefined && initialized < maxVUs) {
      vu = env.takeVU() ?? env.newVU();
      initialized++;
    }
    if (vu === undefined) {
      if (!warnedMax) {
        warnedMax = true;
        env.ctx.log('warn', `Insufficient VUs, reached ${cfg.maxVUs} active VUs and cannot initialize more executor=${cfg.executor} scenario=${cfg.name}`);
      }
      env.ctx.emitter.push(dropped, 1, droppedTags, nowMs());
      continue;
    }
    const v = vu;
    void loops.once(v).then(() => idle.push(v));
  }
  const rest = endMs - (Date.now() - started);
  if (rest > 0 && !env.isStopped()) await wait(rest, env.stopped);
  await loops.finish(env.isStopped() ? 0 : cfg.gracefulStopMs);
  for (const vu of idle) env.giveBack(vu);
}

export const constantArrivalRate: Executor = (env) => {
  const cfg = env.scenario.config;
  return runSchedule(env, constantSchedule(cfg.rate, cfg.timeUnitMs, cfg.durationMs), cfg.durationMs);
};

export const rampingArrivalRate: Executor = (env) => {
  const cfg = env.scenario.config;
  const total = cfg.stages.reduce((a, s) => a + s.durationMs, 0);
  return runSchedule(env, rampingSchedule(cfg.startRate, cfg.timeUnitMs, cfg.stages), total);
};

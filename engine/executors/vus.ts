// constant-vus and ramping-vus: looping VUs whose number follows the configuration over time.
import type { Stage } from '../options';
import type { VU } from '../vu';
import type { Executor } from './common';
import { LoopSet, wait } from './common';

export const constantVus: Executor = async (env) => {
  const cfg = env.scenario.config;
  const loops = new LoopSet(env);
  const vus = env.ctx.segment.scale(cfg.vus);
  for (let i = 0; i < vus; i++) loops.start(env.takeVU() ?? env.newVU(), () => true);
  await wait(cfg.durationMs, env.stopped);
  await loops.finish(env.isStopped() ? 0 : cfg.gracefulStopMs);
};

/** Times (ms from scenario start) at which the VU target changes, with the new target. */
export function rampingSteps(startVUs: number, stages: readonly Stage[], scale: (n: number) => number): Array<{ at: number; target: number }> {
  const steps: Array<{ at: number; target: number }> = [{ at: 0, target: scale(startVUs) }];
  let t = 0;
  let from = startVUs;
  for (const st of stages) {
    const to = st.target;
    if (st.durationMs === 0 || to === from) {
      if (to !== from) steps.push({ at: t, target: scale(to) });
    } else {
      const dir = to > from ? 1 : -1;
      for (let v = from + dir; dir > 0 ? v <= to : v >= to; v += dir) {
        // The target becomes v when the stage's line reaches v, going up or down: checked against
        // k6 v1.8 (0→4→0 VUs over 0.5s+0.5s with 100ms iterations: 18 iterations on both).
        steps.push({ at: t + (st.durationMs * Math.abs(v - from)) / Math.abs(to - from), target: scale(v) });
      }
    }
    t += st.durationMs;
    from = to;
  }
  return steps;
}

export const rampingVus: Executor = async (env) => {
  const cfg = env.scenario.config;
  const loops = new LoopSet(env);
  const totalMs = cfg.stages.reduce((a, s) => a + s.durationMs, 0);
  const steps = rampingSteps(cfg.startVUs, cfg.stages, (n) => env.ctx.segment.scale(Math.round(n)));
  // Slot i is the i-th VU of the scenario; it stops when the target drops to i or below.
  const slots: Array<{ vu: VU; running: boolean; stop: boolean; timer?: NodeJS.Timeout }> = [];
  let target = 0;
  const apply = (next: number): void => {
    target = next;
    for (let i = 0; i < Math.max(next, slots.length); i++) {
      let slot = slots[i];
      if (i < next) {
        if (slot === undefined) {
          const vu = env.takeVU() ?? env.newVU();
          slot = { vu, running: false, stop: false };
          slots.push(slot);
        }
        slot.stop = false;
        if (slot.timer !== undefined) clearTimeout(slot.timer);
        if (!slot.running) {
          const s = slot;
          s.running = true;
          void loops.start(s.vu, () => true, () => s.stop, false).finally(() => {
            s.running = false;
            if (s.timer !== undefined) clearTimeout(s.timer);
          });
        }
      } else if (slot !== undefined && slot.running && !slot.stop) {
        const s = slot;
        s.stop = true;
        // gracefulRampDown: the running iteration may finish within this time, else it is cut.
        s.timer = setTimeout(() => {
          if (s.stop && s.running) s.vu.interrupt();
        }, cfg.gracefulRampDownMs);
      }
    }
  };
  const started = Date.now();
  for (const step of steps) {
    const delay = step.at - (Date.now() - started);
    if (delay > 0) await wait(delay, env.stopped);
    if (env.isStopped()) break;
    if (step.target !== target) apply(step.target);
  }
  const rest = totalMs - (Date.now() - started);
  if (rest > 0 && !env.isStopped()) await wait(rest, env.stopped);
  // Ramp-down timers stay armed through the graceful stop: a VU ramped down at the very end
  // is still cut after gracefulRampDown, as in k6.
  await loops.finish(env.isStopped() ? 0 : cfg.gracefulStopMs);
  for (const s of slots) if (s.timer !== undefined) clearTimeout(s.timer);
  for (const s of slots) env.giveBack(s.vu);
};

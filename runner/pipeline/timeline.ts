// The run in 10 s windows: every window closes the measurements' window (per-SLI percentiles,
// requests by endpoint, agents) and the generator's health window together, so both describe the
// same seconds. The last, shorter window closes when the load ends.
import { HEALTH_WINDOW_S, type GeneratorHealthSampler } from '../health/sampler';
import type { Measurements } from '../ingest/measurements';
import type { TimelineWindow } from '../report/summary';

export class Timeline {
  readonly windows: TimelineWindow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private startMs = 0;
  private lastEndS = 0;

  constructor(
    private readonly measurements: Measurements,
    private readonly health: GeneratorHealthSampler,
  ) {}

  start(startMs: number): void {
    this.startMs = startMs;
    this.timer = setInterval(() => this.close(), HEALTH_WINDOW_S * 1000);
    this.timer.unref();
  }

  private close(now = Date.now()): void {
    const endS = Math.round((now - this.startMs) / 100) / 10;
    if (endS - this.lastEndS < 0.5) return;
    const generator = this.health.close(now) ?? null;
    this.windows.push({ ...this.measurements.closeWindow(this.lastEndS, endS), generator });
    this.lastEndS = endS;
  }

  stop(now = Date.now()): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.startMs > 0) this.close(now);
  }
}

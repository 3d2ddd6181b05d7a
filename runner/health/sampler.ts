// The load generator's own health, measured through every run: CPU of the engine's process, the
// event-loop delay of the runner's thread (where the embedded engine runs its VUs), how busy the
// whole host is, and k6's dropped iterations. Closed per 10 s window by the run's timeline, for
// the summary and the verdict, and kept as a last-window view for progress and the exporter.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { hostCpu, processCpuSeconds, type HostCpu } from './proc';

export interface HealthWindow {
  /** Seconds since the load started, at the window's end. */
  endS: number;
  /** Cores the engine's process used on average (1 = one core busy all the window). */
  engineCores: number;
  /** Share of the host's CPU that was busy, 0..1, all processes (the target too when it shares the host). */
  hostBusy: number;
  /** P99 and max delay of the runner's event loop; with the embedded engine, of the VUs' loop. */
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  /** k6's dropped_iterations in the window: iterations an arrival-rate executor could not start. */
  droppedIterations: number;
}

export const HEALTH_WINDOW_S = 10;

export class GeneratorHealthSampler {
  readonly windows: HealthWindow[] = [];
  private loop: IntervalHistogram | undefined;
  private enginePid: number | undefined;
  private startMs = 0;
  private lastCpu: number | undefined;
  private lastHost: HostCpu | undefined;
  private lastAt = 0;
  private dropped: () => number = () => 0;
  private lastDropped = 0;

  /** `enginePid`: real k6's process, the runner's own for the embedded engine; `dropped`: k6's dropped_iterations so far. */
  start(enginePid: number, dropped: () => number, now = Date.now()): void {
    this.enginePid = enginePid;
    this.dropped = dropped;
    this.startMs = now;
    this.lastAt = now;
    this.lastCpu = processCpuSeconds(enginePid);
    this.lastHost = hostCpu();
    // 20 ms resolution: a blocked loop shows in tens to thousands of ms; finer costs for nothing.
    this.loop = monitorEventLoopDelay({ resolution: 20 });
    this.loop.enable();
  }

  /** Real k6 starts after the runner; its pid arrives once it runs. */
  setEnginePid(pid: number): void {
    this.enginePid = pid;
    this.lastCpu = processCpuSeconds(pid);
  }

  /** Ends the window in progress (every 10 s, by the timeline, and once more at the end). */
  close(now = Date.now()): HealthWindow | undefined {
    if (this.enginePid === undefined || this.loop === undefined) return undefined;
    const seconds = (now - this.lastAt) / 1000;
    if (seconds < 0.5) return undefined;
    const cpu = processCpuSeconds(this.enginePid);
    const host = hostCpu();
    const hostBusy = host && this.lastHost && host.total > this.lastHost.total ? (host.busy - this.lastHost.busy) / (host.total - this.lastHost.total) : 0;
    const w: HealthWindow = {
      endS: Math.round((now - this.startMs) / 1000),
      engineCores: cpu !== undefined && this.lastCpu !== undefined ? Math.max(0, (cpu - this.lastCpu) / seconds) : 0,
      hostBusy,
      eventLoopP99Ms: this.loop.count > 0 ? this.loop.percentile(99) / 1e6 : 0,
      eventLoopMaxMs: this.loop.count > 0 ? this.loop.max / 1e6 : 0,
      droppedIterations: this.dropped() - this.lastDropped,
    };
    this.loop.reset();
    this.lastCpu = cpu;
    this.lastHost = host;
    this.lastAt = now;
    this.lastDropped = this.dropped();
    this.windows.push(w);
    return w;
  }

  /** The window in progress so far, for a live view (progress, exporter). */
  current(): HealthWindow | undefined {
    return this.windows[this.windows.length - 1];
  }

  stop(): void {
    this.loop?.disable();
  }
}

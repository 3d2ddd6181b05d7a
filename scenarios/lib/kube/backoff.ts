// client-go's backoffs, with client-go's numbers, so that a fleet of these agents pushes back on a
// struggling server the way a fleet of real ones does (apimachinery wait.Backoff).

export interface BackoffSpec {
  /** Attempts in all (wait.Backoff.Steps): RetryOnConflict tries this many times. */
  steps: number;
  durationMs: number;
  factor: number;
  /** Each wait is duration × (1 + jitter × random). */
  jitter: number;
  /** 0 for none. */
  capMs: number;
}

/** retry.DefaultRetry, what RetryOnConflict is used with: 5 tries, 10 ms apart, 10 % jitter. */
export const DEFAULT_RETRY: Readonly<BackoffSpec> = Object.freeze({ steps: 5, durationMs: 10, factor: 1, jitter: 0.1, capMs: 0 });

/** The reflector's backoff between ListAndWatch runs: 800 ms doubling to 30 s, jitter 1.0, reset after 2 min calm. */
export const REFLECTOR_BACKOFF = Object.freeze({ initialMs: 800, capMs: 30_000, resetMs: 120_000, factor: 2, jitter: 1 });

/** The waits of one wait.Backoff, in order (Backoff.Step). */
export class BackoffSteps {
  private duration: number;
  private steps: number;

  constructor(
    private readonly spec: Readonly<BackoffSpec>,
    private readonly random: () => number = Math.random,
  ) {
    this.duration = spec.durationMs;
    this.steps = spec.steps;
  }

  /** Steps left, counting the attempt about to be made. */
  get remaining(): number {
    return this.steps;
  }

  next(): number {
    let d = this.duration;
    if (this.steps >= 1) {
      this.steps--;
      if (this.spec.factor !== 0) {
        this.duration *= this.spec.factor;
        if (this.spec.capMs > 0 && this.duration > this.spec.capMs) {
          this.duration = this.spec.capMs;
          this.steps = 0;
        }
      }
    }
    if (this.spec.jitter > 0) d += this.random() * this.spec.jitter * d;
    return d;
  }
}

/** wait.NewExponentialBackoffManager as the reflector builds it: grows while failures keep coming, starts over after resetMs without one. */
export class ReflectorBackoff {
  private steps: BackoffSteps | undefined;
  private last = 0;

  constructor(
    private readonly spec: typeof REFLECTOR_BACKOFF = REFLECTOR_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  next(now: number = Date.now()): number {
    if (this.steps === undefined || now - this.last > this.spec.resetMs) {
      this.steps = new BackoffSteps({ steps: Number.MAX_SAFE_INTEGER, durationMs: this.spec.initialMs, factor: this.spec.factor, jitter: this.spec.jitter, capMs: this.spec.capMs }, this.random);
    }
    this.last = now;
    return this.steps.next();
  }
}

// How progress reaches a person or a tool: a live area in a terminal, a plain line every 10 s in
// CI logs (no control characters), JSON lines for tools, or nothing.
import type { ProgressSnapshot } from './snapshot';

export interface ProgressView {
  /** Seconds between updates. */
  readonly intervalS: number;
  update(s: ProgressSnapshot): void;
  /** A log line printed through the view, so a live area is not torn by it. */
  log(line: string): void;
  stop(): void;
}

type Write = (text: string) => void;

function ms(v: number | null): string {
  if (v === null) return '-';
  if (!Number.isFinite(v)) return '∞';
  return v >= 1000 ? `${(v / 1000).toFixed(2)}s` : `${v.toFixed(v < 10 ? 1 : 0)}ms`;
}

function clock(s: number): string {
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function progressLine(s: ProgressSnapshot): string {
  const breached = s.slis.filter((x) => x.ok === false).map((x) => x.sli);
  const failed = s.clusters.failed ? ` (${s.clusters.failed} failed)` : '';
  const again = s.clusters.reregistered ? ` (${s.clusters.reregistered} re-registered)` : '';
  const over = breached.length ? `; over SLO so far: ${breached.join(', ')}` : '';
  const g = s.generator ? `; generator ${s.generator.engineCores.toFixed(2)} cores, loop P99 ${s.generator.eventLoopP99Ms} ms, host ${Math.round(s.generator.hostBusy * 100)} %` : '';
  return `[${clock(s.elapsedS)} +${clock(s.remainingS)}] ${s.phase}: registered ${s.clusters.registered}/${s.clusters.total}${failed}${again}, ${s.requestsPerS} req/s, ${s.errorPercent.toFixed(2)} % errors${over}${g}`;
}

export class LineView implements ProgressView {
  readonly intervalS = 10;
  constructor(private readonly write: Write) {}
  update(s: ProgressSnapshot): void {
    this.write(`${progressLine(s)}\n`);
  }
  log(line: string): void {
    this.write(`${line}\n`);
  }
  stop(): void {}
}

export class JsonView implements ProgressView {
  readonly intervalS = 1;
  constructor(private readonly write: Write) {}
  update(s: ProgressSnapshot): void {
    this.write(`${JSON.stringify({ type: 'progress', ...s, slis: s.slis.map((x) => ({ ...x, valueMs: x.valueMs !== null && Number.isFinite(x.valueMs) ? x.valueMs : x.valueMs === null ? null : 'Infinity' })) })}\n`);
  }
  log(line: string): void {
    this.write(`${JSON.stringify({ type: 'log', line })}\n`);
  }
  stop(): void {}
}

export class QuietView implements ProgressView {
  readonly intervalS = 10;
  constructor(private readonly write: Write) {}
  update(): void {}
  /** Quiet still prints what a person must see: errors and the verdict (the caller decides). */
  log(line: string): void {
    this.write(`${line}\n`);
  }
  stop(): void {}
}

/** A block of lines redrawn in place about once a second. */
export class TtyView implements ProgressView {
  readonly intervalS = 1;
  private drawn = 0;
  constructor(private readonly write: Write) {}

  private clear(): string {
    return this.drawn > 0 ? `\x1b[${this.drawn}A\x1b[0J` : '';
  }

  update(s: ProgressSnapshot): void {
    const lines = [
      progressLine(s),
      ...s.slis.map((x) => `  ${x.ok === null ? ' ' : x.ok ? '✓' : '✗'} ${x.sli.padEnd(19)} P99 ${ms(x.valueMs).padStart(8)} / SLO ${ms(x.objectiveMs).padStart(6)}  (${x.count})`),
    ];
    this.write(`${this.clear()}${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }

  log(line: string): void {
    this.write(`${this.clear()}${line}\n`);
    this.drawn = 0;
  }

  stop(): void {
    this.drawn = 0;
  }
}

export type ProgressMode = 'auto' | 'quiet' | 'json';

/** A terminal gets the live area; anything else plain lines, unless the user asked otherwise. */
export function viewFor(mode: ProgressMode, isTty: boolean, write: Write): ProgressView {
  if (mode === 'json') return new JsonView(write);
  if (mode === 'quiet') return new QuietView(write);
  return isTty ? new TtyView(write) : new LineView(write);
}

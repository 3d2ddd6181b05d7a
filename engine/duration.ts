// k6 durations: Go-style strings ("1m30s", "500ms", "1.5h") or numbers of milliseconds.
import { K6OptionsError } from './errors';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/y;

export function parseDuration(value: unknown, what = 'duration'): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string' || value.trim() === '') throw new K6OptionsError(`invalid ${what}: ${JSON.stringify(value)}`);
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    // k6 reads a bare number string as seconds.
    return Number(text) * 1000;
  }
  let total = 0;
  PART.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    PART.lastIndex = pos;
    const m = PART.exec(text);
    if (m === null) throw new K6OptionsError(`invalid ${what}: ${JSON.stringify(value)}`);
    total += Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
    pos = PART.lastIndex;
  }
  return total;
}

export function optionalDuration(value: unknown, fallbackMs: number, what: string): number {
  return value === undefined || value === null ? fallbackMs : parseDuration(value, what);
}

/** Formats milliseconds as k6 prints durations in summaries (e.g. 1.23ms, 2.5s, 1m0s). */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1) return `${(ms * 1000).toFixed(2).replace(/\.?0+$/, '')}µs`;
  if (ms < 1000) return `${ms.toFixed(2).replace(/\.?0+$/, '')}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2).replace(/\.?0+$/, '')}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m${s}s`;
}

// Durations as people and k6 write them: `90s`, `5m`, `1h30m`, `1500ms`. A bare number is seconds.
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const WHOLE = /^(\d+(?:\.\d+)?(ms|s|m|h))+$/;
const FACTOR: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Seconds, or undefined when `text` is not a duration (the caller names the field). */
export function parseDurationSeconds(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  if (!WHOLE.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(PART)) total += Number(m[1]) * (FACTOR[m[2] ?? 's'] ?? 1);
  return total;
}

/** k6 accepts the same syntax; whole seconds keep its output readable. */
export function formatK6Duration(seconds: number): string {
  if (Number.isInteger(seconds)) return `${seconds}s`;
  return `${Math.round(seconds * 1000)}ms`;
}

// RFC 3339 timestamps with the local offset, as k6's JSON output writes them. Formatting a full
// Date per sample is the hottest path of the sample stream, so the second-level prefix is cached.

let cachedSecond = -1;
let cachedPrefix = '';
let cachedSuffix = '';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function offsetSuffix(d: Date): string {
  const off = -d.getTimezoneOffset();
  if (off === 0) return 'Z';
  const sign = off > 0 ? '+' : '-';
  const abs = Math.abs(off);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Wall clock in milliseconds with sub-millisecond precision. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function formatTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedPrefix = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.`;
    cachedSuffix = offsetSuffix(d);
    cachedSecond = second;
  }
  const micros = Math.floor((epochMs - second * 1000) * 1000);
  return cachedPrefix + pad(micros, 6) + cachedSuffix;
}

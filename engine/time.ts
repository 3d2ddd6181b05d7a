// RFC 3339 timestamps with the local offset, as k6's JSON output writes them: Go's RFC3339Nano,
// whose fraction drops trailing zeros (".3551Z", and no fraction at all on a whole second).
// Formatting is on the path of every sample handed on, so the second-level prefix is cached, and
// so is the last string: the points of one request share one time.

let cachedSecond = -1;
let cachedPrefix = '';
let cachedSuffix = '';
let lastMs = NaN;
let lastText = '';

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

/** Microseconds as Go prints a fraction: six digits less the trailing zeros, '' for none. */
function fraction(micros: number): string {
  if (micros === 0) return '';
  let digits = 6;
  while (micros % 10 === 0) {
    micros /= 10;
    digits--;
  }
  return `.${String(micros).padStart(digits, '0')}`;
}

export function formatTime(epochMs: number): string {
  if (epochMs === lastMs) return lastText;
  const second = Math.floor(epochMs / 1000);
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedPrefix = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    cachedSuffix = offsetSuffix(d);
    cachedSecond = second;
  }
  const micros = Math.min(999_999, Math.floor((epochMs - second * 1000) * 1000));
  lastMs = epochMs;
  lastText = cachedPrefix + fraction(micros) + cachedSuffix;
  return lastText;
}

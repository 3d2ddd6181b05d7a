// k6's execution segments: how a run is split between instances (here: worker threads) so that
// every instance gets an interleaved ("striped") share of VUs and iterations and the global
// numbering (exec.vu.idInTest, scenario.iterationInTest) is the one k6 assigns. Port of the
// striping algorithm of k6's lib/execution_segment.go for an evenly split sequence.

export interface Fraction {
  num: number;
  den: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return Math.abs(a);
}

function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}

export function parseFraction(text: string): Fraction {
  const t = text.trim();
  if (t.includes('/')) {
    const [n, d] = t.split('/').map(Number);
    if (n === undefined || d === undefined || !Number.isInteger(n) || !Number.isInteger(d) || d <= 0) throw new Error(`invalid fraction ${text}`);
    const g = gcd(n, d) || 1;
    return { num: n / g, den: d / g };
  }
  if (t.endsWith('%')) return parseFraction(`${Math.round(Number(t.slice(0, -1)) * 100)}/10000`);
  const v = Number(t);
  if (v === 0) return { num: 0, den: 1 };
  if (v === 1) return { num: 1, den: 1 };
  return parseFraction(`${Math.round(v * 1e6)}/1000000`);
}

/** One instance's share of a sequence: the positions it owns within each `lcd`-long cycle. */
export class SegmentTuple {
  constructor(
    readonly index: number,
    readonly lcd: number,
    /** Sorted positions in [0, lcd) that belong to this segment. */
    readonly positions: readonly number[],
    readonly label: string,
  ) {}

  /** How many of the first `value` global items belong to this segment (k6's ScaleInt64). */
  scale(value: number): number {
    const full = Math.floor(value / this.lcd) * this.positions.length;
    const rest = value % this.lcd;
    let extra = 0;
    for (const p of this.positions) if (p < rest) extra++;
    return full + extra;
  }

  /** Global 0-based index of this segment's local 0-based item `local`. */
  globalIndex(local: number): number {
    const n = this.positions.length;
    if (n === 0) return -1;
    return Math.floor(local / n) * this.lcd + (this.positions[local % n] as number);
  }

  /** Whether the global 0-based item belongs to this segment. */
  owns(global: number): boolean {
    return this.positions.includes(global % this.lcd);
  }
}

/**
 * Builds the tuple of segment `index` of the sequence `bounds` (e.g. [0, 1/2, 1]).
 * The striping loop hands each position of the cycle to the biggest segment that is behind its
 * share, which is what k6 does so that small runs are already spread evenly.
 */
export function segmentTuple(bounds: readonly Fraction[], index: number): SegmentTuple {
  const segs: Fraction[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const a = bounds[i] as Fraction;
    const b = bounds[i + 1] as Fraction;
    const num = b.num * a.den - a.num * b.den;
    const den = a.den * b.den;
    const g = gcd(num, den) || 1;
    segs.push({ num: num / g, den: den / g });
  }
  const lcd = segs.reduce((acc, s) => lcm(acc, s.den), 1);
  const norm = segs.map((s, i) => ({ n: s.num * (lcd / s.den), i }));
  const sorted = [...norm].sort((x, y) => y.n - x.n);
  const chosen = new Array<number>(sorted.length).fill(0);
  const positions: number[][] = segs.map(() => []);
  for (let p = 0; p < lcd; p++) {
    for (let s = 0; s < sorted.length; s++) {
      const seg = sorted[s] as { n: number; i: number };
      if (seg.n === 0) continue;
      const num = (chosen[s] as number) * lcd;
      const q = Math.floor(num / seg.n);
      if (p > q || (p === q && num % seg.n === 0)) {
        chosen[s] = (chosen[s] as number) + 1;
        (positions[seg.i] as number[]).push(p);
        break;
      }
    }
  }
  const a = bounds[index] as Fraction;
  const b = bounds[index + 1] as Fraction;
  const fmt = (f: Fraction): string => (f.num === 0 ? '0' : f.den === 1 ? String(f.num) : `${f.num}/${f.den}`);
  return new SegmentTuple(index, lcd, positions[index] ?? [], `${fmt(a)}:${fmt(b)}`);
}

/** Segment `index` of `count` equal segments: 0:1/2 and 1/2:1 for two workers. */
export function evenSegment(index: number, count: number): SegmentTuple {
  const bounds: Fraction[] = [];
  for (let i = 0; i <= count; i++) {
    const g = gcd(i, count) || 1;
    bounds.push({ num: i / g, den: count / g });
  }
  return segmentTuple(bounds, index);
}

export const WHOLE: SegmentTuple = new SegmentTuple(0, 1, [0], '0:1');

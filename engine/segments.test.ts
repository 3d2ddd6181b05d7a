import { describe, expect, it } from 'vitest';
import { evenSegment, parseFraction, segmentTuple } from './segments';

describe('execution segments', () => {
  it('stripes VU ids across two instances as k6 does (1,3,5… and 2,4,6…)', () => {
    const a = evenSegment(0, 2);
    const b = evenSegment(1, 2);
    expect(a.label).toBe('0:1/2');
    expect(b.label).toBe('1/2:1');
    expect([0, 1, 2, 3, 4].map((i) => a.globalIndex(i) + 1)).toEqual([1, 3, 5, 7, 9]);
    expect([0, 1, 2, 3, 4].map((i) => b.globalIndex(i) + 1)).toEqual([2, 4, 6, 8, 10]);
  });

  it('scales counts so that the segments add up to the whole', () => {
    for (const n of [0, 1, 5, 7, 10, 101]) {
      for (const count of [2, 3, 4]) {
        let sum = 0;
        for (let i = 0; i < count; i++) sum += evenSegment(i, count).scale(n);
        expect(sum).toBe(n);
      }
    }
  });

  it('gives every global index to exactly one segment of an uneven sequence', () => {
    const seq = ['0', '1/4', '1'].map(parseFraction);
    const segs = [segmentTuple(seq, 0), segmentTuple(seq, 1)];
    for (let g = 0; g < 40; g++) expect(segs.filter((s) => s.owns(g))).toHaveLength(1);
    expect(segs[0]?.scale(8)).toBe(2);
  });
});

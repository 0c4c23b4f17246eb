import { describe, expect, it } from 'vitest';
import { describeLooks, strongestKeys } from './attention';

describe('strongestKeys', () => {
  it('reads one query row, strongest keys first', () => {
    // Two queries over three keys: the second looks mostly at "c", then "a".
    const map = new Float32Array([1, 0, 0, 0.25, 0.05, 0.7]);
    const looks = strongestKeys(map, 3, 1, ['a', 'b', 'c'], 2);
    expect(looks.map((l) => l.token)).toEqual(['c', 'a']);
    expect(looks[0].weight).toBeCloseTo(0.7);
    expect(describeLooks(looks)).toBe('c 70%, a 25%');
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_SEED, newSeed } from './seed';

describe('newSeed', () => {
  it('draws a valid seed other than the current one', () => {
    const draws = [0.5, 0.5, 0.25];
    const current = Math.floor(0.5 * (MAX_SEED + 1));
    expect(newSeed(current, () => draws.shift()!)).toBe(Math.floor(0.25 * (MAX_SEED + 1)));
    for (let i = 0; i < 100; i++) {
      const seed = newSeed(1);
      expect(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED && seed !== 1).toBe(true);
    }
  });
});

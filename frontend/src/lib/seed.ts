// Reset draws a new random initialisation: a new train.seed (the spec's, so a link still carries
// it and reproduces the exact run), unless the user keeps the seed to reproduce a start.

/** The largest seed the spec accepts (workers/engine/spec.py: 0 <= seed <= 2**31 - 1). */
export const MAX_SEED = 2 ** 31 - 1;

/** A seed other than `current`, drawn at random. */
export function newSeed(current: number, random: () => number = Math.random): number {
  for (;;) {
    const seed = Math.floor(random() * (MAX_SEED + 1));
    if (seed !== current) return seed;
  }
}

// Reading a gradient check (the `gradient_check` event): how far autograd's gradient is from the central
// finite difference (E(w + ε) − E(w − ε)) / 2ε, as a relative error |g − n| / (|g| + |n|), in bands.

import type { components } from './generated/api';

export type GradientCheckData = components['schemas']['GradientCheckData'];
export type LayerCheck = components['schemas']['LayerCheck'];

/** The thresholds the course's practice uses: below GOOD the gradients agree; above SUSPECT something is off. */
export const GOOD = 1e-7;
export const SUSPECT = 1e-4;
/** Above this the gradient is wrong, not only imprecise (a bug, a kink crossed, or far too large an ε). */
export const WRONG = 1e-2;

export type Verdict = 'good' | 'ok' | 'suspect' | 'wrong';

export const VERDICT_TEXT: Record<Verdict, string> = {
  good: 'agrees (< 1e-7)',
  ok: 'fine (< 1e-4)',
  suspect: 'suspect (1e-4 to 1e-2)',
  wrong: 'fails (> 1e-2)',
};

/** The band of a relative error; a missing or non-finite error counts as failing. */
export function verdict(error: number | null | undefined): Verdict {
  if (error == null || !Number.isFinite(error)) return 'wrong';
  if (error < GOOD) return 'good';
  if (error < SUSPECT) return 'ok';
  if (error < WRONG) return 'suspect';
  return 'wrong';
}

/** Where an error sits on a log axis from 1e-12 (0) to 1 (1), for a bar. */
export function logPosition(error: number): number {
  if (!(error > 0)) return 0;
  return Math.min(1, Math.max(0, (Math.log10(error) + 12) / 12));
}

// What the play button means in each run state, kept out of the component so it reads plainly.

import type { RunStatus } from './api';

/** "idle": no run yet on this page (or it was reset). */
export type PageStatus = RunStatus | 'idle';

export function isActive(status: PageStatus): boolean {
  return status === 'queued' || status === 'running' || status === 'paused';
}

/** Play toggles: start a new run when none is active, pause a queued or running one, resume a paused one. */
export function playAction(status: PageStatus): 'start' | 'pause' | 'resume' {
  if (status === 'paused') return 'resume';
  if (status === 'queued' || status === 'running') return 'pause';
  return 'start';
}

/** Epochs arrive as floats; show the whole epochs completed (the tiny offset absorbs float noise). */
export function wholeEpoch(epoch: number): number {
  return Math.floor(epoch + 1e-9);
}

export function formatLoss(loss: number | undefined | null): string {
  return typeof loss === 'number' && Number.isFinite(loss) ? loss.toFixed(3) : '–';
}

export function formatPercent(share: number | undefined | null): string {
  return typeof share === 'number' && Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : '–';
}

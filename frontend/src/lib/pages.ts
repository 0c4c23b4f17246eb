// The page's addresses: the playground (the default), a run shown read-only, and the instructor's wall.

import { runLink } from './urlState';

export type PageName = 'playground' | 'wall';

/** `?wall` (with a class id, or none yet to pick one) opens the instructor's wall; anything else the playground. */
export function pageOf(search: string): PageName {
  return new URLSearchParams(search).has('wall') ? 'wall' : 'playground';
}

export function wallClass(search: string): string | null {
  return new URLSearchParams(search).get('wall') || null;
}

/** `?projector=1`: the wall for a projector (big tiles, high contrast, no controls). */
export function projectorOn(search: string): boolean {
  const value = new URLSearchParams(search).get('projector');
  return value === '1' || value === 'true';
}

export function wallPage(classId: string | null, projector = false): string {
  const params = new URLSearchParams({ wall: classId ?? '' });
  if (projector) params.set('projector', '1');
  return `/?${params}`;
}

/** The playground showing one run, read-only and live while it trains (a student's run, opened from the wall):
 * the page's own link to a run (urlState's `run`). */
export const runPage = (runId: string) => runLink(runId, { origin: '', pathname: '/' });

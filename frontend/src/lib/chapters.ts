// The lesson index: lessons grouped by the course chapter the server gives each (`chapter`, the chapter
// of its main topic; workers/engine/topics.py is the one mapping of topics to chapters), in the course's
// order, and each lesson's claim in words.

import type { Preset } from './api';

export interface ChapterGroup {
  number: number;
  title: string;
  presets: Preset[];
}

/** The chapters that have lessons, in course order; within one, the lessons in the server's order. */
export function byChapter(presets: Preset[]): ChapterGroup[] {
  const groups = new Map<number, ChapterGroup>();
  for (const preset of presets) {
    const { number, title } = preset.chapter;
    if (!groups.has(number)) groups.set(number, { number, title, presets: [] });
    groups.get(number)!.presets.push(preset);
  }
  return [...groups.values()].sort((a, b) => a.number - b.number);
}

type Check = Preset['claim']['checks'][number];

const words = (metric: string) => metric.replaceAll('_', ' ');

function checkText(check: Check): string {
  const when = (check.at === 'best' ? 'best ' : '') + (check.until != null ? `by epoch ${check.until}, ` : '');
  if (check.compare) {
    const what = `${when}${words(check.compare)}`;
    if (check.lower_by != null) return `${what} at least ${check.lower_by} below the comparison's`;
    if (check.higher_by != null) return `${what} at least ${check.higher_by} above the comparison's`;
    if (check.ratio_at_least != null) return `${what} at least ${check.ratio_at_least} × the comparison's`;
    return `${what} at most ${check.ratio_at_most} × the comparison's`;
  }
  const whose = check.run === 'compare' ? "the comparison's " : '';
  const bound = check.at_least != null ? `≥ ${check.at_least}` : `≤ ${check.at_most}`;
  return `${whose}${when}${words(check.metric ?? '')} ${bound}`;
}

/** The claim as a short sentence: "test accuracy ≥ 0.95; ..." (seeds: "median of 3 seeds"). */
export function claimText(claim: Preset['claim']): string {
  const seeds = claim.seeds ?? [1];
  const text = claim.checks.map(checkText).join('; ');
  return seeds.length > 1 ? `${text} (median of ${seeds.length} seeds)` : text;
}

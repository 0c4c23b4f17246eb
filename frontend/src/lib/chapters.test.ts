import { describe, expect, it } from 'vitest';
import type { Preset } from './api';
import { byChapter, claimText } from './chapters';

const lesson = (name: string, number: number, title: string) =>
  ({ name, chapter: { number, title }, claim: { checks: [{ metric: 'test_accuracy', at_least: 0.9 }] } }) as unknown as Preset;

describe('lesson index', () => {
  it('groups lessons by chapter in course order, keeping the server order inside one', () => {
    const groups = byChapter([lesson('cnn', 8, 'CNNs'), lesson('a', 1, 'Single neuron'), lesson('b', 1, 'Single neuron')]);
    expect(groups.map((g) => [g.number, g.title, g.presets.map((p) => p.name)])).toEqual([
      [1, 'Single neuron', ['a', 'b']],
      [8, 'CNNs', ['cnn']],
    ]);
  });

  it('says a claim in words', () => {
    expect(claimText({ checks: [{ metric: 'test_accuracy', at_least: 0.95 }] } as Preset['claim'])).toBe(
      'test accuracy ≥ 0.95',
    );
    const contrast = {
      checks: [
        { compare: 'test_loss', ratio_at_most: 0.5, at: 'best' },
        { metric: 'diverged_epoch', run: 'compare', at_most: 60 },
      ],
      seeds: [1, 2, 3],
    } as Preset['claim'];
    expect(claimText(contrast)).toBe(
      "best test loss at most 0.5 × the comparison's; the comparison's diverged epoch ≤ 60 (median of 3 seeds)",
    );
  });
});

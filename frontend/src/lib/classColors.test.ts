import { describe, expect, it } from 'vitest';
import { BLUE, CLASS_COLORS, classRegionColor, cssColor, MIDDLE, ORANGE } from './colormap';
import { labelColor } from './scatter';

describe('k-class colours', () => {
  it('has eight distinct colours, the two-class ones first', () => {
    expect(CLASS_COLORS).toHaveLength(8);
    expect(new Set(CLASS_COLORS.map((c) => c.join()))).toHaveProperty('size', 8);
    expect(CLASS_COLORS.slice(0, 2)).toEqual([ORANGE, BLUE]);
  });

  it('colours points by their class when there are more than two', () => {
    expect(labelColor(2, 'classification', 3)).toBe(cssColor(CLASS_COLORS[2]));
    expect(labelColor(1, 'classification')).toBe(cssColor(BLUE));
  });

  it('pales a region towards the middle colour as the winner gets less sure', () => {
    expect(classRegionColor(2, 1, 3)).toEqual(CLASS_COLORS[2]);
    const tie = classRegionColor(2, 1 / 3, 3);
    const expected = MIDDLE.map((m, i) => m + (CLASS_COLORS[2][i] - m) * 0.25);
    tie.forEach((v, i) => expect(v).toBeCloseTo(expected[i]));
    expect(classRegionColor(2, 1 / 3, 3, true)).toEqual(CLASS_COLORS[2]);
  });
});

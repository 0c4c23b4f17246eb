import { describe, expect, it } from 'vitest';
import { smooth, withSmoothed } from './smoothing';

describe('smoothing', () => {
  it('is TensorBoard’s debiased moving average', () => {
    const weight = 0.6;
    const values = [1, 0, 1, 0];
    // By hand: last = 0.4, 0.24, 0.544, 0.3264; debiased by 1 - 0.6^k.
    const expected = [0.4 / 0.4, 0.24 / 0.64, 0.544 / 0.784, 0.3264 / 0.8704];
    smooth(values, weight).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
  });

  it('starts at the first value and lags behind a step', () => {
    const step = [2, 2, 2, 10, 10, 10];
    const smoothed = smooth(step, 0.9) as number[];
    expect(smoothed[0]).toBeCloseTo(2, 12);
    expect(smoothed[3]).toBeGreaterThan(2);
    expect(smoothed[5]).toBeLessThan(10);
  });

  it('leaves the curve as it is at 0, a constant curve constant, and gaps as gaps', () => {
    expect(smooth([3, 1, 2], 0)).toEqual([3, 1, 2]);
    expect(smooth([0.5, 0.5, 0.5], 0.9)).toEqual([0.5, 0.5, 0.5]);
    const gapped = smooth([1, null, 3], 0.5);
    expect(gapped[1]).toBeNull();
    expect(gapped[2]).toBeCloseTo((0.5 * 0.5 + 0.5 * 3) / 0.75, 12); // the gap is skipped, not averaged in
  });

  it('pairs every curve with its smoothed copy for the chart', () => {
    const aligned = withSmoothed([[0, 1], [1, 3], [4, 4]] as const, 0.5);
    expect(aligned.length).toBe(5);
    expect(aligned[0]).toEqual([0, 1]);
    expect(aligned[1]).toEqual([1, 3]);
    expect(aligned[2][1]).toBeCloseTo((0.5 * 0.5 + 0.5 * 3) / 0.75, 12);
    expect(aligned[4]).toEqual([4, 4]);
  });
});

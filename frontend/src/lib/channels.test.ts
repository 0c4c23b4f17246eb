import { describe, expect, it } from 'vitest';
import { pictures, symmetric, transpose } from './channels';

function uint8(shape: number[], bytes: number[], min: number, max: number) {
  return { dtype: 'uint8' as const, shape, data: btoa(String.fromCharCode(...bytes)), min, max };
}

describe('pictures', () => {
  it('cuts C×H×W into C pictures of H×W, sharing one range', () => {
    const tensor = uint8([2, 2, 3], [0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 0], 0, 1);
    const [first, second] = pictures(tensor);
    expect(pictures(tensor)).toHaveLength(2);
    expect([first.rows, first.cols]).toEqual([2, 3]);
    expect(Array.from(first.values)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1].map((v) => Math.fround(v)));
    expect(second.values[0]).toBe(1);
    expect(first.range).toEqual([0, 1]);
  });

  it('flattens out×in of filters in order', () => {
    const tensor = uint8([2, 3, 1, 1], [0, 1, 2, 3, 4, 5], 0, 255);
    expect(pictures(tensor).map((p) => p.values[0])).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('centres weights on zero', () => {
    const [picture] = pictures(uint8([1, 2], [0, 255], -0.5, 2));
    expect(symmetric(picture).range).toEqual([-2, 2]);
  });
});

describe('transpose', () => {
  it('turns a T×H record into H rows over T steps', () => {
    const [picture] = pictures(uint8([2, 3], [0, 1, 2, 3, 4, 5], 0, 255));
    const turned = transpose(picture);
    expect([turned.rows, turned.cols]).toEqual([3, 2]);
    expect(Array.from(turned.values)).toEqual([0, 3, 1, 4, 2, 5]);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeTensor, halfToFloat, valueRange, type Tensor } from './tensor';

function toBase64(bytes: number[]): string {
  return btoa(String.fromCharCode(...bytes));
}

describe('decodeTensor', () => {
  it('decodes little-endian float16 by hand', () => {
    // 1.0 = 0x3C00, -2.0 = 0xC000, 0.5 = 0x3800, 65504 (largest half) = 0x7BFF
    const tensor: Tensor = {
      dtype: 'float16',
      shape: [2, 2],
      data: toBase64([0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38, 0xff, 0x7b]),
    };
    expect(Array.from(decodeTensor(tensor))).toEqual([1, -2, 0.5, 65504]);
  });

  it('decodes float16 zero, subnormals and infinities', () => {
    expect(halfToFloat(0x0000)).toBe(0);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  it('decodes little-endian float32', () => {
    // 1.5 = 0x3FC00000, -0.25 = 0xBE800000
    const tensor: Tensor = {
      dtype: 'float32',
      shape: [2],
      data: toBase64([0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x80, 0xbe]),
    };
    expect(Array.from(decodeTensor(tensor))).toEqual([1.5, -0.25]);
  });

  it('maps uint8 0..255 linearly onto [min, max]', () => {
    const tensor: Tensor = { dtype: 'uint8', shape: [3], data: toBase64([0, 51, 255]), min: -1, max: 1 };
    const values = decodeTensor(tensor);
    expect(values[0]).toBeCloseTo(-1, 6);
    expect(values[1]).toBeCloseTo(-1 + (2 * 51) / 255, 6);
    expect(values[2]).toBeCloseTo(1, 6);
    expect(valueRange(tensor, values)).toEqual([-1, 1]);
  });

  it('keeps raw uint8 bytes when no range is given', () => {
    const tensor: Tensor = { dtype: 'uint8', shape: [2], data: toBase64([7, 200]) };
    expect(Array.from(decodeTensor(tensor))).toEqual([7, 200]);
  });

  it('rejects data that does not match the shape', () => {
    const tensor: Tensor = { dtype: 'float32', shape: [2], data: toBase64([0, 0, 0, 0]) };
    expect(() => decodeTensor(tensor)).toThrow(/needs 8 bytes/);
  });
});

import { describe, expect, it } from 'vitest';
import { MIDDLE } from './colormap';
import { decodeSamples, discriminatorColor, FAKE, meanDiscriminator, REAL } from './samples';

function b64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function half(values: number[]): string {
  // float16 of small integers and halves: exact
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    const bits = v === 0 ? 0 : (() => {
      const e = Math.floor(Math.log2(Math.abs(v)));
      const f = Math.round((Math.abs(v) / 2 ** e - 1) * 1024);
      return (v < 0 ? 0x8000 : 0) | ((e + 15) << 10) | f;
    })();
    view.setUint16(i * 2, bits, true);
  });
  return b64(out);
}

describe('discriminatorColor', () => {
  it('is purple for generated, grey where D cannot tell, green for real', () => {
    expect(discriminatorColor(0)).toEqual(FAKE);
    expect(discriminatorColor(0.5)).toEqual(MIDDLE);
    expect(discriminatorColor(1)).toEqual(REAL);
    expect(discriminatorColor(Number.NaN)).toEqual(MIDDLE);
    expect(discriminatorColor(3)).toEqual(REAL);
  });
});

describe('decodeSamples', () => {
  it('decodes the points and the field', () => {
    const decoded = decodeSamples({
      extent: [-6, 6, -6, 6],
      real: { dtype: 'float16', shape: [2, 2], data: half([1, -2, 0.5, 4]) },
      fake: { dtype: 'float16', shape: [1, 2], data: half([-1, 3]) },
      discriminator: { dtype: 'uint8', shape: [1, 2], data: b64(new Uint8Array([0, 255])), min: 0, max: 1 },
    });
    expect(Array.from(decoded.real)).toEqual([1, -2, 0.5, 4]);
    expect(Array.from(decoded.fake)).toEqual([-1, 3]);
    expect(Array.from(decoded.field)).toEqual([0, 1]);
    expect([decoded.rows, decoded.cols]).toEqual([1, 2]);
    expect(meanDiscriminator(decoded.field)).toBe(0.5);
  });
});

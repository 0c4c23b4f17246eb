import { describe, expect, it } from 'vitest';
import { axisLabels, LATENT_COLORS, latentColor, latentPoints } from './latent';
import type { LatentData } from './payloads';

function floats(values: number[], shape: number[]): LatentData['points'] {
  const bytes = new Uint8Array(new Float32Array(values).buffer);
  return { dtype: 'float32', shape, data: btoa(String.fromCharCode(...bytes)) };
}

const digits = Array.from({ length: 10 }, (_, d) => String(d));

describe('the latent view', () => {
  it('gives each of the ten digits its own colour', () => {
    expect(new Set(LATENT_COLORS.map((c) => c.join()))).toHaveProperty('size', 10);
    expect(latentColor(0)).not.toBe(latentColor(9));
  });

  it('draws a two-unit code as it is, inside a padded extent', () => {
    const data: LatentData = { points: floats([0, 0, 2, 1, -2, -1], [3, 2]), labels: [0, 1, 2], classes: digits,
      projection: 'code', code_units: 2 };
    const { xy, extent, strip } = latentPoints(data);
    expect(Array.from(xy)).toEqual([0, 0, 2, 1, -2, -1]);
    expect(strip).toBe(false);
    expect(extent[0]).toBeLessThan(-2);
    expect(extent[1]).toBeGreaterThan(2);
    expect(extent[2]).toBeLessThan(-1);
    expect(extent[3]).toBeGreaterThan(1);
    expect(axisLabels(data)).toEqual(['code h₁', 'code h₂']);
  });

  it('spreads a one-unit code by class, and names the principal components of a wider one', () => {
    const one: LatentData = { points: floats([0.5, -0.5], [2, 1]), labels: [0, 9], classes: digits,
      projection: 'code', code_units: 1 };
    const { xy, strip, extent } = latentPoints(one);
    expect(strip).toBe(true);
    expect(xy[1]).toBeGreaterThan(xy[3]); // class 0 on the top strip
    expect([extent[2], extent[3]]).toEqual([0, 10]);
    const pca: LatentData = { ...one, points: floats([0, 0], [1, 2]), labels: [3], projection: 'pca', code_units: 16,
      explained: [0.42, 0.2] };
    expect(axisLabels(pca)).toEqual(['PC1 (42% of the variance)', 'PC2 (20% of the variance)']);
  });
});

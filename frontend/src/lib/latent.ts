// The latent view's geometry and colours: an autoencoder's codes of the test sample, as 2-D points.

import { CLASS_COLORS, cssColor, type Rgb } from './colormap';
import type { LatentData } from './payloads';
import { decodeTensor } from './tensor';

/** The k-class palette, and two more so that the ten digits each have their own colour. */
export const LATENT_COLORS: Rgb[] = [...CLASS_COLORS, [140, 86, 75], [117, 112, 179]];

export function latentColor(label: number): string {
  return cssColor(LATENT_COLORS[label % LATENT_COLORS.length]);
}

export interface LatentPoints {
  /** Interleaved x, y; a one-unit code has y = 0 and is spread by class instead (see `strip`). */
  xy: Float32Array;
  extent: [number, number, number, number];
  /** A one-unit code: drawn as one strip per class, the code along x. */
  strip: boolean;
}

const PADDING = 0.06; // of the range, on each side, so no point sits on the edge

/** The points of a latent event in 2-D, and the square-ish extent that holds them all. */
export function latentPoints(data: LatentData): LatentPoints {
  const values = decodeTensor(data.points);
  const d = data.points.shape[1] ?? 1;
  const n = data.labels.length;
  const strip = d === 1;
  const classes = Math.max(1, data.classes.length);
  const xy = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    xy[i * 2] = values[i * d];
    xy[i * 2 + 1] = strip ? classes - 1 - data.labels[i] + 0.5 : values[i * d + 1];
  }
  const extent = paddedExtent(xy);
  if (strip) [extent[2], extent[3]] = [0, classes];
  return { xy, extent, strip };
}

/** The extent that holds every finite point of interleaved x, y, padded on each side; [-1, 1]² when none is. */
export function paddedExtent(xy: Float32Array): [number, number, number, number] {
  let [xmin, xmax, ymin, ymax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < xy.length / 2; i++) {
    const [x, y] = [xy[i * 2], xy[i * 2 + 1]];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    [xmin, xmax, ymin, ymax] = [Math.min(xmin, x), Math.max(xmax, x), Math.min(ymin, y), Math.max(ymax, y)];
  }
  if (!Number.isFinite(xmin)) [xmin, xmax, ymin, ymax] = [-1, 1, -1, 1];
  const pad = (lo: number, hi: number): [number, number] => {
    const span = hi - lo || 1;
    return [lo - span * PADDING, hi + span * PADDING];
  };
  return [...pad(xmin, xmax), ...pad(ymin, ymax)];
}

/** PC1 and PC2, each with its share of the variance when it is known. */
export function componentLabels(explained?: number[]): [string, string] {
  const share = (i: number) => (explained ? ` (${Math.round(explained[i] * 100)}% of the variance)` : '');
  return [`PC1${share(0)}`, `PC2${share(1)}`];
}

/** The axes' names: the code units themselves, or the principal components with their share of the variance. */
export function axisLabels(data: LatentData): [string, string] {
  if (data.projection === 'code') return data.code_units === 1 ? ['code h₁', 'class'] : ['code h₁', 'code h₂'];
  return componentLabels(data.explained);
}

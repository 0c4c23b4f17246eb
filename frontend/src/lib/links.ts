// The network diagram's links: one per weight, width for its magnitude and colour for its sign.

import { cssColor, divergingColor } from './colormap';
import { decodeTensor, type Tensor } from './tensor';

export interface LinkStyle {
  width: number;
  color: string;
}

const UNKNOWN: LinkStyle = { width: 1, color: '#c8c8c8' };

/** Links fade from the middle colour to full orange (negative) or blue (positive) at |w| = 2. */
export function linkStyle(weight: number | undefined): LinkStyle {
  if (weight === undefined || !Number.isFinite(weight)) return UNKNOWN;
  const strength = Math.min(Math.abs(weight), 2) / 2;
  return {
    width: 0.5 + Math.min(Math.abs(weight), 4) * 1.2,
    color: cssColor(divergingColor(0.5 + Math.sign(weight) * strength * 0.5)),
  };
}

/**
 * A layer's weights as rows of [out][in], when the streamed tensor fits the layer being drawn
 * (after an edit the last run's weights no longer fit, and links go grey until the next run).
 */
export function weightRows(tensor: Tensor | undefined, outputs: number, inputs: number): number[][] | null {
  if (!tensor || tensor.shape.length !== 2 || tensor.shape[0] !== outputs || tensor.shape[1] !== inputs) return null;
  const values = decodeTensor(tensor);
  return Array.from({ length: outputs }, (_, row) => Array.from(values.subarray(row * inputs, (row + 1) * inputs)));
}

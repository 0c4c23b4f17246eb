// Painting a row-major grid of values onto a canvas through a colour map.

import { classRegionColor, divergingColor, normalize, type Rgb } from './colormap';
import { decodeTensor, valueRange, type Tensor } from './tensor';

export interface PaintOptions {
  /** t in [0, 1] to a colour; the diverging orange-blue map by default. */
  color?: (t: number) => Rgb;
  /** Each cell takes the colour of the side of the decision threshold (t = 0.5) it is on. */
  discretize?: boolean;
  /** Smooth scaling suits maps over a plane; images and filters show their pixels sharp. */
  smooth?: boolean;
}

let scratch: HTMLCanvasElement | undefined;

/**
 * Draw a rows x cols grid stretched over the whole canvas. Row 0 is the top of the picture,
 * which is how the server lays out boundary grids (y = ymax first), so no flipping is needed.
 */
export function paintGrid(
  canvas: HTMLCanvasElement,
  values: Float32Array,
  rows: number,
  cols: number,
  [min, max]: [number, number],
  { color = divergingColor, discretize = false, smooth = true }: PaintOptions = {},
): void {
  paintCells(canvas, rows, cols, (i) => {
    const t = normalize(values[i], min, max);
    return color(discretize ? (t >= 0.5 ? 1 : 0) : t);
  }, smooth);
}

/** Paint a rows x cols grid whose cell i (row-major) has the colour colorAt(i). */
export function paintCells(
  canvas: HTMLCanvasElement,
  rows: number,
  cols: number,
  colorAt: (i: number) => Rgb,
  smooth = true,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx || rows === 0 || cols === 0) return;
  const image = new ImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const [r, g, b] = colorAt(i);
    image.data[i * 4] = r;
    image.data[i * 4 + 1] = g;
    image.data[i * 4 + 2] = b;
    image.data[i * 4 + 3] = 255;
  }
  // Put the small grid on a scratch canvas, then let drawImage scale it smoothly to full size. One
  // scratch canvas serves every paint (they run one at a time), rather than a new one per frame and map.
  scratch ??= document.createElement('canvas');
  scratch.width = cols;
  scratch.height = rows;
  scratch.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = smooth;
  ctx.drawImage(scratch, 0, 0, canvas.width, canvas.height);
}

/**
 * A k-class boundary: `classes` holds the winning class of each cell (its bytes are the indices),
 * `confidence` that class's probability; each cell gets its class's colour, paler where less sure.
 */
export function paintClasses(
  canvas: HTMLCanvasElement,
  classes: Tensor,
  confidence: Tensor,
  k: number,
  discretize = false,
): void {
  const winners = decodeTensor(classes);
  const sure = decodeTensor(confidence);
  const [rows, cols] = classes.shape;
  paintCells(canvas, rows, cols, (i) => classRegionColor(Math.round(winners[i]), sure[i], k, discretize));
}

/** Decode a 2-D tensor and paint it with its own value range. */
export function paintTensor(canvas: HTMLCanvasElement, tensor: Tensor, options: PaintOptions = {}): void {
  const values = decodeTensor(tensor);
  const [rows, cols] = tensor.shape.length >= 2 ? tensor.shape.slice(-2) : [1, values.length];
  paintGrid(canvas, values, rows, cols, valueRange(tensor, values), options);
}

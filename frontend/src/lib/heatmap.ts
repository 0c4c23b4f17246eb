// Painting a row-major grid of values onto a canvas with the diverging colour map.

import { divergingColor, normalize } from './colormap';
import { decodeTensor, valueRange, type Tensor } from './tensor';

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
  discretize = false,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx || rows === 0 || cols === 0) return;
  const image = new ImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const t = normalize(values[i], min, max);
    // Discretized: each cell takes the colour of the side of the decision threshold it is on.
    const [r, g, b] = divergingColor(discretize ? (t >= 0.5 ? 1 : 0) : t);
    image.data[i * 4] = r;
    image.data[i * 4 + 1] = g;
    image.data[i * 4 + 2] = b;
    image.data[i * 4 + 3] = 255;
  }
  // Put the small grid on a scratch canvas, then let drawImage scale it smoothly to full size.
  const scratch = document.createElement('canvas');
  scratch.width = cols;
  scratch.height = rows;
  scratch.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(scratch, 0, 0, canvas.width, canvas.height);
}

/** Decode a 2-D tensor and paint it with its own value range. */
export function paintTensor(canvas: HTMLCanvasElement, tensor: Tensor, discretize = false): void {
  const values = decodeTensor(tensor);
  const [rows, cols] = tensor.shape.length >= 2 ? tensor.shape.slice(-2) : [1, values.length];
  paintGrid(canvas, values, rows, cols, valueRange(tensor, values), discretize);
}

// Drawing the dataset's points on top of the boundary picture.

import { classColor, cssColor, divergingColor, ORANGE, BLUE } from './colormap';
import type { DatasetData, Extent, PointSet } from './payloads';
import { decodeTensor } from './tensor';

export interface DecodedPoints {
  xy: Float32Array; // interleaved x, y
  labels: Float32Array;
}

export function decodePointSet(set: PointSet): DecodedPoints {
  return { xy: decodeTensor(set.points), labels: decodeTensor(set.labels) };
}

/**
 * Classification labels are 0/1 (or 0..k-1 with k = `classes` > 2, one palette colour each); regression
 * labels (about [-1, 1]) use the same diverging map.
 */
export function labelColor(label: number, task: DatasetData['task'], classes = 2): string {
  if (task === 'classification' && classes > 2) return cssColor(classColor(Math.round(label)));
  if (task === 'classification') return cssColor(label >= 0.5 ? BLUE : ORANGE);
  return cssColor(divergingColor((label + 1) / 2));
}

/** Map a data-space point to canvas pixels; y grows upwards in data space, downwards on screen. */
export function toPixel(x: number, y: number, [xmin, xmax, ymin, ymax]: Extent, width: number, height: number) {
  return {
    px: ((x - xmin) / (xmax - xmin)) * width,
    py: ((ymax - y) / (ymax - ymin)) * height,
  };
}

export function drawPoints(
  ctx: CanvasRenderingContext2D,
  points: DecodedPoints,
  extent: Extent,
  task: DatasetData['task'],
  style: 'filled' | 'outlined',
  radius = 3.5,
  classes = 2,
): void {
  const { width, height } = ctx.canvas;
  for (let i = 0; i < points.labels.length; i++) {
    const { px, py } = toPixel(points.xy[i * 2], points.xy[i * 2 + 1], extent, width, height);
    const color = labelColor(points.labels[i], task, classes);
    ctx.beginPath();
    ctx.arc(px, py, radius, 0, Math.PI * 2);
    if (style === 'filled') {
      ctx.fillStyle = color;
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = 'white';
      ctx.stroke();
    } else {
      // A dark ring under the coloured one keeps test points visible on a same-coloured region.
      ctx.lineWidth = 3;
      ctx.strokeStyle = 'rgba(0, 0, 0, 0.6)';
      ctx.stroke();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = color;
      ctx.stroke();
    }
  }
}

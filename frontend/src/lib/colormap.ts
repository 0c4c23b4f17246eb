// The diverging colour map of TensorFlow Playground: orange for low, white-ish middle, blue for high.

export type Rgb = [number, number, number];

export const ORANGE: Rgb = [245, 147, 34];
export const MIDDLE: Rgb = [232, 234, 235];
export const BLUE: Rgb = [8, 119, 189];

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** t in [0, 1] (clamped): 0 is orange, 0.5 the middle colour, 1 blue. */
export function divergingColor(t: number): Rgb {
  const clamped = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0.5;
  return clamped < 0.5 ? mix(ORANGE, MIDDLE, clamped * 2) : mix(MIDDLE, BLUE, (clamped - 0.5) * 2);
}

/** Where value sits in [min, max], as a fraction; a flat range maps to the middle. */
export function normalize(value: number, min: number, max: number): number {
  return max > min ? (value - min) / (max - min) : 0.5;
}

export function cssColor([r, g, b]: Rgb): string {
  return `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
}

/** Ink on paper, for images and feature maps: 0 is white, 1 is black. */
export function inkColor(t: number): Rgb {
  const level = 255 * (1 - (Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0));
  return [level, level, level];
}

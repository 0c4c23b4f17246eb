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

/**
 * One colour per class of k-class data (data.classes, at most 8): the two-class orange and blue first,
 * then Okabe and Ito's colour-blind-safe hues, each far from the others and from the middle colour.
 */
export const CLASS_COLORS: Rgb[] = [
  ORANGE, BLUE, [0, 158, 115], [204, 121, 167], [240, 228, 66], [86, 180, 233], [213, 94, 0], [90, 90, 90],
];

export function classColor(index: number): Rgb {
  return CLASS_COLORS[((index % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length];
}

/**
 * A region of a k-class boundary: its class's colour, paler where the network is less sure. The winner's
 * probability runs from 1/k (a tie) to 1; even a near tie keeps a quarter of the hue, so every region shows.
 */
export function classRegionColor(index: number, confidence: number, k: number, discretize = false): Rgb {
  const sure = k > 1 ? (confidence - 1 / k) / (1 - 1 / k) : 1;
  const t = discretize ? 1 : 0.25 + 0.75 * Math.min(1, Math.max(0, Number.isFinite(sure) ? sure : 0));
  return mix(MIDDLE, classColor(index), t);
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

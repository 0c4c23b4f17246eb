// The GAN's `samples` frame as GAN Lab draws it: the discriminator's field D(x) behind the real and the
// generated points. Green is "real", purple "generated", for the points and the field alike.

import { cssColor, MIDDLE, type Rgb } from './colormap';
import type { SamplesData } from './payloads';
import { decodeTensor } from './tensor';

export const REAL: Rgb = [0, 158, 115];
export const FAKE: Rgb = [170, 68, 170];

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** D(x) in [0, 1] (clamped) to a colour: purple where D says generated, green where it says real, the page's
 * middle grey where it cannot tell (D = ½, where a perfect generator leaves it). */
export function discriminatorColor(d: number): Rgb {
  const t = Number.isFinite(d) ? Math.min(1, Math.max(0, d)) : 0.5;
  return t < 0.5 ? mix(FAKE, MIDDLE, t * 2) : mix(MIDDLE, REAL, (t - 0.5) * 2);
}

export const REAL_CSS = cssColor(REAL);
export const FAKE_CSS = cssColor(FAKE);

export interface DecodedSamples {
  real: Float32Array; // interleaved x, y
  fake: Float32Array;
  field: Float32Array; // D(x), row-major, row 0 the top of the plane
  rows: number;
  cols: number;
}

export function decodeSamples(samples: SamplesData): DecodedSamples {
  const [rows, cols] = samples.discriminator.shape;
  return {
    real: decodeTensor(samples.real),
    fake: decodeTensor(samples.fake),
    field: decodeTensor(samples.discriminator),
    rows,
    cols,
  };
}

/** The mean of D over the plane: ½ when D can no longer tell real from generated anywhere. */
export function meanDiscriminator(field: Float32Array): number {
  let sum = 0;
  for (const d of field) sum += d;
  return field.length ? sum / field.length : 0.5;
}

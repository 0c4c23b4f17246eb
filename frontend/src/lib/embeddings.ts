// The embeddings view's geometry, labels and colours: each token a sequence network reads, as a labelled 2-D point.

import { BLUE, CLASS_COLORS, cssColor, ORANGE, type Rgb } from './colormap';
import { componentLabels, paddedExtent } from './latent';
import type { EmbeddingsData } from './payloads';
import { decodeTensor } from './tensor';

export type TokenGroup = EmbeddingsData['groups'][number];

/** The groups in the legend's order, each with its colour and its name. */
export const GROUPS: { group: TokenGroup; name: string; rgb: Rgb }[] = [
  { group: 'vowel', name: 'vowels', rgb: ORANGE },
  { group: 'consonant', name: 'consonants', rgb: BLUE },
  { group: 'digit', name: 'digits', rgb: CLASS_COLORS[2] },
  { group: 'space', name: 'space', rgb: [90, 90, 90] },
  { group: 'symbol', name: 'symbols', rgb: CLASS_COLORS[3] },
];

export function groupColor(group: TokenGroup): string {
  return cssColor((GROUPS.find((g) => g.group === group) ?? GROUPS[GROUPS.length - 1]).rgb);
}

/** A token as it is drawn: the space as ␣, so that it shows. */
export function tokenLabel(token: string): string {
  return token === ' ' ? '␣' : token === '\t' ? '⇥' : token;
}

/** The points of an embeddings event (interleaved x, y) and the padded extent that holds them all. */
export function embeddingPoints(data: EmbeddingsData): { xy: Float32Array; extent: [number, number, number, number] } {
  const xy = decodeTensor(data.points).slice(0, data.tokens.length * 2);
  return { xy, extent: paddedExtent(xy) };
}

/** The axes' names: the embedding's own coordinates, or its principal components with their share of the variance. */
export function embeddingAxes(data: EmbeddingsData): [string, string] {
  if (data.projection === 'embedding') return data.dim === 1 ? ['e₁', '(none)'] : ['e₁', 'e₂'];
  return componentLabels(data.explained);
}

/** The groups present in an event, in the legend's order. */
export function presentGroups(data: EmbeddingsData): typeof GROUPS {
  const present = new Set(data.groups);
  return GROUPS.filter((g) => present.has(g.group));
}

import { describe, expect, it } from 'vitest';
import { embeddingAxes, embeddingPoints, groupColor, presentGroups, tokenLabel } from './embeddings';
import type { EmbeddingsData } from './payloads';

function floats(values: number[], shape: number[]): EmbeddingsData['points'] {
  const bytes = new Uint8Array(new Float32Array(values).buffer);
  return { dtype: 'float32', shape, data: btoa(String.fromCharCode(...bytes)) };
}

const event: EmbeddingsData = {
  layer: 'embedding1', dim: 8, tokens: [' ', 'a', 'e', 't'], groups: ['space', 'vowel', 'vowel', 'consonant'],
  points: floats([0, 0, 2, 1, 2.2, 1.1, -3, -1], [4, 2]), projection: 'pca', explained: [0.512, 0.25],
};

describe('the embeddings view', () => {
  it('places every token inside a padded extent and names the principal components', () => {
    const { xy, extent } = embeddingPoints(event);
    expect(Array.from(xy)).toEqual([0, 0, 2, 1, expect.closeTo(2.2, 5), expect.closeTo(1.1, 5), -3, -1]);
    expect(extent[0]).toBeLessThan(-3);
    expect(extent[1]).toBeGreaterThan(2.2);
    expect(extent[2]).toBeLessThan(-1);
    expect(extent[3]).toBeGreaterThan(1.1);
    expect(embeddingAxes(event)).toEqual(['PC1 (51% of the variance)', 'PC2 (25% of the variance)']);
  });

  it('draws a narrow embedding on its own axes', () => {
    expect(embeddingAxes({ ...event, projection: 'embedding', dim: 2 })).toEqual(['e₁', 'e₂']);
    expect(embeddingAxes({ ...event, projection: 'embedding', dim: 1 })[0]).toBe('e₁');
  });

  it('colours tokens of one group alike and the groups apart, and shows the space', () => {
    expect(groupColor('vowel')).not.toBe(groupColor('consonant'));
    expect(new Set(['vowel', 'consonant', 'digit', 'space', 'symbol'].map((g) => groupColor(g as never))).size).toBe(5);
    expect(presentGroups(event).map((g) => g.group)).toEqual(['vowel', 'consonant', 'space']);
    expect([tokenLabel(' '), tokenLabel('a')]).toEqual(['␣', 'a']);
  });
});

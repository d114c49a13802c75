/** Emerging-theme clustering by embeddings: leader clustering, thresholds, determinism, labels from key phrases. */
import { describe, expect, it } from 'vitest';
import { clusterCandidates, leaderClusters } from '../../../src/analysis/discovery/embedding-clusters.js';

const unit = (xs: number[]) => {
  const n = Math.hypot(...xs);
  return Float32Array.from(xs.map((x) => x / n));
};
// Two directions with small perturbations: two groups whatever words their texts use.
const north = (e: number) => unit([1, e, 0]);
const east = (e: number) => unit([e, 1, 0.05]);

describe('leaderClusters', () => {
  it('groups vectors by direction and leaves missing ones out', () => {
    const vectors = [north(0), east(0), north(0.1), null, east(0.1), north(0.05)];
    const clusters = leaderClusters(vectors, 0.9);
    expect(clusters[3]).toBe(-1);
    expect(new Set([clusters[0], clusters[2], clusters[5]]).size).toBe(1);
    expect(new Set([clusters[1], clusters[4]]).size).toBe(1);
    expect(clusters[0]).not.toBe(clusters[1]);
  });

  it('makes every vector its own cluster when the threshold is above any similarity', () => {
    expect(new Set(leaderClusters([north(0), north(0.3), north(0.6)], 0.999)).size).toBe(3);
  });

  it('is deterministic', () => {
    const vectors = Array.from({ length: 40 }, (_, i) => (i % 3 ? north(i / 100) : east(i / 100)));
    expect(leaderClusters(vectors, 0.8)).toEqual(leaderClusters(vectors, 0.8));
  });
});

describe('clusterCandidates', () => {
  const vectors = [north(0), east(0), north(0.1), east(0.05), north(0.05), north(0.02), east(0.1)];
  const phrases = [['night theme'], ['export button'], ['dark mode'], ['csv export'], ['dark mode', 'eye strain'], [], ['export button']];

  it('names each cluster by the phrase most members use and counts only verbatims with uncovered phrases', () => {
    const candidates = clusterCandidates(vectors, phrases, { minCount: 2, threshold: 0.9 });
    expect(candidates).toEqual([
      // Index 5 has no uncovered phrase (the taxonomy covers it): not a candidate verbatim.
      { phrase: 'dark mode', count: 3, relatedPhrases: [], exampleIndexes: [0, 2, 4] },
      { phrase: 'export button', count: 3, relatedPhrases: [], exampleIndexes: [1, 3, 6] },
    ]);
  });

  it('drops clusters below minCount and honours limit and examples', () => {
    expect(clusterCandidates(vectors, phrases, { minCount: 4, threshold: 0.9 })).toEqual([]);
    const [top] = clusterCandidates(vectors, phrases, { minCount: 2, threshold: 0.9, limit: 1, examples: 1 });
    expect(top).toMatchObject({ phrase: 'dark mode', exampleIndexes: [0] });
  });

  it('names a cluster whose phrases are each used once after its most typical member', () => {
    const candidates = clusterCandidates([north(-0.2), north(0), north(0.2)], [['reward point'], ['loyalty point'], ['bonus point']], {
      minCount: 3,
      threshold: 0.9,
    });
    expect(candidates).toEqual([{ phrase: 'loyalty point', count: 3, relatedPhrases: [], exampleIndexes: [0, 1, 2] }]);
  });
});

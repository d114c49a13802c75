/** Near-duplicate signatures and grouping: normalisation, MinHash buckets, hyperplane buckets, thresholds, cost bound. */
import { describe, expect, it } from 'vitest';
import { embeddingNearDuplicates, lexicalNearDuplicates, nearDuplicates } from '../../../src/analysis/dedupe/near-duplicates.js';
import { jaccard, normaliseForDedupe, shingles } from '../../../src/analysis/dedupe/shingles.js';
import { minhashBandKeys } from '../../../src/analysis/dedupe/minhash.js';
import { hyperplaneBandKeys } from '../../../src/analysis/dedupe/hyperplanes.js';
import { cosineSimilarity as cosine } from '../../../src/analysis/backends/embedding-theme-matcher.js';

describe('shingles', () => {
  it('ignores case, accents, punctuation and spacing but keeps emoji', () => {
    expect(normaliseForDedupe('  Café   was GREAT!!! ')).toBe('cafe was great');
    expect(normaliseForDedupe('⭐⭐⭐')).toBe('⭐⭐⭐');
    expect(jaccard(shingles('The app keeps crashing.'), shingles('the app KEEPS crashing'))).toBe(1);
  });

  it('gives texts without letters or digits no shingles, and they duplicate nothing', () => {
    expect(shingles('!!! ...').size).toBe(0);
    expect(jaccard(shingles('...'), shingles('...'))).toBe(0);
    expect(minhashBandKeys(shingles('?'))).toEqual([]);
    expect(lexicalNearDuplicates(['...', '...'])).toEqual([0, 1]);
  });

  it('scores a one-word change in a long text high and a different text low', () => {
    const a = 'The delivery driver left the parcel at the wrong address and nobody answered the phone';
    expect(jaccard(shingles(a), shingles(a.replace('wrong', 'neighbours')))).toBeGreaterThan(0.7);
    expect(jaccard(shingles(a), shingles('Checkout failed three times with my credit card'))).toBeLessThan(0.1);
  });
});

describe('lexicalNearDuplicates', () => {
  it('points every repeat at the first occurrence and leaves distinct texts alone', () => {
    const texts = [
      'Please add a dark mode to the app',
      'The invoice was wrong again',
      'please add a dark mode to the app!!',
      'Please add a dark mode to the app.',
      'Dark mode would be nice',
    ];
    expect(lexicalNearDuplicates(texts)).toEqual([0, 1, 0, 0, 4]);
  });

  it('is deterministic: the same signatures and groups on every run', () => {
    const text = 'Shipping took three weeks and the box was damaged';
    expect(minhashBandKeys(shingles(text))).toEqual(minhashBandKeys(shingles(text)));
  });

  it('respects the threshold', () => {
    const a = 'The delivery driver left the parcel at the wrong address';
    const b = 'The delivery driver left the parcel at the right address';
    const similarity = jaccard(shingles(a), shingles(b));
    expect(lexicalNearDuplicates([a, b], similarity)).toEqual([0, 0]);
    expect(lexicalNearDuplicates([a, b], similarity + 0.01)).toEqual([0, 1]);
  });
});

describe('nearDuplicates', () => {
  it('compares an item only with representatives sharing a bucket, so 1,000 copies cost 999 checks', () => {
    let checks = 0;
    const items = Array.from({ length: 1000 }, () => 'same');
    const groups = nearDuplicates(
      items,
      () => ['k1', 'k2'],
      () => {
        checks++;
        return 1;
      },
      0.5,
    );
    expect(groups.every((g) => g === 0)).toBe(true);
    expect(checks).toBe(999);
  });

  it('joins the most similar representative, not a chain through duplicates', () => {
    const values = [0, 10, 4];
    const groups = nearDuplicates(
      values,
      () => ['all'],
      (a, b) => 1 - Math.abs(a - b) / 10,
      0.5,
    );
    // 4 is closer to 0 (0.6) than to 10 (0.4): joins 0.
    expect(groups).toEqual([0, 1, 0]);
  });
});

describe('embeddingNearDuplicates', () => {
  const unit = (xs: number[]) => {
    const n = Math.hypot(...xs);
    return Float32Array.from(xs.map((x) => x / n));
  };

  it('groups vectors above the cosine threshold', () => {
    const a = unit([1, 0.2, 0, 0.1]);
    const b = unit([1, 0.21, 0, 0.1]);
    const c = unit([0, 1, 0.3, 0]);
    expect(cosine(a, b)).toBeGreaterThan(0.99);
    expect(embeddingNearDuplicates([a, c, b])).toEqual([0, 1, 0]);
    expect(embeddingNearDuplicates([a, c, b], 0.99999)).toEqual([0, 1, 2]);
  });

  it('puts identical vectors in the same buckets', () => {
    const v = unit([0.3, -0.2, 0.5, 0.1, 0.7]);
    expect(hyperplaneBandKeys(v)).toEqual(hyperplaneBandKeys(Float32Array.from(v)));
    expect(hyperplaneBandKeys(v)).toHaveLength(16);
  });
});

/**
 * Near-duplicate detection over a bounded set of verbatims (one emerging-theme sample, one theme's
 * examples): copy-pasted or templated answers, the same customer submitting twice, bots. Each item,
 * in order, is compared only with the earlier *representatives* it shares an LSH bucket with, and
 * becomes a duplicate of the most similar one at or above the threshold, else a representative
 * itself. So the cost grows with bucket collisions, not with the square of the set, and a
 * duplicate is always directly similar to the item it names (no chains A≈B≈C with A far from C).
 */
import { cosineSimilarity } from '../backends/embedding-theme-matcher.js';
import { hyperplaneBandKeys } from './hyperplanes.js';
import { minhashBandKeys } from './minhash.js';
import { jaccard, shingles } from './shingles.js';

/**
 * Jaccard similarity of character 5-grams at or above which two texts are near-duplicates.
 * Calibrated by `npm run eval:dedupe` (docs/quality.md) on BANKING77's training split.
 */
export const LEXICAL_DUPLICATE_THRESHOLD = 0.8;
/** Cosine of all-MiniLM-L6-v2 embeddings at or above which two texts are near-duplicates; calibrated the same way. */
export const EMBEDDING_DUPLICATE_THRESHOLD = 0.98;

/**
 * For each item, the index of the earlier item it nearly repeats, or its own index.
 * `keys` are its LSH bucket keys, `similarity` the exact check of a candidate pair.
 */
export function nearDuplicates<T>(
  items: readonly T[],
  keys: (item: T) => readonly string[],
  similarity: (a: T, b: T) => number,
  threshold: number,
): number[] {
  const buckets = new Map<string, number[]>();
  const representativeOf: number[] = [];
  items.forEach((item, i) => {
    const itemKeys = keys(item);
    const seen = new Set<number>();
    let best = -1;
    let bestSimilarity = threshold;
    for (const key of itemKeys) {
      for (const r of buckets.get(key) ?? []) {
        if (seen.has(r)) continue;
        seen.add(r);
        const s = similarity(item, items[r]);
        if (s > bestSimilarity || (s === bestSimilarity && (best < 0 || r < best))) {
          best = r;
          bestSimilarity = s;
        }
      }
    }
    representativeOf.push(best >= 0 ? best : i);
    if (best >= 0) return;
    for (const key of itemKeys) {
      const list = buckets.get(key);
      if (list) list.push(i);
      else buckets.set(key, [i]);
    }
  });
  return representativeOf;
}

/** Near-duplicates by shared character 5-grams (MinHash buckets, exact Jaccard check). */
export function lexicalNearDuplicates(texts: readonly string[], threshold = LEXICAL_DUPLICATE_THRESHOLD): number[] {
  const sets = texts.map((t) => shingles(typeof t === 'string' ? t : ''));
  return nearDuplicates(sets, minhashBandKeys, jaccard, threshold);
}

/** Near-duplicates by sentence embeddings (random-hyperplane buckets, exact cosine check). */
export function embeddingNearDuplicates(vectors: readonly Float32Array[], threshold = EMBEDDING_DUPLICATE_THRESHOLD): number[] {
  return nearDuplicates(vectors, hyperplaneBandKeys, cosineSimilarity, threshold);
}

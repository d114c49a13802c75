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
 * The search one item at a time, for callers that stream (`verbatim discover` reads a file of any
 * size): it keeps only the representatives, with their bucket keys.
 */
class NearDuplicateIndex<T> {
  private readonly buckets = new Map<string, number[]>();
  private readonly representatives = new Map<number, T>();
  private next = 0;

  constructor(
    private readonly keys: (item: T) => readonly string[],
    private readonly similarity: (a: T, b: T) => number,
    private readonly threshold: number,
  ) {}

  /** The index of the earlier representative this item nearly repeats, or its own index (it becomes one). */
  add(item: T): number {
    const i = this.next++;
    const itemKeys = this.keys(item);
    const seen = new Set<number>();
    let best = -1;
    let bestSimilarity = this.threshold;
    for (const key of itemKeys) {
      for (const r of this.buckets.get(key) ?? []) {
        if (seen.has(r)) continue;
        seen.add(r);
        const s = this.similarity(item, this.representatives.get(r) as T);
        if (s > bestSimilarity || (s === bestSimilarity && (best < 0 || r < best))) {
          best = r;
          bestSimilarity = s;
        }
      }
    }
    if (best >= 0) return best;
    this.representatives.set(i, item);
    for (const key of itemKeys) {
      const list = this.buckets.get(key);
      if (list) list.push(i);
      else this.buckets.set(key, [i]);
    }
    return i;
  }
}

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
  const index = new NearDuplicateIndex(keys, similarity, threshold);
  return items.map((item) => index.add(item));
}

/** A streaming lexical near-duplicate search: `add(text)` answers the index of the text it repeats, or its own. */
export function lexicalNearDuplicateIndex(threshold = LEXICAL_DUPLICATE_THRESHOLD): { add(text: string): number } {
  const index = new NearDuplicateIndex(minhashBandKeys, jaccard, threshold);
  return { add: (text) => index.add(shingles(typeof text === 'string' ? text : '')) };
}

/** Near-duplicates by shared character 5-grams (MinHash buckets, exact Jaccard check). */
export function lexicalNearDuplicates(texts: readonly string[], threshold = LEXICAL_DUPLICATE_THRESHOLD): number[] {
  const index = lexicalNearDuplicateIndex(threshold);
  return texts.map((t) => index.add(t));
}

/** Near-duplicates by sentence embeddings (random-hyperplane buckets, exact cosine check). */
export function embeddingNearDuplicates(vectors: readonly Float32Array[], threshold = EMBEDDING_DUPLICATE_THRESHOLD): number[] {
  return nearDuplicates(vectors, hyperplaneBandKeys, cosineSimilarity, threshold);
}

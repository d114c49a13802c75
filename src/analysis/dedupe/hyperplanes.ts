/**
 * Random-hyperplane LSH for sentence embeddings: each bit says on which side of a fixed random
 * hyperplane (±1 components from a hash, the same on every run) a vector lies; two vectors at
 * angle θ agree on a bit with probability 1 − θ/π. 16 bands of 8 bits: a pair at cosine 0.9
 * collides in some band with probability about 0.996, a pair at cosine 0.3 with about 0.2 (then rejected by the exact check).
 */
import { mix } from '../../domain/hash.js';

const BANDS = 16;
const BITS = 8;

const planeCache = new Map<number, Int8Array[]>();

function planes(dim: number): Int8Array[] {
  let cached = planeCache.get(dim);
  if (!cached) {
    cached = Array.from({ length: BANDS * BITS }, (_, p) =>
      Int8Array.from({ length: dim }, (_, j) => (mix((p << 16) ^ j ^ 0x5bd1e995) & 1 ? 1 : -1)),
    );
    planeCache.set(dim, cached);
  }
  return cached;
}

/** One key per band ("band:bits"). */
export function hyperplaneBandKeys(vector: Float32Array): string[] {
  const all = planes(vector.length);
  const keys: string[] = [];
  for (let b = 0; b < BANDS; b++) {
    let bits = 0;
    for (let k = 0; k < BITS; k++) {
      const plane = all[b * BITS + k];
      let dot = 0;
      for (let j = 0; j < vector.length; j++) dot += plane[j] * vector[j];
      bits = (bits << 1) | (dot >= 0 ? 1 : 0);
    }
    keys.push(`${b}:${bits}`);
  }
  return keys;
}

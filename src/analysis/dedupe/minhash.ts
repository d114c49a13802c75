/**
 * MinHash with banding (locality-sensitive hashing): texts whose shingle sets are similar share a
 * band key with high probability, so near-duplicate candidates come from bucket collisions instead
 * of comparing every pair. 16 bands of 4 rows: a pair at Jaccard 0.8 collides with probability
 * 1 − (1 − 0.8⁴)¹⁶ ≈ 0.9996, a pair at 0.3 with about 0.12 (then rejected by the exact check).
 */
import { mix } from '../../domain/hash.js';

const BANDS = 16;
const ROWS = 4;
const HASHES = BANDS * ROWS;
const SEEDS = Array.from({ length: HASHES }, (_, i) => mix(0x9e3779b9 + i));

/** The minimum of each of 64 seeded hashes over the set. */
function minhash(set: ReadonlySet<number>): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const x of set) {
    for (let i = 0; i < HASHES; i++) {
      const h = mix(x ^ SEEDS[i]);
      if (h < sig[i]) sig[i] = h;
    }
  }
  return sig;
}

/** One key per band ("band:rows…"); an empty set has none (it is nobody's duplicate). */
export function minhashBandKeys(set: ReadonlySet<number>): string[] {
  if (set.size === 0) return [];
  const sig = minhash(set);
  const keys: string[] = [];
  for (let b = 0; b < BANDS; b++) keys.push(`${b}:${Array.from(sig.subarray(b * ROWS, (b + 1) * ROWS)).join(',')}`);
  return keys;
}

/**
 * What two texts share, for the lexical near-duplicate check: the text normalised (case, accents,
 * punctuation and spacing do not count) and cut into overlapping character 5-grams, hashed.
 * Character grams, not words, so a typo or a changed word costs a few grams, not the whole text.
 */
import { fnv1a } from '../../domain/hash.js';

const GRAM = 5;

/** Lower case, accents stripped, every run of characters other than letters, digits and emoji one space. */
export function normaliseForDedupe(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{Extended_Pictographic}]+/gu, ' ')
    .trim();
}

/** Hashed character 5-grams of the normalised text (a shorter text is one gram); empty for a text without letters or digits. */
export function shingles(text: string): Set<number> {
  const norm = normaliseForDedupe(text);
  const out = new Set<number>();
  if (!norm) return out;
  if (norm.length <= GRAM) {
    out.add(fnv1a(norm));
    return out;
  }
  for (let i = 0; i + GRAM <= norm.length; i++) out.add(fnv1a(norm.slice(i, i + GRAM)));
  return out;
}

/** |a ∩ b| / |a ∪ b|; 0 when both are empty (two texts without words are not duplicates of each other). */
export function jaccard(a: ReadonlySet<number>, b: ReadonlySet<number>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const x of small) if (large.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

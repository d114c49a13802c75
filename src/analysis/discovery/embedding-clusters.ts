/**
 * Emerging-theme candidates by meaning: the verbatims with key phrases no taxonomy theme covers are
 * grouped by their sentence embeddings, so paraphrases without a shared word ("please add a night
 * theme", "the white screen hurts my eyes at night") can land together. Leader clustering, in input
 * order: a verbatim joins the cluster whose centroid is most similar at or above the threshold, else
 * starts one; a second pass moves each verbatim to the centroid it is now closest to. Deterministic,
 * O(verbatims × clusters). Each cluster is named by the uncovered key phrase most of its members use.
 */
import type { ThemeCandidate } from '../types.js';
import type { DiscoverOptions } from './discover.js';

/** Cosine to a cluster's centroid needed to join it; tuned by `npm run eval:dedupe` on BANKING77's training split. */
export const CLUSTER_SIMILARITY_THRESHOLD = 0.65;

export interface EmbeddingClusterOptions extends DiscoverOptions {
  /** Cosine to a centroid needed to join its cluster (default CLUSTER_SIMILARITY_THRESHOLD). */
  threshold?: number;
}

/** Cluster index of each vector (or -1 for a missing vector), by leader clustering with centroid refinement. */
export function leaderClusters(vectors: readonly (Float32Array | null)[], threshold = CLUSTER_SIMILARITY_THRESHOLD): number[] {
  const dim = vectors.find((v) => v)?.length ?? 0;
  const sums: Float64Array[] = [];
  const nearest = (v: Float32Array): { cluster: number; similarity: number } => {
    let cluster = -1;
    let similarity = -Infinity;
    const vn = norm(v);
    sums.forEach((sum, c) => {
      const s = dot(v, sum) / (vn * norm(sum) || 1);
      if (s > similarity) [cluster, similarity] = [c, s];
    });
    return { cluster, similarity };
  };
  const assigned = vectors.map((v) => {
    if (!v) return -1;
    const { cluster, similarity } = nearest(v);
    if (cluster >= 0 && similarity >= threshold) {
      add(sums[cluster], v);
      return cluster;
    }
    sums.push(Float64Array.from(v));
    return sums.length - 1;
  });
  if (dim === 0) return assigned;
  // Refinement: early members joined a young centroid; move each to the centroid it is closest to now.
  return vectors.map((v, i) => (v ? nearest(v).cluster : assigned[i]));
}

/** Candidate themes from embedding clusters of the verbatims that have uncovered key phrases. */
export function clusterCandidates(
  vectors: readonly (Float32Array | null)[],
  phrasesByDoc: readonly (readonly string[])[],
  options: EmbeddingClusterOptions = {},
): ThemeCandidate[] {
  const minCount = Math.max(1, Math.floor(options.minCount ?? 3));
  const limit = Math.max(1, Math.floor(options.limit ?? 20));
  const exampleCount = Math.max(1, Math.floor(options.examples ?? 3));
  const candidates = vectors.map((v, i) => (v && (phrasesByDoc[i]?.length ?? 0) > 0 ? v : null));
  const clusterOf = leaderClusters(candidates, options.threshold);
  const members = new Map<number, number[]>();
  clusterOf.forEach((c, doc) => {
    if (c < 0 || !candidates[doc]) return;
    const list = members.get(c);
    if (list) list.push(doc);
    else members.set(c, [doc]);
  });
  return [...members.values()]
    .filter((docs) => docs.length >= minCount)
    .map((docs) => ({ docs, phrases: rankPhrases(docs.map((d) => phrasesByDoc[d])) }))
    .sort((a, b) => b.docs.length - a.docs.length || a.phrases[0].phrase.localeCompare(b.phrases[0].phrase))
    .slice(0, limit)
    .map(({ docs, phrases }) => ({
      phrase: phrases[0].phrase,
      count: docs.length,
      relatedPhrases: phrases
        .slice(1)
        .filter((p) => p.docs >= 2)
        .map((p) => p.phrase)
        .slice(0, 10),
      exampleIndexes: [...docs].sort((a, b) => a - b).slice(0, exampleCount),
    }));
}

/** Phrases of a cluster by how many members use them; ties: more words (more specific), then alphabetical. */
function rankPhrases(phraseLists: readonly (readonly string[])[]): { phrase: string; docs: number }[] {
  const docs = new Map<string, number>();
  for (const list of phraseLists) for (const p of new Set(list)) docs.set(p, (docs.get(p) ?? 0) + 1);
  const words = (p: string) => p.split(' ').length;
  return [...docs]
    .map(([phrase, n]) => ({ phrase, docs: n }))
    .sort((a, b) => b.docs - a.docs || words(b.phrase) - words(a.phrase) || a.phrase.localeCompare(b.phrase));
}

function dot(a: Float32Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function norm(v: Float32Array | Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function add(sum: Float64Array, v: Float32Array): void {
  for (let i = 0; i < v.length; i++) sum[i] += v[i];
}

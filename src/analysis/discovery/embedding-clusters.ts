/**
 * Emerging-theme candidates by meaning: the verbatims with key phrases no taxonomy theme covers are
 * grouped by their sentence embeddings, so paraphrases in other words ("my reward points disappeared",
 * "loyalty points vanished from my account") land together where phrase folding keeps them apart. Leader clustering, in input
 * order: a verbatim joins the cluster whose centroid is most similar at or above the threshold, else
 * starts one; a second pass moves each verbatim to the centroid it is now closest to. Deterministic,
 * O(verbatims × clusters). Each cluster is named by the uncovered key phrase most of its members use
 * (on a tie, that of its most typical member).
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

interface Member {
  doc: number;
  vector: Float32Array;
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
  const members = new Map<number, Member[]>();
  clusterOf.forEach((c, doc) => {
    const vector = candidates[doc];
    if (c < 0 || !vector) return;
    const list = members.get(c);
    if (list) list.push({ doc, vector });
    else members.set(c, [{ doc, vector }]);
  });
  return [...members.values()]
    .filter((docs) => docs.length >= minCount)
    .map((list) => ({ docs: list.map((m) => m.doc), phrases: rankPhrases(list, phrasesByDoc) }))
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

/**
 * Phrases of a cluster by how many members use them; ties (often every phrase once) go to the phrase
 * of the member nearest the cluster's centroid, the most typical one, then alphabetical.
 */
function rankPhrases(members: readonly Member[], phrasesByDoc: readonly (readonly string[])[]): { phrase: string; docs: number }[] {
  const centroid = new Float64Array(members[0]?.vector.length ?? 0);
  for (const m of members) add(centroid, m.vector);
  const centroidNorm = norm(centroid) || 1;
  const stats = new Map<string, { docs: number; typical: number }>();
  for (const { doc, vector } of members) {
    const typical = dot(vector, centroid) / ((norm(vector) || 1) * centroidNorm);
    for (const p of new Set(phrasesByDoc[doc])) {
      const seen = stats.get(p);
      stats.set(p, { docs: (seen?.docs ?? 0) + 1, typical: Math.max(seen?.typical ?? -Infinity, typical) });
    }
  }
  return [...stats]
    .sort(([pa, a], [pb, b]) => b.docs - a.docs || b.typical - a.typical || pa.localeCompare(pb))
    .map(([phrase, { docs: n }]) => ({ phrase, docs: n }));
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

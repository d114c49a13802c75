/**
 * Zero-shot theme scores smoothed over unlabelled texts of the same domain (a transductive
 * "neighbour vote", as in label propagation): a text's theme distribution is the
 * similarity-weighted mean of the zero-shot distributions of its k most similar pool texts, mixed
 * with its own by `ownWeight`. No labels are read: the pool is texts the deployment (here the
 * BANKING77 train split) already holds. Measured by bench/banking77-themes.ts; the engine does not
 * do this yet (docs/quality.md, "Themes: a neighbour vote").
 */

export interface NeighbourVoteOptions {
  /** Pool texts that vote. */
  k: number;
  /** Weight of the text's own zero-shot distribution (0: the neighbours alone decide). */
  ownWeight: number;
}

/** How sharply a similarity row becomes a distribution: theme similarities differ by hundredths. */
const SIMILARITY_TEMPERATURE = 0.02;

/** Softmax of a theme-similarity row at SIMILARITY_TEMPERATURE. */
export function themeDistribution(similarities: readonly number[]): Float64Array {
  const best = Math.max(...similarities);
  const out = Float64Array.from(similarities, (s) => Math.exp((s - best) / SIMILARITY_TEMPERATURE));
  const sum = out.reduce((a, b) => a + b, 0);
  return out.map((p) => p / sum);
}

/** Indexes of the `k` pool vectors most similar to `vector` (unit vectors: dot = cosine), most similar first, with their similarities. */
export function nearest(vector: Float32Array, pool: readonly Float32Array[], k: number): { index: number; similarity: number }[] {
  const scored = pool.map((v, index) => {
    let dot = 0;
    for (let d = 0; d < v.length; d++) dot += v[d] * vector[d];
    return { index, similarity: dot };
  });
  return scored.sort((a, b) => b.similarity - a.similarity || a.index - b.index).slice(0, k);
}

/**
 * The smoothed theme distribution of one text from its nearest pool texts (as `nearest` returns
 * them, at least `k` of them) and their zero-shot distributions. Negative similarities do not vote.
 */
export function neighbourVote(
  own: Float64Array,
  neighbours: readonly { index: number; similarity: number }[],
  poolDistributions: readonly Float64Array[],
  { k, ownWeight }: NeighbourVoteOptions,
): Float64Array {
  const votes = new Float64Array(own.length);
  let total = 0;
  for (const { index, similarity } of neighbours.slice(0, k)) {
    if (similarity <= 0) continue;
    const p = poolDistributions[index];
    for (let c = 0; c < votes.length; c++) votes[c] += similarity * p[c];
    total += similarity;
  }
  if (total === 0) return own.slice();
  return votes.map((v, c) => ownWeight * own[c] + (1 - ownWeight) * (v / total));
}

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

/** Texts embedded and compared with the taxonomy's themes: unit vectors and theme-similarity rows, in one order. */
export interface EmbeddedTexts {
  vectors: readonly Float32Array[];
  similarities: readonly (readonly number[])[];
}

const argmax = (scores: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  return best;
};

/** The voted top theme (an index into the similarity rows) of each query text. */
export function neighbourVoteTop1(queries: EmbeddedTexts, pool: EmbeddedTexts, options: NeighbourVoteOptions): number[] {
  const distributions = pool.similarities.map(themeDistribution);
  return queries.vectors.map((v, i) =>
    argmax(neighbourVote(themeDistribution(queries.similarities[i]), nearest(v, pool.vectors, options.k), distributions, options)),
  );
}

/**
 * The k and own weight with the best top-1 on labelled dev texts (`gold`: theme indexes), each dev
 * text voted on by the pool without the dev texts (`devInPool`: their pool indexes).
 */
export function chooseNeighbourVote(
  dev: EmbeddedTexts & { gold: readonly number[] },
  pool: EmbeddedTexts,
  devInPool: ReadonlySet<number>,
): NeighbourVoteOptions & { devTop1: number } {
  const voters = pool.vectors.map((_, i) => i).filter((i) => !devInPool.has(i));
  const voterVectors = voters.map((i) => pool.vectors[i]);
  const voterDistributions = voters.map((i) => themeDistribution(pool.similarities[i]));
  const ks = [20, 40, 80, 160];
  const neighbours = dev.vectors.map((v) => nearest(v, voterVectors, Math.max(...ks)));
  const own = dev.similarities.map(themeDistribution);
  let best = { k: ks[0], ownWeight: 0, devTop1: -1 };
  for (const k of ks) {
    for (const ownWeight of [0, 0.15, 0.3]) {
      let right = 0;
      dev.vectors.forEach((_, i) => {
        const scores = neighbourVote(own[i], neighbours[i], voterDistributions, { k, ownWeight });
        if (argmax(scores) === dev.gold[i]) right++;
      });
      if (right / dev.vectors.length > best.devTop1) best = { k, ownWeight, devTop1: right / dev.vectors.length };
    }
  }
  return best;
}

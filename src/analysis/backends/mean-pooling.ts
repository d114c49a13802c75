/**
 * Sentence embeddings from a BERT encoder's output: the mean of the hidden states of the attended
 * positions, L2-normalised. The same arithmetic as @xenova/transformers' `mean_pooling` followed by
 * `normalize(2, -1)` (float32 results, the sum of squares kept in float32), so vectors are
 * bit-identical to its feature-extraction pipeline's; that code reads every element through a
 * Proxy and cost about 40 % of the model run itself.
 */
export function meanPooledRows(hidden: Float32Array, dims: readonly number[], attentionMask: BigInt64Array): Float32Array[] {
  const [batch, sequence, dim] = dims;
  if (dims.length !== 3 || hidden.length !== batch * sequence * dim || attentionMask.length !== batch * sequence) {
    throw new Error(`Embedding model returned shape [${dims.join(', ')}] for an attention mask of ${attentionMask.length} positions.`);
  }
  const rows: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const mask = Array.from(attentionMask.subarray(b * sequence, (b + 1) * sequence), Number);
    const count = mask.reduce((sum, m) => sum + m, 0);
    const row = new Float32Array(dim);
    const offset = b * sequence * dim;
    for (let k = 0; k < dim; k++) {
      let sum = 0;
      for (let j = 0; j < sequence; j++) sum += hidden[offset + k + j * dim] * mask[j];
      row[k] = sum / count;
    }
    let squares = 0;
    for (let k = 0; k < dim; k++) squares = Math.fround(squares + row[k] ** 2);
    const norm = Math.fround(squares ** 0.5);
    for (let k = 0; k < dim; k++) row[k] /= norm;
    rows.push(row);
  }
  return rows;
}

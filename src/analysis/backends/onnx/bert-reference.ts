/**
 * A plain TypeScript forward pass of a BERT sentence encoder, written
 * independently of the ONNX graph and of onnxruntime, to check a converted
 * model: the same weights must give the same sentence embeddings.
 *
 * It is slow (nested loops, float64 sums over float32 weights) and handles one
 * unpadded sequence at a time, which is all a check needs. Its tokenizer is a
 * basic BERT WordPiece for plain ASCII text, again independent of the library.
 */
import type { BertWeights, DenseWeights, LayerNormWeights } from './bert-weights.js';

/** Rows of a [rows, width] matrix stored flat. */
interface Matrix {
  rows: number;
  width: number;
  data: Float64Array;
}

function denseForward(x: Matrix, w: DenseWeights): Matrix {
  const out = new Float64Array(x.rows * w.outFeatures);
  for (let r = 0; r < x.rows; r++) {
    const xOffset = r * w.inFeatures;
    for (let o = 0; o < w.outFeatures; o++) {
      let sum = w.bias[o];
      const wOffset = o * w.inFeatures;
      for (let i = 0; i < w.inFeatures; i++) sum += x.data[xOffset + i] * w.weight[wOffset + i];
      out[r * w.outFeatures + o] = sum;
    }
  }
  return { rows: x.rows, width: w.outFeatures, data: out };
}

function addLayerNorm(x: Matrix, residual: Matrix, w: LayerNormWeights, eps: number): Matrix {
  const out = new Float64Array(x.data.length);
  for (let r = 0; r < x.rows; r++) {
    const o = r * x.width;
    let mean = 0;
    for (let i = 0; i < x.width; i++) mean += x.data[o + i] + residual.data[o + i];
    mean /= x.width;
    let variance = 0;
    for (let i = 0; i < x.width; i++) variance += (x.data[o + i] + residual.data[o + i] - mean) ** 2;
    const scale = 1 / Math.sqrt(variance / x.width + eps);
    for (let i = 0; i < x.width; i++) out[o + i] = (x.data[o + i] + residual.data[o + i] - mean) * scale * w.weight[i] + w.bias[i];
  }
  return { rows: x.rows, width: x.width, data: out };
}

/** erf by its Maclaurin series (|x| < 3) and continued fraction beyond; far below float32 error. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 80; n++) {
      term *= (-ax * ax) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...))))
  let fraction = ax;
  for (let n = 60; n >= 1; n--) fraction = ax + n / 2 / fraction;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / fraction;
  return Math.sign(x) * (1 - erfc);
}

function selfAttention(x: Matrix, query: Matrix, key: Matrix, value: Matrix, heads: number): Matrix {
  const headSize = x.width / heads;
  const scale = 1 / Math.sqrt(headSize);
  const out = new Float64Array(x.rows * x.width);
  const scores = new Float64Array(x.rows);
  for (let h = 0; h < heads; h++) {
    const offset = h * headSize;
    for (let i = 0; i < x.rows; i++) {
      let max = -Infinity;
      for (let j = 0; j < x.rows; j++) {
        let dot = 0;
        for (let d = 0; d < headSize; d++) dot += query.data[i * x.width + offset + d] * key.data[j * x.width + offset + d];
        scores[j] = dot * scale;
        max = Math.max(max, scores[j]);
      }
      let total = 0;
      for (let j = 0; j < x.rows; j++) total += scores[j] = Math.exp(scores[j] - max);
      for (let j = 0; j < x.rows; j++) {
        const p = scores[j] / total;
        for (let d = 0; d < headSize; d++) out[i * x.width + offset + d] += p * value.data[j * x.width + offset + d];
      }
    }
  }
  return { rows: x.rows, width: x.width, data: out };
}

/** The last hidden state of one sequence of token ids (token type 0, no padding). */
function bertHiddenStates(weights: BertWeights, tokenIds: number[]): Matrix {
  const { config } = weights;
  const H = config.hidden_size;
  if (tokenIds.length > config.max_position_embeddings)
    throw new Error(`sequence of ${tokenIds.length} tokens exceeds ${config.max_position_embeddings} positions`);
  const summed = new Float64Array(tokenIds.length * H);
  tokenIds.forEach((id, position) => {
    for (let i = 0; i < H; i++) {
      summed[position * H + i] =
        weights.wordEmbeddings[id * H + i] + weights.positionEmbeddings[position * H + i] + weights.tokenTypeEmbeddings[i];
    }
  });
  const zero: Matrix = { rows: tokenIds.length, width: H, data: new Float64Array(summed.length) };
  let hidden = addLayerNorm({ rows: tokenIds.length, width: H, data: summed }, zero, weights.embeddingLayerNorm, config.layer_norm_eps);
  for (const layer of weights.layers) {
    const context = selfAttention(
      hidden,
      denseForward(hidden, layer.query),
      denseForward(hidden, layer.key),
      denseForward(hidden, layer.value),
      config.num_attention_heads,
    );
    const attended = addLayerNorm(denseForward(context, layer.attentionOutput), hidden, layer.attentionLayerNorm, config.layer_norm_eps);
    const intermediate = denseForward(attended, layer.intermediate);
    for (let i = 0; i < intermediate.data.length; i++) {
      const v = intermediate.data[i];
      intermediate.data[i] = 0.5 * v * (1 + erf(v / Math.SQRT2));
    }
    hidden = addLayerNorm(denseForward(intermediate, layer.output), attended, layer.outputLayerNorm, config.layer_norm_eps);
  }
  return hidden;
}

/** Mean of the token vectors, L2-normalised: the sentence-transformers embedding. */
export function bertSentenceEmbedding(weights: BertWeights, tokenIds: number[]): Float32Array {
  const hidden = bertHiddenStates(weights, tokenIds);
  const mean = new Float64Array(hidden.width);
  for (let r = 0; r < hidden.rows; r++) for (let i = 0; i < hidden.width; i++) mean[i] += hidden.data[r * hidden.width + i] / hidden.rows;
  const norm = Math.sqrt(mean.reduce((s, v) => s + v * v, 0)) || 1;
  return Float32Array.from(mean, (v) => v / norm);
}

/**
 * Uncased BERT WordPiece for plain ASCII text: lower-case, split on whitespace
 * and punctuation, greedy longest-match sub-words with "##", wrapped in [CLS] … [SEP].
 */
export function wordPieceIds(text: string, vocab: Record<string, number>): number[] {
  const id = (token: string): number => {
    const v = vocab[token];
    if (v === undefined) throw new Error(`vocabulary has no ${token}`);
    return v;
  };
  const ids = [id('[CLS]')];
  for (const word of text.toLowerCase().match(/[a-z0-9]+|[^\sa-z0-9]/g) ?? []) {
    const pieces: number[] = [];
    let start = 0;
    while (start < word.length) {
      let end = word.length;
      let found: number | undefined;
      while (end > start) {
        found = vocab[(start > 0 ? '##' : '') + word.slice(start, end)];
        if (found !== undefined) break;
        end--;
      }
      if (found === undefined) {
        pieces.length = 0;
        pieces.push(id('[UNK]'));
        break;
      }
      pieces.push(found);
      start = end;
    }
    ids.push(...pieces);
  }
  ids.push(id('[SEP]'));
  return ids;
}

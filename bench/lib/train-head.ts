/**
 * Trains the transformer engine's sentiment head (src/analysis/backends/sentiment-head.ts): a
 * 3-class logistic regression over sentence embeddings, L2-regularised, mini-batch AdaGrad over a
 * seeded shuffle, with the lexical model's example weights (each corpus group about equal, classes
 * balanced). Features are standardised while training and the scaling is folded into the weights,
 * so the shipped head is a plain W·x + b on the raw embedding. Used by `npm run train:head` (the
 * shipped head) and `npm run eval` (one head per held-out group), so both train the same way.
 */
import { prng, shuffleInPlace } from '../../src/domain/prng.js';
import type { SentimentHeadData } from '../../src/analysis/backends/sentiment-head.js';
import { exampleWeights } from './train.js';

export interface HeadExample {
  vector: Float32Array;
  /** 0 negative, 1 neutral, 2 positive. */
  label: number;
  group: string;
}

export interface HeadTrainOptions {
  epochs: number;
  learningRate: number;
  /** L2 strength per mini-batch update, on standardised features. */
  l2: number;
  /** Examples per AdaGrad update. */
  batchSize: number;
  seed: number;
}

/** Chosen before any held-out score was seen; not tuned. */
const HEAD_DEFAULTS: HeadTrainOptions = { epochs: 10, learningRate: 0.05, l2: 1e-3, batchSize: 32, seed: 20261203 };

const K = 3;

export function trainHead(
  examples: readonly HeadExample[],
  embeddingModel: string,
  lexicalWeight: number,
  options: HeadTrainOptions = HEAD_DEFAULTS,
): SentimentHeadData {
  if (examples.length === 0) throw new Error('no examples to train the sentiment head on');
  const dim = examples[0].vector.length;
  const n = examples.length;
  // Standardise: mean 0, variance 1 per dimension.
  const mean = new Float64Array(dim);
  const sd = new Float64Array(dim);
  for (const e of examples) for (let j = 0; j < dim; j++) mean[j] += e.vector[j] / n;
  for (const e of examples) for (let j = 0; j < dim; j++) sd[j] += (e.vector[j] - mean[j]) ** 2 / n;
  for (let j = 0; j < dim; j++) sd[j] = Math.sqrt(sd[j]) || 1;
  const x = new Float64Array(n * dim);
  examples.forEach((e, i) => {
    for (let j = 0; j < dim; j++) x[i * dim + j] = (e.vector[j] - mean[j]) / sd[j];
  });

  const w = new Float64Array(K * dim);
  const b = new Float64Array(K);
  const gw = new Float64Array(K * dim).fill(1e-8);
  const gb = new Float64Array(K).fill(1e-8);
  const weights = exampleWeights(examples);
  const order = examples.map((_, i) => i);
  const random = prng(options.seed);
  const z = new Float64Array(K);
  const lr = options.learningRate;

  const gradW = new Float64Array(K * dim);
  const gradB = new Float64Array(K);
  const step = () => {
    for (let c = 0; c < K; c++) {
      gb[c] += gradB[c] * gradB[c];
      b[c] -= (lr * gradB[c]) / Math.sqrt(gb[c]);
    }
    for (let k = 0; k < K * dim; k++) {
      const g = gradW[k] + options.l2 * w[k];
      gw[k] += g * g;
      w[k] -= (lr * g) / Math.sqrt(gw[k]);
    }
    gradW.fill(0);
    gradB.fill(0);
  };
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (let at = 0; at < n; at += options.batchSize) {
      const batch = order.slice(at, at + options.batchSize);
      for (const idx of batch) {
        const row = idx * dim;
        for (let c = 0; c < K; c++) {
          let s = b[c];
          for (let j = 0; j < dim; j++) s += w[c * dim + j] * x[row + j];
          z[c] = s;
        }
        const max = Math.max(z[0], z[1], z[2]);
        let sum = 0;
        for (let c = 0; c < K; c++) sum += z[c] = Math.exp(z[c] - max);
        for (let c = 0; c < K; c++) {
          const g = (weights[idx] * (z[c] / sum - (c === examples[idx].label ? 1 : 0))) / batch.length;
          gradB[c] += g;
          for (let j = 0; j < dim; j++) gradW[c * dim + j] += g * x[row + j];
        }
      }
      step();
    }
  }

  // Fold the standardisation in: w·((v − mean)/sd) + b = (w/sd)·v + (b − Σ w·mean/sd).
  const r7 = (v: number) => Math.round(v * 1e7) / 1e7;
  const outW = new Array<number>(K * dim);
  const outB = new Array<number>(K);
  for (let c = 0; c < K; c++) {
    let shift = 0;
    for (let j = 0; j < dim; j++) {
      const k = c * dim + j;
      outW[k] = r7(w[k] / sd[j]);
      shift += (w[k] * mean[j]) / sd[j];
    }
    outB[c] = r7(b[c] - shift);
  }
  return {
    version: 1,
    embeddingModel,
    dim,
    weights: outW,
    bias: outB,
    lexicalWeight,
    trainedOn: [...new Set(examples.map((e) => e.group))].sort(),
  };
}

const CLASS_INDEX: Record<string, number> = { negative: 0, neutral: 1, positive: 2 };

/** Head examples from labelled texts whose embeddings are cached (`vectorOf` returns them). */
export function headExamples(
  texts: readonly { text: string; label: string; group: string }[],
  vectorOf: (text: string) => Float32Array | undefined,
): HeadExample[] {
  return texts.map((t) => {
    const vector = vectorOf(t.text);
    if (!vector) throw new Error(`no cached embedding for a training text of ${t.group}; embed the training texts first`);
    return { vector, label: CLASS_INDEX[t.label], group: t.group };
  });
}

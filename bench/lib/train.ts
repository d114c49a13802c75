/**
 * Trains the learned sentiment model (src/analysis/sentiment/learned.ts): multinomial logistic
 * regression with L2, AdaGrad, a seeded shuffle, then int8 quantisation of the hashed weights.
 * Used by `npm run train` (the shipped model, all corpora) and by `npm run eval` (one model per
 * held-out corpus), so both train exactly the same way.
 */
import { prng, shuffleInPlace } from '../../src/domain/prng.js';
import {
  CLASSES,
  N_CLASSES,
  N_DENSE,
  logits,
  softmax,
  type SentimentModel,
  type SentimentModelData,
} from '../../src/analysis/sentiment/learned.js';
import { learnedSentimentInputs } from '../../src/analysis/analyze.js';
import type { Label } from './datasets.js';
import type { AspectSentence, SentimentItem } from './corpora.js';

export interface Example {
  hashes: number[];
  dense: Float32Array;
  label: number;
  group: string;
}

export interface TrainOptions {
  hashBits: number;
  epochs: number;
  /** L2 strength per example update. */
  l2: number;
  learningRate: number;
  seed: number;
}

export const TRAIN_DEFAULTS: TrainOptions = { hashBits: 18, epochs: 3, l2: 1e-6, learningRate: 0.2, seed: 20261202 };

const labelIndex = (l: Label) => CLASSES.indexOf(l);

/** Whole-text examples. */
export function textExamples(items: readonly SentimentItem[], group: string): Example[] {
  return items.map((it) => {
    const f = learnedSentimentInputs(it.text).text;
    return { hashes: f.hashes, dense: f.dense, label: labelIndex(it.label), group };
  });
}

/** Clause examples: the clause that holds each aspect term, labelled with the term's polarity. */
export function aspectClauseExamples(sentences: readonly AspectSentence[], group: string): Example[] {
  const out: Example[] = [];
  for (const s of sentences) {
    if (s.aspects.length === 0) continue;
    const inputs = learnedSentimentInputs(s.text);
    for (const a of s.aspects) {
      const i = inputs.clauseSpans.findIndex((span) => a.from >= span.start && a.from < span.end);
      if (i < 0) continue;
      const f = inputs.clauses[i];
      out.push({ hashes: f.hashes, dense: f.dense, label: labelIndex(a.polarity), group });
    }
  }
  return out;
}

/**
 * Example weights: every group counts about as much as the others whatever its size (a square-root
 * compromise, so 14,000 tweets do not drown 1,000 reviews), and within the whole set each class
 * weighs the same, because macro-F1 rewards every class alike.
 */
export function exampleWeights(examples: readonly Pick<Example, 'group' | 'label'>[]): Float64Array {
  const perGroup = new Map<string, number>();
  for (const e of examples) perGroup.set(e.group, (perGroup.get(e.group) ?? 0) + 1);
  const w = new Float64Array(examples.length);
  const classMass = new Float64Array(N_CLASSES);
  examples.forEach((e, i) => {
    w[i] = 1 / Math.sqrt(perGroup.get(e.group)!);
    classMass[e.label] += w[i];
  });
  const totalMass = classMass.reduce((a, b) => a + b, 0);
  let sum = 0;
  examples.forEach((e, i) => {
    w[i] *= totalMass / (N_CLASSES * classMass[e.label]);
    sum += w[i];
  });
  const norm = examples.length / sum;
  for (let i = 0; i < w.length; i++) w[i] *= norm;
  return w;
}

export function train(examples: readonly Example[], options: TrainOptions = TRAIN_DEFAULTS): SentimentModelData {
  const size = (1 << options.hashBits) * N_CLASSES;
  const model: SentimentModel = {
    mask: (1 << options.hashBits) - 1,
    hashed: new Float32Array(size),
    dense: new Float32Array(N_DENSE * N_CLASSES),
    bias: new Float32Array(N_CLASSES),
    trainedOn: [],
  };
  const gHashed = new Float32Array(size).fill(1e-8);
  const gDense = new Float64Array(N_DENSE * N_CLASSES).fill(1e-8);
  const gBias = new Float64Array(N_CLASSES).fill(1e-8);
  const weights = exampleWeights(examples);
  const order = examples.map((_, i) => i);
  const random = prng(options.seed);
  const lr = options.learningRate;
  const grad = new Float64Array(N_CLASSES);

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const idx of order) {
      const e = examples[idx];
      const p = softmax(logits(model, e.hashes, e.dense));
      for (let c = 0; c < N_CLASSES; c++) grad[c] = weights[idx] * (p[c] - (c === e.label ? 1 : 0));
      for (let c = 0; c < N_CLASSES; c++) {
        gBias[c] += grad[c] * grad[c];
        model.bias[c] -= (lr * grad[c]) / Math.sqrt(gBias[c]);
      }
      for (let j = 0; j < N_DENSE; j++) {
        const x = e.dense[j];
        if (x === 0) continue;
        for (let c = 0; c < N_CLASSES; c++) {
          const k = j * N_CLASSES + c;
          const g = grad[c] * x + options.l2 * model.dense[k];
          gDense[k] += g * g;
          model.dense[k] -= (lr * g) / Math.sqrt(gDense[k]);
        }
      }
      if (e.hashes.length === 0) continue;
      const v = 1 / Math.sqrt(e.hashes.length);
      for (const h of e.hashes) {
        const b = (h & model.mask) * N_CLASSES;
        for (let c = 0; c < N_CLASSES; c++) {
          const k = b + c;
          const g = grad[c] * v + options.l2 * model.hashed[k];
          gHashed[k] += g * g;
          model.hashed[k] -= (lr * g) / Math.sqrt(gHashed[k]);
        }
      }
    }
  }
  return quantise(model, options.hashBits, [...new Set(examples.map((e) => e.group))].sort());
}

/** int8 hashed weights with one scale (the 99.99th percentile, so a few outliers cannot flatten the rest). */
function quantise(model: SentimentModel, hashBits: number, trainedOn: string[]): SentimentModelData {
  const abs = Float32Array.from(model.hashed, Math.abs).sort();
  const cap = abs[Math.floor(abs.length * 0.9999)] || 1e-6;
  const scale = cap / 127;
  const q = new Int8Array(model.hashed.length);
  for (let i = 0; i < q.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(model.hashed[i] / scale)));
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    version: 1,
    hashBits,
    scale,
    hashed: Buffer.from(q.buffer).toString('base64'),
    dense: Array.from(model.dense, r6),
    bias: Array.from(model.bias, r6),
    trainedOn,
  };
}

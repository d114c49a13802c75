/**
 * Learned sentiment: a multinomial logistic regression over hashed word, negated-word, bigram and
 * character n-gram features plus the rules' own evidence (lexicon score, negation, contrast, churn),
 * trained by `npm run train` (scripts/train-sentiment-model.ts) on public corpora and shipped as data
 * (data/sentiment-model.json: int8-quantised weights, base64). The rules find the cues; the learned
 * weights decide how much they and the plain words count. Feature extraction lives here so training
 * and analysis can never disagree about it.
 */
import modelData from '../data/sentiment-model.json' with { type: 'json' };
import type { SentimentLabel } from '../types.js';
import type { Clause } from '../text/clauses.js';
import type { Token } from '../text/tokenize.js';
import type { ClauseScore } from './score.js';
import { labelOf, normalizeScore } from './score.js';
import { sentimentModel as M } from './lexicon.js';

/** Class order of every probability vector and weight row. */
export const CLASSES: readonly SentimentLabel[] = ['negative', 'neutral', 'positive'];
export const N_CLASSES = 3;
/** Dense (rule) features, in order; see ruleFeatures. */
export const N_DENSE = 9;

/** The shipped file's layout. */
export interface SentimentModelData {
  version: number;
  hashBits: number;
  /** Hashed weights are int8 × scale, feature-major (bucket * 3 + class), base64. */
  scale: number;
  hashed: string;
  dense: number[];
  bias: number[];
  trainedOn: string[];
}

export interface SentimentModel {
  mask: number;
  hashed: Float32Array;
  dense: Float32Array;
  bias: Float32Array;
  trainedOn: readonly string[];
}

export function modelFromData(data: SentimentModelData): SentimentModel {
  const bytes = Buffer.from(data.hashed, 'base64');
  const q = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = (1 << data.hashBits) * N_CLASSES;
  if (q.length !== size || data.dense.length !== N_DENSE * N_CLASSES || data.bias.length !== N_CLASSES) {
    throw new Error('sentiment model data does not match the feature layout; run npm run train');
  }
  const hashed = new Float32Array(size);
  for (let i = 0; i < size; i++) hashed[i] = q[i] * data.scale;
  return {
    mask: (1 << data.hashBits) - 1,
    hashed,
    dense: Float32Array.from(data.dense),
    bias: Float32Array.from(data.bias),
    trainedOn: data.trainedOn,
  };
}

/** The model trained on every corpus, loaded once at import. */
export const shippedModel: SentimentModel = modelFromData(modelData);

// FNV-1a, 32 bit. Feature kinds get distinct seeds so "w:good" and "c:good" land apart.
const FNV_PRIME = 16777619;
function hashString(seed: number, s: string, h = seed): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}
const SEED_WORD = 2166136261;
const SEED_NEG = 0x811c9dc5 ^ 0x5bd1e995;
const SEED_BIGRAM = 0x811c9dc5 ^ 0x1b873593;
const SEED_CHAR = 0x811c9dc5 ^ 0x27d4eb2f;
const SEED_MARK = 0x811c9dc5 ^ 0x165667b1;

/** Character n-grams of "<word>", 3 to 5 long, hashed without building substrings. */
function charGrams(word: string, out: number[]): void {
  const padded = word.length + 2;
  const at = (i: number) => (i === 0 ? 60 : i === padded - 1 ? 62 : word.charCodeAt(i - 1));
  for (let n = 3; n <= 5; n++) {
    for (let s = 0; s + n <= padded; s++) {
      let h = Math.imul(SEED_CHAR ^ n, FNV_PRIME);
      for (let k = s; k < s + n; k++) h = Math.imul(h ^ at(k), FNV_PRIME);
      out.push(h >>> 0);
    }
  }
}

/** Hashes of one word's own features (word or negated word, character n-grams), memoised: words repeat. */
const wordCache = new Map<string, Uint32Array>();
const WORD_CACHE_MAX = 50_000;
function wordHashes(w: string, negated: boolean): Uint32Array {
  const key = negated ? `!${w}` : w;
  let cached = wordCache.get(key);
  if (!cached) {
    const out = [hashString(negated ? SEED_NEG : SEED_WORD, w)];
    if (w.length > 2) charGrams(w, out);
    cached = Uint32Array.from(out);
    if (wordCache.size >= WORD_CACHE_MAX) wordCache.clear();
    wordCache.set(key, cached);
  }
  return cached;
}

/**
 * Hashed features of one token range (a clause): words (marked when inside a negation's scope,
 * which ends at punctuation as in the rules), word bigrams, character n-grams, emoji, ! and ?.
 * Pushes raw 32-bit hashes; the model masks them to its size.
 */
function hashedFeatures(tokens: readonly Token[], from: number, to: number, out: number[]): void {
  let negation = 0;
  let prev = '';
  for (let i = from; i < to; i++) {
    const t = tokens[i];
    if (t.kind === 'word') {
      const w = t.norm;
      for (const h of wordHashes(w, negation > 0)) out.push(h);
      out.push(hashString(SEED_BIGRAM, w, hashString(SEED_BIGRAM, prev)));
      prev = w;
      if (M.negators.has(w)) negation = M.negationWindow;
      else if (negation > 0) negation--;
    } else if (t.kind === 'emoji' || t.kind === 'emoticon') {
      out.push(hashString(SEED_MARK, t.norm));
    } else if (t.kind === 'break' || t.kind === 'punct') {
      negation = 0;
      prev = '';
      if (t.norm.includes('!')) out.push(hashString(SEED_MARK, '!'));
      if (t.norm.includes('?')) out.push(hashString(SEED_MARK, '?'));
    } else if (t.kind === 'other') {
      out.push(hashString(SEED_MARK, 'url'));
    }
  }
}

/** What the rules found in a clause or text, as the model's dense features. */
function ruleFeatures(score: ClauseScore, churnSignals: number, words: number, afterContrast: number): Float32Array {
  const label = labelOf(normalizeScore(score.raw), score.hits);
  return Float32Array.from([
    Math.tanh(score.raw / 4),
    Math.tanh(score.positive / 4),
    Math.tanh(score.negative / 4),
    score.hits === 0 ? 1 : 0,
    Math.min(churnSignals, 2) / 2,
    label === 'positive' ? 1 : 0,
    label === 'negative' ? 1 : 0,
    Math.log1p(words) / 4,
    Math.tanh(afterContrast / 4),
  ]);
}

function wordCount(tokens: readonly Token[], from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (tokens[i].kind === 'word') n++;
  return n;
}

/** Unscaled sums of the hashed weights of some features, per class. */
function hashedSums(model: SentimentModel, hashes: readonly number[]): Float64Array {
  const z = new Float64Array(N_CLASSES);
  const w = model.hashed;
  for (const h of hashes) {
    const b = (h & model.mask) * N_CLASSES;
    z[0] += w[b];
    z[1] += w[b + 1];
    z[2] += w[b + 2];
  }
  return z;
}

/**
 * Class scores (logits) from hashed sums over `count` features (L2-normalised by count) and the
 * dense rule features.
 */
function logitsFromSums(model: SentimentModel, sums: Float64Array, count: number, dense: Float32Array): Float64Array {
  const z = new Float64Array(N_CLASSES);
  const v = count > 0 ? 1 / Math.sqrt(count) : 0;
  for (let c = 0; c < N_CLASSES; c++) z[c] = model.bias[c] + v * sums[c];
  for (let j = 0; j < N_DENSE; j++) {
    const x = dense[j];
    if (x === 0) continue;
    for (let c = 0; c < N_CLASSES; c++) z[c] += x * model.dense[j * N_CLASSES + c];
  }
  return z;
}

export function logits(model: SentimentModel, hashes: readonly number[], dense: Float32Array): Float64Array {
  return logitsFromSums(model, hashedSums(model, hashes), hashes.length, dense);
}

/** Class probabilities of the whole text and of each clause, summing each clause's weights only once. */
export function predictAll(model: SentimentModel, f: SentimentFeatures): { text: Float64Array; clauses: Float64Array[] } {
  const total = new Float64Array(N_CLASSES);
  let count = 0;
  const clauses = f.clauses.map((c) => {
    const sums = hashedSums(model, c.hashes);
    for (let k = 0; k < N_CLASSES; k++) total[k] += sums[k];
    count += c.hashes.length;
    return softmax(logitsFromSums(model, sums, c.hashes.length, c.dense));
  });
  return { text: softmax(logitsFromSums(model, total, count, f.text.dense)), clauses };
}

export function softmax(z: Float64Array): Float64Array {
  const max = Math.max(z[0], z[1], z[2]);
  const p = new Float64Array(N_CLASSES);
  let sum = 0;
  for (let c = 0; c < N_CLASSES; c++) sum += p[c] = Math.exp(z[c] - max);
  for (let c = 0; c < N_CLASSES; c++) p[c] /= sum;
  return p;
}

export function argmaxLabel(p: ArrayLike<number>): SentimentLabel {
  let best = 0;
  for (let c = 1; c < N_CLASSES; c++) if (p[c] > p[best]) best = c;
  return CLASSES[best];
}

/** The features of a whole text and of each clause, from the same tokens and rule scores analyze() computes. */
export interface SentimentFeatures {
  text: { hashes: number[]; dense: Float32Array };
  clauses: { hashes: number[]; dense: Float32Array }[];
}

export function sentimentFeatures(
  tokens: readonly Token[],
  clauses: readonly Clause[],
  scores: readonly ClauseScore[],
  total: ClauseScore,
  churnSignals: number,
): SentimentFeatures {
  const all: number[] = [];
  let afterContrast = 0;
  const perClause = clauses.map((c, i) => {
    const hashes: number[] = [];
    hashedFeatures(tokens, c.from, c.to, hashes);
    for (const h of hashes) all.push(h);
    if (c.role === 'after_contrast') afterContrast += scores[i].raw;
    const ownContrast = c.role === 'after_contrast' ? scores[i].raw : 0;
    return { hashes, dense: ruleFeatures(scores[i], 0, wordCount(tokens, c.from, c.to), ownContrast) };
  });
  return {
    text: { hashes: all, dense: ruleFeatures(total, churnSignals, wordCount(tokens, 0, tokens.length), afterContrast) },
    clauses: perClause,
  };
}

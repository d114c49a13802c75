/**
 * The transformer engine's sentiment head: a 3-class logistic regression over a text's sentence
 * embedding, trained on the public corpora (`npm run train:head`) and shipped as
 * data/sentiment-head.json. Its class probabilities join the lexical engine's learned ones before
 * the rules have their say (AnalyzeOptions.textPrior), so negation, contrast and churn intent still
 * work as in the lexical engine.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ModelFilesError } from './model-files.js';
import { N_CLASSES, softmax } from '../sentiment/learned.js';

/** The shipped head, trained for all-MiniLM-L6-v2 embeddings. */
const SHIPPED_SENTIMENT_HEAD = resolve(import.meta.dirname, '../data/sentiment-head.json');

/** The file's layout. Classes are negative, neutral, positive; weights are class-major (class * dim + j). */
export interface SentimentHeadData {
  version: 1;
  /** The embedding model the head was trained on; another model's vectors mean nothing to it. */
  embeddingModel: string;
  dim: number;
  weights: number[];
  bias: number[];
  /**
   * Exponent of the lexical engine's own learned probabilities in the blend
   * p ∝ p_head × p_lexical^lexicalWeight (0: the head replaces the lexical model); chosen by the
   * training script on a corpus group both models were trained without.
   */
  lexicalWeight: number;
  /** Corpus groups the head was trained on. */
  trainedOn: string[];
}

export interface SentimentHead {
  readonly embeddingModel: string;
  readonly dim: number;
  readonly lexicalWeight: number;
  readonly trainedOn: readonly string[];
  /** Class probabilities (negative, neutral, positive) of an embedding. */
  probabilities(vector: ArrayLike<number>): Float64Array;
}

const isNumberArray = (x: unknown, length: number): x is number[] =>
  Array.isArray(x) && x.length === length && x.every((v) => typeof v === 'number' && Number.isFinite(v));

/** Checks the data's shape; `source` (a path) is named in the error. */
export function sentimentHeadFromData(data: unknown, source: string): SentimentHead {
  const d = data as Partial<SentimentHeadData> | null;
  const fail = (what: string): never => {
    throw new ModelFilesError(`Sentiment head "${source}" is corrupt: ${what}; run \`npm run train:head\` to rebuild it.`);
  };
  if (typeof d !== 'object' || d === null || d.version !== 1) return fail('not a version-1 sentiment head');
  if (typeof d.embeddingModel !== 'string' || !d.embeddingModel) return fail('embeddingModel missing');
  if (typeof d.dim !== 'number' || !Number.isInteger(d.dim) || d.dim <= 0) return fail('dim missing');
  if (!isNumberArray(d.weights, N_CLASSES * d.dim)) return fail(`weights must be ${N_CLASSES} × ${d.dim} numbers`);
  if (!isNumberArray(d.bias, N_CLASSES)) return fail(`bias must be ${N_CLASSES} numbers`);
  if (typeof d.lexicalWeight !== 'number' || !(d.lexicalWeight >= 0)) return fail('lexicalWeight missing');
  const dim = d.dim;
  const weights = Float64Array.from(d.weights);
  const bias = Float64Array.from(d.bias);
  return {
    embeddingModel: d.embeddingModel,
    dim,
    lexicalWeight: d.lexicalWeight,
    trainedOn: Array.isArray(d.trainedOn) ? d.trainedOn.map(String) : [],
    probabilities(vector) {
      if (vector.length !== dim) throw new Error(`Sentiment head "${source}" expects ${dim}-dimensional embeddings, got ${vector.length}.`);
      const z = new Float64Array(N_CLASSES);
      for (let c = 0; c < N_CLASSES; c++) {
        let s = bias[c];
        const row = c * dim;
        for (let j = 0; j < dim; j++) s += weights[row + j] * vector[j];
        z[c] = s;
      }
      return softmax(z);
    },
  };
}

/** Reads a head file; a missing or unreadable file is an error naming the path. */
export async function loadSentimentHead(path = SHIPPED_SENTIMENT_HEAD): Promise<SentimentHead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ModelFilesError(
      `Sentiment head "${path}" could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); run \`npm run train:head\` to rebuild it.`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ModelFilesError(
      `Sentiment head "${path}" is corrupt: invalid JSON (${(err as Error).message}); run \`npm run train:head\` to rebuild it.`,
    );
  }
  return sentimentHeadFromData(data, path);
}

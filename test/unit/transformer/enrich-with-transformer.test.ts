import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEmbeddingThemeMatcher,
  createTransformerBackend,
  enrichWithTransformer,
  TRANSFORMER_ENGINE,
  type EmbeddingThemeMatcher,
  type SentimentHead,
  type TransformerBackend,
} from '../../../src/analysis/backends/index.js';
import type { HeadPriors } from '../../../src/analysis/backends/enrich-with-transformer.js';
import { createTinyModelDir, TINY_EMBEDDING_MODEL, TINY_SENTIMENT_MODEL, type TinyModelDir } from '../../helpers/tiny-model-dir.js';
import { clausesOf, lexicalResult, sentiment, TEST_TAXONOMY } from './fixtures.js';

const TEXT = 'The app is great but they overcharged my card';

/** What the lexical engine would say: two clauses, no theme (no keyword of the taxonomy is present). */
function lexical() {
  return lexicalResult(TEXT, {
    sentiment: sentiment('neutral', 0.1, 0.4),
    clauses: clausesOf(TEXT, [
      ['The app is great', sentiment('positive', 0.6)],
      ['they overcharged my card', sentiment('neutral', 0, 0.3)],
    ]),
  });
}

/** The lexical result with a billing theme named in its second clause, found with `confidence`. */
function lexicalWithBilling(confidence: number) {
  const base = lexical();
  return {
    ...base,
    themes: [{ key: 'billing', label: 'Billing', confidence, sentiment: sentiment('neutral', 0), evidence: [base.clauses[1]] }],
  };
}
describe('enriching a lexical result with the transformer backend', () => {
  let models: TinyModelDir;
  let backend: TransformerBackend;
  let matcher: EmbeddingThemeMatcher;

  beforeAll(async () => {
    models = await createTinyModelDir();
    backend = await createTransformerBackend({
      modelDir: models.modelDir,
      embeddingModel: TINY_EMBEDDING_MODEL,
      sentimentModel: TINY_SENTIMENT_MODEL,
    });
    matcher = createEmbeddingThemeMatcher(TEST_TAXONOMY, backend, { threshold: 0.5 });
  });

  afterAll(async () => {
    await backend?.dispose();
    await models?.remove();
  });

  it('adds embedding-matched themes with clause evidence and model sentiment', async () => {
    const result = await enrichWithTransformer(TEXT, lexical(), matcher);
    expect(result.engine).toBe(TRANSFORMER_ENGINE);
    expect(result.themes.map((t) => t.key)).toEqual(['billing']);
    const [billing] = result.themes;
    expect(billing.evidence).toEqual([{ start: 21, end: 45, text: 'they overcharged my card' }]);
    expect(billing.sentiment.label).toBe('negative');
    expect(billing.confidence).toBeGreaterThanOrEqual(0.5);
    expect(result.clauses.map((c) => c.sentiment.label)).toEqual(['positive', 'negative']);
    expect(result.sentiment.score).not.toBe(0.1);
  });

  it('keeps the lexical sentiment when the sentiment model is switched off', async () => {
    const result = await enrichWithTransformer(TEXT, lexical(), matcher, { useSentimentModel: false });
    expect(result.sentiment).toEqual(sentiment('neutral', 0.1, 0.4));
    expect(result.themes[0].sentiment).toEqual(sentiment('neutral', 0, 0.3));
  });

  it('classifies only the whole text when clause classification is off', async () => {
    const result = await enrichWithTransformer(TEXT, lexical(), matcher, { classifyClauses: false });
    expect(result.clauses).toEqual(lexical().clauses);
    expect(result.sentiment).not.toEqual(lexical().sentiment);
  });

  /** A warmed-up matcher whose backend records each list of texts it is asked to embed from now on. */
  async function recordingMatcher() {
    const embedded: string[][] = [];
    const recording: TransformerBackend = { ...backend, embed: (texts) => (embedded.push(texts), backend.embed(texts)) };
    const recordingThemes = createEmbeddingThemeMatcher(TEST_TAXONOMY, recording, { threshold: 0.5 });
    await recordingThemes.warmUp();
    embedded.length = 0;
    return { embedded, matcher: recordingThemes };
  }

  it('embeds a text shorter than clauseEmbeddingMinChars whole, not clause by clause', async () => {
    const { embedded, matcher: wholeTextMatcher } = await recordingMatcher();
    const options = { useSentimentModel: false, clauseEmbeddingMinChars: TEXT.length + 1 };
    const result = await enrichWithTransformer(TEXT, lexical(), wholeTextMatcher, options);
    expect(embedded).toEqual([[TEXT]]);
    for (const theme of result.themes) expect(theme.evidence).toEqual([{ start: 0, end: TEXT.length, text: TEXT }]);

    embedded.length = 0;
    await enrichWithTransformer(TEXT, lexical(), wholeTextMatcher, { ...options, clauseEmbeddingMinChars: TEXT.length });
    expect(embedded).toEqual([[TEXT, 'The app is great', 'they overcharged my card']]);
  });

  it('gives the sentiment head the clauses a lexical theme is named in, even in a text embedded whole', async () => {
    const { embedded, matcher: wholeTextMatcher } = await recordingMatcher();
    const withTheme = lexicalWithBilling(0.9);
    const head: SentimentHead = {
      embeddingModel: TINY_EMBEDDING_MODEL,
      dim: 0,
      lexicalWeight: 0.5,
      trainedOn: [],
      probabilities: () => Float64Array.from([0.7, 0.2, 0.1]),
    };
    const priors: HeadPriors[] = [];
    const reanalyze = (p: HeadPriors) => (priors.push(p), withTheme);
    const options = { useSentimentModel: false, clauseEmbeddingMinChars: TEXT.length + 1, headSentiment: { head, reanalyze } };
    await enrichWithTransformer(TEXT, withTheme, wholeTextMatcher, options);
    expect(embedded).toEqual([[TEXT, 'they overcharged my card']]);
    expect(priors).toHaveLength(1);
    expect(priors[0].textPrior.lexicalWeight).toBe(0.5);
    expect(priors[0].clausePriors.probabilities.map((p) => p && Array.from(p))).toEqual([null, [0.7, 0.2, 0.1]]);
  });

  it('embeds the clauses a lexical theme is named in even without a head, to judge the theme there', async () => {
    const { embedded, matcher: wholeTextMatcher } = await recordingMatcher();
    const withTheme = lexicalWithBilling(0.6);
    const options = { useSentimentModel: false, clauseEmbeddingMinChars: TEXT.length + 1 };
    await enrichWithTransformer(TEXT, withTheme, wholeTextMatcher, options);
    expect(embedded).toEqual([[TEXT, 'they overcharged my card']]);
  });

  it('is deterministic', async () => {
    const a = await enrichWithTransformer(TEXT, lexical(), matcher);
    const b = await enrichWithTransformer(TEXT, lexical(), matcher);
    expect(b).toEqual(a);
  });

  it('leaves unsupported languages and empty texts to the lexical result', async () => {
    const french = lexicalResult('la facture est fausse', { language: { code: 'fra', supported: false } });
    expect(await enrichWithTransformer('la facture est fausse', french, matcher)).toBe(french);
    const empty = lexicalResult('  ');
    expect(await enrichWithTransformer('  ', empty, matcher)).toBe(empty);
  });
});

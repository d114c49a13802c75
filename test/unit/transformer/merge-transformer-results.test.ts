import { describe, expect, it } from 'vitest';
import {
  applyModelSentiment,
  combineSentiments,
  mergeEmbeddingThemes,
  similarityToConfidence,
  TRANSFORMER_ENGINE,
  type EmbeddingThemeScores,
} from '../../../src/analysis/backends/merge-transformer-results.js';
import type { ThemeMatch } from '../../../src/analysis/types.js';
import { clausesOf, lexicalResult, sentiment } from './fixtures.js';

const TEXT = 'The app is great but they overcharged my card';
const CLAUSES = clausesOf(TEXT, [
  ['The app is great', sentiment('positive', 0.7)],
  ['they overcharged my card', sentiment('negative', -0.6)],
]);
const THEMES = [
  { key: 'product_quality', label: 'Product quality' },
  { key: 'billing', label: 'Billing' },
  { key: 'delivery', label: 'Delivery' },
];
const PRODUCT_MATCH: ThemeMatch = {
  key: 'product_quality',
  label: 'Product quality',
  confidence: 0.6,
  sentiment: sentiment('positive', 0.7),
  evidence: [{ start: 4, end: 7, text: 'app' }],
};

/** Scores of TEXT where the embeddings prefer billing (0.7) to the lexical engine's product_quality (0.3). */
const outrankedLexicalTheme = (extra: Partial<EmbeddingThemeScores> = {}): EmbeddingThemeScores => ({
  text: TEXT,
  themes: THEMES,
  textSimilarities: [0.3, 0.7, 0.1],
  clauseSimilarities: [],
  threshold: 0.45,
  lexicalMargin: 0.3,
  ...extra,
});

function lexical() {
  return lexicalResult(TEXT, { clauses: CLAUSES, themes: [PRODUCT_MATCH], sentiment: sentiment('neutral', 0.05, 0.4) });
}

describe('merging embedding-matched themes', () => {
  it('adds a theme found only by embeddings, with the best clause as evidence and its sentiment', () => {
    const merged = mergeEmbeddingThemes(lexical(), {
      text: TEXT,
      themes: THEMES,
      textSimilarities: [0.3, 0.52, 0.1],
      clauseSimilarities: [
        [0.5, 0.1, 0.0],
        [0.1, 0.81, 0.05],
      ],
      threshold: 0.45,
    });
    const billing = merged.themes.find((t) => t.key === 'billing');
    expect(billing).toEqual({
      key: 'billing',
      label: 'Billing',
      confidence: similarityToConfidence(0.81, 0.45),
      sentiment: sentiment('negative', -0.6),
      evidence: [{ start: 21, end: 45, text: 'they overcharged my card' }],
    });
    expect(TEXT.slice(21, 45)).toBe('they overcharged my card');
    expect(merged.themes.map((t) => t.key)).toEqual(['product_quality', 'billing']);
    expect(merged.engine).toBe(TRANSFORMER_ENGINE);
  });

  it('with a margin, adds only embedding themes close to the best one (lexical themes are kept)', () => {
    const scores = {
      text: TEXT,
      themes: THEMES,
      textSimilarities: [0.3, 0.7, 0.5],
      clauseSimilarities: [
        [0.5, 0.1, 0.0],
        [0.1, 0.81, 0.78],
      ],
      threshold: 0.45,
    };
    expect(mergeEmbeddingThemes(lexical(), scores).themes.map((t) => t.key)).toEqual(['product_quality', 'billing', 'delivery']);
    expect(mergeEmbeddingThemes(lexical(), { ...scores, margin: 0.05 }).themes.map((t) => t.key)).toEqual([
      'product_quality',
      'billing',
      'delivery',
    ]);
    expect(mergeEmbeddingThemes(lexical(), { ...scores, margin: 0.02 }).themes.map((t) => t.key)).toEqual(['product_quality', 'billing']);
  });

  it('with a lexical margin, drops a lexical theme the embeddings clearly rank below the best', () => {
    const scores = { text: TEXT, themes: THEMES, textSimilarities: [0.3, 0.7, 0.1], clauseSimilarities: [], threshold: 0.45, margin: 0.05 };
    expect(mergeEmbeddingThemes(lexical(), scores).themes.map((t) => t.key)).toEqual(['product_quality', 'billing']);
    expect(mergeEmbeddingThemes(lexical(), { ...scores, lexicalMargin: 0.5 }).themes.map((t) => t.key)).toEqual([
      'product_quality',
      'billing',
    ]);
    expect(mergeEmbeddingThemes(lexical(), { ...scores, lexicalMargin: 0.3 }).themes.map((t) => t.key)).toEqual(['billing']);
    // No theme reaches the threshold: the embeddings have no opinion, the lexical theme stays.
    const unsure = { ...scores, textSimilarities: [0.1, 0.4, 0.1], lexicalMargin: 0.1 };
    expect(mergeEmbeddingThemes(lexical(), unsure).themes.map((t) => t.key)).toEqual(['product_quality']);
  });

  it('with a lexical bonus, ranks a lexical theme higher, so runners-up must come close to it', () => {
    const scores = {
      text: TEXT,
      themes: THEMES,
      textSimilarities: [0.6, 0.62, 0.1],
      clauseSimilarities: [],
      threshold: 0.45,
      margin: 0.05,
    };
    // Without the bonus billing is the best theme and product_quality is within the margin.
    expect(mergeEmbeddingThemes(lexical(), scores).themes.map((t) => t.key)).toEqual(['product_quality', 'billing']);
    // With it product_quality (found by a keyword) scores 0.7 and billing is more than 0.05 below.
    expect(mergeEmbeddingThemes(lexical(), { ...scores, lexicalBonus: 0.1 }).themes.map((t) => t.key)).toEqual(['product_quality']);
    // The bonus also counts against the lexical margin: 0.3 + 0.1 is within 0.3 of the best (0.7).
    const vetoed = { ...scores, textSimilarities: [0.3, 0.7, 0.1], lexicalMargin: 0.3 };
    expect(mergeEmbeddingThemes(lexical(), vetoed).themes.map((t) => t.key)).toEqual(['billing']);
    expect(mergeEmbeddingThemes(lexical(), { ...vetoed, lexicalBonus: 0.1 }).themes.map((t) => t.key)).toEqual([
      'product_quality',
      'billing',
    ]);
  });

  it('with a veto confidence, drops only lexical themes found with less confidence than that', () => {
    const scores = outrankedLexicalTheme({ margin: 0.05 });
    // PRODUCT_MATCH has confidence 0.6: one hit, below 0.9, so the embeddings may drop it.
    expect(mergeEmbeddingThemes(lexical(), { ...scores, lexicalVetoBelow: 0.9 }).themes.map((t) => t.key)).toEqual(['billing']);
    // A theme the lexical engine is sure of stays.
    const sure = lexicalResult(TEXT, {
      clauses: CLAUSES,
      themes: [{ ...PRODUCT_MATCH, confidence: 0.95 }],
      sentiment: sentiment('neutral', 0.05, 0.4),
    });
    expect(mergeEmbeddingThemes(sure, { ...scores, lexicalVetoBelow: 0.9 }).themes.map((t) => t.key)).toEqual([
      'product_quality',
      'billing',
    ]);
  });

  it('judges a lexical theme on the clauses it is named in, not against the whole text', () => {
    // The whole text is mostly about billing; the clause naming the app is about product quality.
    const scores = outrankedLexicalTheme();
    expect(mergeEmbeddingThemes(lexical(), scores).themes.map((t) => t.key)).toEqual(['billing']);
    const named = { ...scores, namedClauseSimilarities: [[0.6, 0.2, 0.1], null] };
    expect(mergeEmbeddingThemes(lexical(), named).themes.map((t) => t.key)).toEqual(['product_quality', 'billing']);
    // Outranked in its own clause too, it is dropped.
    const outranked = { ...scores, namedClauseSimilarities: [[0.2, 0.6, 0.1], null] };
    expect(mergeEmbeddingThemes(lexical(), outranked).themes.map((t) => t.key)).toEqual(['billing']);
  });

  it('keeps the evidence and sentiment of a theme the lexical engine found, and raises its confidence', () => {
    const merged = mergeEmbeddingThemes(lexical(), {
      text: TEXT,
      themes: THEMES,
      textSimilarities: [0.2, 0.2, 0.2],
      clauseSimilarities: [
        [0.7, 0.1, 0.1],
        [0.1, 0.1, 0.1],
      ],
      threshold: 0.45,
    });
    const product = merged.themes.find((t) => t.key === 'product_quality')!;
    expect(product.evidence).toEqual(PRODUCT_MATCH.evidence);
    expect(product.sentiment).toEqual(PRODUCT_MATCH.sentiment);
    expect(product.confidence).toBeGreaterThan(PRODUCT_MATCH.confidence);
    expect(product.confidence).toBeLessThanOrEqual(1);
    expect(merged.themes).toHaveLength(1);
  });

  it('ignores themes below the threshold and leaves the lexical result untouched', () => {
    const input = lexical();
    const snapshot = structuredClone(input);
    const merged = mergeEmbeddingThemes(input, {
      text: TEXT,
      themes: THEMES,
      textSimilarities: [0.44, 0.3, 0.1],
      clauseSimilarities: [
        [0.2, 0.2, 0.2],
        [0.2, 0.44, 0.2],
      ],
      threshold: 0.45,
    });
    expect(merged.themes).toEqual([PRODUCT_MATCH]);
    expect(input).toEqual(snapshot);
  });

  it('uses the whole text as evidence when there are no clauses', () => {
    const text = '  overcharged again ';
    const merged = mergeEmbeddingThemes(lexicalResult(text, { sentiment: sentiment('negative', -0.4) }), {
      text,
      themes: THEMES,
      textSimilarities: [0, 0.9, 0],
      clauseSimilarities: [],
      threshold: 0.45,
    });
    expect(merged.themes[0].evidence).toEqual([{ start: 2, end: 19, text: 'overcharged again' }]);
    expect(merged.themes[0].sentiment).toEqual(sentiment('negative', -0.4));
  });

  it('orders embedding-only themes by similarity', () => {
    const merged = mergeEmbeddingThemes(lexicalResult(TEXT, { clauses: CLAUSES }), {
      text: TEXT,
      themes: THEMES,
      textSimilarities: [0.5, 0.6, 0.7],
      clauseSimilarities: [],
      threshold: 0.45,
    });
    expect(merged.themes.map((t) => t.key)).toEqual(['delivery', 'billing', 'product_quality']);
  });

  it('maps similarity to confidence between 0.5 at the threshold and 0.9 at a perfect match', () => {
    expect(similarityToConfidence(0.44, 0.45)).toBe(0);
    expect(similarityToConfidence(0.45, 0.45)).toBe(0.5);
    expect(similarityToConfidence(1, 0.45)).toBe(0.9);
    expect(similarityToConfidence(0.7, 0.45)).toBeGreaterThan(similarityToConfidence(0.6, 0.45));
  });
});

describe('applying a sentiment model', () => {
  const billing: ThemeMatch = {
    key: 'billing',
    label: 'Billing',
    confidence: 0.7,
    sentiment: sentiment('neutral', 0),
    evidence: [{ start: 26, end: 37, text: 'overcharged' }],
  };

  it('overrides overall, clause and theme sentiment', () => {
    const result = applyModelSentiment(lexicalResult(TEXT, { clauses: CLAUSES, themes: [PRODUCT_MATCH, billing] }), {
      text: { label: 'negative', score: -0.3, confidence: 0.6 },
      clauses: [
        { label: 'positive', score: 0.9, confidence: 0.95 },
        { label: 'negative', score: -0.95, confidence: 0.97 },
      ],
    });
    expect(result.sentiment).toEqual(sentiment('negative', -0.3, 0.6));
    expect(result.clauses.map((c) => c.sentiment.label)).toEqual(['positive', 'negative']);
    expect(result.themes.find((t) => t.key === 'billing')!.sentiment).toEqual(sentiment('negative', -0.95, 1));
    expect(result.themes.find((t) => t.key === 'product_quality')!.sentiment).toEqual(sentiment('positive', 0.9, 1));
    expect(result.engine).toBe(TRANSFORMER_ENGINE);
  });

  it('overrides only the overall sentiment when clauses were not classified', () => {
    const input = lexicalResult(TEXT, { clauses: CLAUSES, themes: [billing] });
    const result = applyModelSentiment(input, { text: { label: 'positive', score: 0.4, confidence: 0.7 } });
    expect(result.sentiment.label).toBe('positive');
    expect(result.clauses).toEqual(CLAUSES);
    expect(result.themes).toEqual([billing]);
  });

  it('combines several clause sentiments by confidence-weighted vote and mean polarity', () => {
    expect(
      combineSentiments([sentiment('negative', -0.8, 0.9), sentiment('negative', -0.4, 0.6), sentiment('positive', 0.5, 0.5)]),
    ).toEqual(sentiment('negative', -0.233, 0.75));
    expect(combineSentiments([sentiment('negative', -0.5, 0.8), sentiment('positive', 0.5, 0.8)]).label).toBe('neutral');
  });
});

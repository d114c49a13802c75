/**
 * Pure merge of the transformer's findings into a lexical AnalysisResult:
 * themes matched by embedding similarity, and sentiment from a sentiment model.
 * No inference happens here, so the rules are unit-testable with hand-made inputs.
 */
import type { AnalysisResult, ClauseResult, Sentiment, SentimentLabel, Span, ThemeMatch } from '../types.js';
import type { ModelSentiment } from './sentiment-labels.js';

export const TRANSFORMER_ENGINE = 'transformer@1';

/** Embedding-only matches never claim certainty: a keyword hit is stronger evidence. */
const MAX_EMBEDDING_CONFIDENCE = 0.9;

export interface EmbeddingThemeScores {
  /** The analysed text (used for evidence when the lexical result has no clauses). */
  text: string;
  themes: ReadonlyArray<{ key: string; label: string }>;
  /** Similarity of the whole text to each theme, in `themes` order. */
  textSimilarities: number[];
  /** For each clause of the lexical result (same order), its similarity to each theme. */
  clauseSimilarities: number[][];
  /**
   * When `clauseSimilarities` is empty (a text embedded whole): the clauses a lexical theme is
   * named in, embedded only to judge that theme (same order as the lexical clauses, null where not
   * embedded).
   */
  namedClauseSimilarities?: ReadonlyArray<number[] | null>;
  threshold: number;
  /**
   * A theme only the embeddings found must also come within `margin` of the text's best theme
   * score, so weak runners-up are not added (unset: every theme over the threshold).
   */
  margin?: number;
  /**
   * A theme the lexical engine found is dropped when the embeddings clearly prefer others where
   * it was named: its score is more than `lexicalMargin` below the best theme's there, and the
   * best similarity reaches the threshold (unset: lexical themes are always kept).
   */
  lexicalMargin?: number;
  /**
   * Only lexical themes found with less confidence than this may be dropped by `lexicalMargin`
   * (unset: any). A theme the lexical engine is sure of (several hits) stays.
   */
  lexicalVetoBelow?: number;
  /**
   * Added to the similarity of a theme the lexical engine found when themes are ranked against
   * the best one (default 0): a keyword or synonym hit is evidence the embeddings do not see.
   */
  lexicalBonus?: number;
}

/** Maps a similarity at the threshold to 0.5 and a perfect match to MAX_EMBEDDING_CONFIDENCE. */
export function similarityToConfidence(similarity: number, threshold: number): number {
  if (similarity < threshold) return 0;
  const headroom = Math.max(1e-6, 1 - threshold);
  const confidence = 0.5 + ((MAX_EMBEDDING_CONFIDENCE - 0.5) * (similarity - threshold)) / headroom;
  return round(Math.min(MAX_EMBEDDING_CONFIDENCE, confidence));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Two independent signals agreeing: 1 − (1 − a)(1 − b). */
function combineConfidence(a: number, b: number): number {
  return round(Math.min(1, 1 - (1 - a) * (1 - b)));
}

function wholeTextSpan(text: string): Span {
  const start = text.length - text.trimStart().length;
  const end = text.trimEnd().length;
  return { start, end: Math.max(start, end), text: text.slice(start, Math.max(start, end)) };
}

function bestClauseIndex(clauseSimilarities: number[][], themeIndex: number): number {
  let best = -1;
  let bestSimilarity = -Infinity;
  clauseSimilarities.forEach((row, i) => {
    if (row[themeIndex] > bestSimilarity) {
      bestSimilarity = row[themeIndex];
      best = i;
    }
  });
  return best;
}

/** Similarities with `bonus` added to the themes the lexical engine found. */
function rankWithBonus(similarities: number[], isLexical: boolean[], bonus = 0): number[] {
  return similarities.map((similarity, i) => similarity + (isLexical[i] ? bonus : 0));
}

/**
 * Whether the embeddings clearly prefer other themes where a lexical theme was found: in every
 * input holding its evidence (those clauses when clauses were embedded, else the whole text) the
 * best theme reaches the threshold and ranks more than `lexicalMargin` above it. Judged per clause
 * because a long verbatim can be about one thing in each clause.
 */
function outrankedWhereFound(
  theme: ThemeMatch,
  themeIndex: number,
  lexical: AnalysisResult,
  scores: EmbeddingThemeScores,
  isLexical: boolean[],
): boolean {
  const margin = scores.lexicalMargin;
  if (margin === undefined || theme.confidence >= (scores.lexicalVetoBelow ?? Infinity)) return false;
  const clauses = scores.clauseSimilarities.length > 0 ? scores.clauseSimilarities : (scores.namedClauseSimilarities ?? []);
  const clauseRows = clauses.filter((row, c): row is number[] => {
    const clause = lexical.clauses[c];
    return row !== null && clause !== undefined && theme.evidence.some((e) => overlaps(clause, e));
  });
  const rows = clauseRows.length > 0 ? clauseRows : [scores.textSimilarities];
  return rows.every((row) => {
    const ranked = rankWithBonus(row, isLexical, scores.lexicalBonus);
    return Math.max(...row) >= scores.threshold && ranked[themeIndex] < Math.max(...ranked) - margin;
  });
}

/**
 * Adds themes found by embeddings. A theme the lexical engine already found
 * keeps its evidence and sentiment and gains confidence (unless `lexicalMargin`
 * vetoes it); a theme found only by embeddings takes the best-matching clause
 * as evidence and that clause's sentiment.
 */
export function mergeEmbeddingThemes(lexical: AnalysisResult, scores: EmbeddingThemeScores): AnalysisResult {
  const byKey = new Map(lexical.themes.map((t) => [t.key, t]));
  const merged = new Map<string, ThemeMatch>(byKey);
  const added: Array<{ theme: ThemeMatch; similarity: number }> = [];

  // A long verbatim about several things can match a theme in one clause only.
  const similarities = scores.themes.map((_, i) =>
    Math.max(scores.textSimilarities[i] ?? -Infinity, ...scores.clauseSimilarities.map((row) => row[i])),
  );
  const isLexical = scores.themes.map(({ key }) => byKey.has(key));
  const best = Math.max(...rankWithBonus(similarities, isLexical, scores.lexicalBonus));
  const floor = scores.margin === undefined ? -Infinity : best - scores.margin;
  for (const [i, { key }] of scores.themes.entries()) {
    const found = byKey.get(key);
    if (found && outrankedWhereFound(found, i, lexical, scores, isLexical)) merged.delete(key);
  }

  scores.themes.forEach(({ key, label }, i) => {
    const similarity = similarities[i];
    const confidence = similarityToConfidence(similarity, scores.threshold);
    if (confidence === 0) return;

    const existing = byKey.get(key);
    if (existing) {
      if (merged.has(key)) merged.set(key, { ...existing, confidence: combineConfidence(existing.confidence, confidence) });
      return;
    }
    if (similarity < floor) return;
    const clauseIndex = bestClauseIndex(scores.clauseSimilarities, i);
    const clause: ClauseResult | undefined = lexical.clauses[clauseIndex];
    const evidence: Span = clause ? { start: clause.start, end: clause.end, text: clause.text } : wholeTextSpan(scores.text);
    const sentiment: Sentiment = clause ? { ...clause.sentiment } : { ...lexical.sentiment };
    added.push({ theme: { key, label, confidence, sentiment, evidence: [evidence] }, similarity });
  });

  added.sort((a, b) => b.similarity - a.similarity);
  return {
    ...lexical,
    themes: [...merged.values(), ...added.map((a) => a.theme)],
    engine: TRANSFORMER_ENGINE,
  };
}

export interface ModelSentiments {
  /** Sentiment of the whole text. */
  text: ModelSentiment;
  /** Sentiment of each clause of the result (same order), when clauses were classified. */
  clauses?: ModelSentiment[];
}

function toSentiment(m: ModelSentiment): Sentiment {
  return { label: m.label, score: round(m.score), confidence: round(m.confidence) };
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Several clause sentiments as one: mean polarity, label by confidence-weighted vote. */
export function combineSentiments(sentiments: Sentiment[]): Sentiment {
  const votes: Record<SentimentLabel, number> = { positive: 0, neutral: 0, negative: 0 };
  for (const s of sentiments) votes[s.label] += Math.max(s.confidence, 1e-6);
  const total = votes.positive + votes.neutral + votes.negative;
  const top = Math.max(votes.positive, votes.neutral, votes.negative);
  const leaders = (['negative', 'neutral', 'positive'] as const).filter((l) => votes[l] === top);
  // A tie (e.g. as much praise as complaint) is mixed, which reads as neutral.
  const label: SentimentLabel = leaders.length === 1 ? leaders[0] : 'neutral';
  const score = sentiments.reduce((sum, s) => sum + s.score, 0) / sentiments.length;
  const confidence = top / total;
  return { label, score: round(score), confidence: round(confidence) };
}

/**
 * Replaces the lexical sentiment with the sentiment model's: the whole text,
 * each clause when clause sentiments are given, and then every theme's
 * sentiment from the clauses its evidence lies in (aspect-level sentiment).
 */
export function applyModelSentiment(result: AnalysisResult, model: ModelSentiments): AnalysisResult {
  const clauseSentiments = model.clauses && model.clauses.length === result.clauses.length ? model.clauses : undefined;
  if (!clauseSentiments) return { ...result, sentiment: toSentiment(model.text), engine: TRANSFORMER_ENGINE };

  const clauses = result.clauses.map((c, i) => ({ ...c, sentiment: toSentiment(clauseSentiments[i]) }));
  const themes = result.themes.map((theme) => {
    const related = clauses.filter((c) => theme.evidence.some((e) => overlaps(c, e)));
    return related.length > 0 ? { ...theme, sentiment: combineSentiments(related.map((c) => c.sentiment)) } : theme;
  });
  return { ...result, sentiment: toSentiment(model.text), clauses, themes, engine: TRANSFORMER_ENGINE };
}

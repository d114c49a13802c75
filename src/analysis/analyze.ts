/**
 * analyze(text, taxonomy): one verbatim in, what it is about and how the customer feels about
 * each part out. Pure and synchronous: same input, same output, nothing shared is modified.
 */
import type { AnalysisResult, ClauseResult, Sentiment, Span, ThemeMatch } from './types.js';
import type { CompiledTaxonomy } from './themes/compile.js';
import { sanitize, DEFAULT_MAX_CHARS } from './text/sanitize.js';
import { tokenize, type Token } from './text/tokenize.js';
import { splitClauses, type Clause } from './text/clauses.js';
import { detectLanguage } from './language/detect.js';
import { churnIntentValence, clauseWeight, round, scoreClause, toSentiment, type ClauseScore } from './sentiment/score.js';
import { matchThemes, type ThemeHit } from './themes/match.js';
import { extractKeyPhrases } from './keyphrases/extract.js';
import { detectChurn } from './churn/detect.js';
import { classifySentiment } from './sentiment/classifier.js';

export const ENGINE_VERSION = 'lexical@1';

export interface AnalyzeOptions {
  /** Only the first maxChars characters are analysed (default 5,000); the result says when. */
  maxChars?: number;
}

/** Themes below this combined confidence are not reported. */
export const THEME_MIN_CONFIDENCE = 0.5;
/** A clause this close to neutral says nothing about its theme's sentiment on its own. */
const ASPECT_NEUTRAL_BAND = 0.5;

const NEUTRAL_UNSURE: Sentiment = { label: 'neutral', score: 0, confidence: 0.1 };

function emptyResult(truncated: boolean, language: AnalysisResult['language'], sentiment: Sentiment): AnalysisResult {
  return { language, truncated, sentiment, clauses: [], themes: [], keyPhrases: [], churnSignals: [], engine: ENGINE_VERSION };
}

/** Most words in capitals: then capitals are the writer's habit, not emphasis. */
function isShouting(tokens: readonly Token[]): boolean {
  let words = 0;
  let caps = 0;
  for (const t of tokens) {
    if (t.kind !== 'word' || t.norm.length < 2) continue;
    words++;
    if (t.caps) caps++;
  }
  return words >= 3 && caps / words > 0.5;
}

function spanOf(tokens: readonly Token[], from: number, to: number, original: string): Span {
  let first = from;
  const last = to - 1;
  while (first < last && (tokens[first].kind === 'punct' || tokens[first].kind === 'break')) first++;
  const start = tokens[first].start;
  const end = tokens[last].end;
  return { start, end, text: original.slice(start, end) };
}

/** Aspect sentiment: the clauses that mention the theme; if they are neutral, their sentences; then the whole. */
function themeSentiment(clauseIds: ReadonlySet<number>, clauses: readonly Clause[], scores: readonly ClauseScore[], overall: Sentiment): Sentiment {
  const sum = (ids: Iterable<number>): ClauseScore => {
    const total: ClauseScore = { raw: 0, positive: 0, negative: 0, hits: 0 };
    for (const id of ids) {
      total.raw += scores[id].raw;
      total.positive += scores[id].positive;
      total.negative += scores[id].negative;
      total.hits += scores[id].hits;
    }
    return total;
  };
  const own = sum(clauseIds);
  if (Math.abs(own.raw) >= ASPECT_NEUTRAL_BAND) return toSentiment(own.raw, own.positive, own.negative, own.hits, 'aspect');
  const sentences = new Set([...clauseIds].map((c) => clauses[c].sentence));
  const sentenceClauses = clauses.map((c, i) => (sentences.has(c.sentence) ? i : -1)).filter((i) => i >= 0);
  const bySentence = sum(sentenceClauses);
  if (Math.abs(bySentence.raw) >= ASPECT_NEUTRAL_BAND) {
    const s = toSentiment(bySentence.raw, bySentence.positive, bySentence.negative, bySentence.hits, 'aspect');
    return { ...s, confidence: round(s.confidence * 0.8) };
  }
  if (own.hits === 0 && overall.label !== 'neutral') return { ...overall, confidence: round(overall.confidence * 0.6) };
  return toSentiment(own.raw, own.positive, own.negative, own.hits, 'aspect');
}

/** When the rules find no sentiment cue at all, the trained classifier may still recognise the tone. */
function classifierSentiment(tokens: readonly Token[]): Sentiment | null {
  const verdict = classifySentiment(tokens);
  if (!verdict || verdict.label === 'neutral') return null;
  // A score just past the label's cut-off: the classifier is a weaker witness than explicit cues.
  const magnitude = round(0.25 + 0.5 * (verdict.probability - 0.5));
  return {
    label: verdict.label,
    score: verdict.label === 'positive' ? magnitude : -magnitude,
    confidence: round(0.3 + 0.4 * (verdict.probability - 0.5)),
  };
}

function collectThemes(
  hits: readonly ThemeHit[],
  tokens: readonly Token[],
  clauses: readonly Clause[],
  scores: readonly ClauseScore[],
  overall: Sentiment,
  taxonomy: CompiledTaxonomy,
  original: string,
): ThemeMatch[] {
  const byTheme = new Map<number, ThemeHit[]>();
  for (const h of hits) {
    const list = byTheme.get(h.theme);
    if (list) list.push(h);
    else byTheme.set(h.theme, [h]);
  }
  const themes: (ThemeMatch & { firstAt: number })[] = [];
  for (const [index, themeHits] of byTheme) {
    let miss = 1;
    for (const h of themeHits) miss *= 1 - h.confidence;
    const confidence = round(Math.min(0.99, 1 - miss));
    if (confidence < THEME_MIN_CONFIDENCE) continue;
    const evidence = mergeSpans(themeHits.map((h) => spanOf(tokens, h.from, h.to, original)), original);
    const theme = taxonomy.themes[index];
    themes.push({
      key: theme.key,
      label: theme.label,
      confidence,
      sentiment: themeSentiment(new Set(themeHits.map((h) => h.clause)), clauses, scores, overall),
      evidence,
      firstAt: evidence[0].start,
    });
  }
  themes.sort((a, b) => b.confidence - a.confidence || a.firstAt - b.firstAt);
  return themes.map(({ firstAt: _firstAt, ...t }) => t);
}

function mergeSpans(spans: Span[], original: string): Span[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) {
      if (s.end > last.end) out[out.length - 1] = { start: last.start, end: s.end, text: original.slice(last.start, s.end) };
    } else out.push(s);
  }
  return out;
}

export function analyze(text: string, taxonomy: CompiledTaxonomy, options: AnalyzeOptions = {}): AnalysisResult {
  const clean = sanitize(text, options.maxChars ?? DEFAULT_MAX_CHARS);
  const tokens = tokenize(clean.text);
  const language = detectLanguage(clean.text, tokens);
  if (!language.supported) return emptyResult(clean.truncated, language, NEUTRAL_UNSURE);
  if (tokens.length === 0) return emptyResult(clean.truncated, language, { label: 'neutral', score: 0, confidence: 0.3 });

  const clauses = splitClauses(tokens);
  const ctx = { shouting: isShouting(tokens) };
  const scores = clauses.map((c) => scoreClause(tokens, c, ctx));

  let raw = 0;
  let positive = 0;
  let negative = 0;
  let hits = 0;
  clauses.forEach((c, i) => {
    const w = clauseWeight(c);
    raw += w * scores[i].raw;
    positive += w * scores[i].positive;
    negative += w * scores[i].negative;
    hits += scores[i].hits;
  });
  const churnSignals = detectChurn(tokens, clauses, clean.original);
  if (churnSignals.length > 0) {
    const churn = churnIntentValence(churnSignals.length);
    raw += churn;
    negative -= churn;
    hits += churnSignals.length;
  }
  const sentiment = hits > 0 ? toSentiment(raw, positive, negative, hits) : (classifierSentiment(tokens) ?? toSentiment(0, 0, 0, 0));

  const clauseResults: ClauseResult[] = clauses.map((c, i) => ({
    ...spanOf(tokens, c.from, c.to, clean.original),
    sentiment: toSentiment(scores[i].raw, scores[i].positive, scores[i].negative, scores[i].hits),
  }));
  const themeHits = matchThemes(tokens, clauses, taxonomy);

  return {
    language,
    truncated: clean.truncated,
    sentiment,
    clauses: clauseResults,
    themes: collectThemes(themeHits, tokens, clauses, scores, sentiment, taxonomy, clean.original),
    keyPhrases: extractKeyPhrases(tokens, clauses),
    churnSignals,
    engine: ENGINE_VERSION,
  };
}

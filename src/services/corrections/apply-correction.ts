/**
 * A person's correction laid over a machine analysis: the corrected themes and sentiment replace
 * the engine's, everything else (key phrases, churn signals, evidence of themes the engine also
 * found) stays. Pure, so the correction mutation and every later re-analysis apply it the same way.
 */
import type { StoredAnalysis, StoredCorrection, StoredSentiment, StoredThemeMatch } from '../../../models/response/response.entity.js';

/** Polarity given to a sentiment label a person set against the engine's label. */
const CORRECTED_SCORE: Record<StoredSentiment['label'], number> = { positive: 0.6, neutral: 0, negative: -0.6 };

type AppliedCorrection = Pick<StoredCorrection, 'themes' | 'sentiment' | 'byName' | 'at'> | null | undefined;

// An analysis in, an analysis out: callers with one need no null check.
export function applyCorrection(
  analysis: StoredAnalysis,
  correction: AppliedCorrection,
  labels: ReadonlyMap<string, string>,
): StoredAnalysis;
export function applyCorrection(
  analysis: StoredAnalysis | null,
  correction: AppliedCorrection,
  labels: ReadonlyMap<string, string>,
): StoredAnalysis | null;
export function applyCorrection(
  analysis: StoredAnalysis | null,
  correction: AppliedCorrection,
  labels: ReadonlyMap<string, string>,
): StoredAnalysis | null {
  if (!analysis || !correction) return analysis;
  const before = analysis.sentiment;
  const sentiment: StoredSentiment = correction.sentiment
    ? {
        label: correction.sentiment,
        score: correction.sentiment === before.label ? before.score : CORRECTED_SCORE[correction.sentiment],
        confidence: 1,
      }
    : before;
  // Theme mentions that simply followed the overall sentiment follow its correction; aspects
  // with a sentiment of their own (mixed verbatims) keep it.
  const follow = (s: StoredSentiment): StoredSentiment => (correction.sentiment && s.label === before.label ? { ...sentiment } : s);
  let themes: StoredThemeMatch[] = analysis.themes.map((t) => ({ ...t, sentiment: follow(t.sentiment) }));
  if (correction.themes) {
    const found = new Map(themes.map((t) => [t.key, t]));
    themes = correction.themes.map((key) => {
      const seen = found.get(key);
      if (seen) return { ...seen, label: labels.get(key) ?? seen.label, confidence: 1 };
      return { key, label: labels.get(key) ?? key, confidence: 1, sentiment: { ...sentiment }, evidence: [] };
    });
  }
  return { ...analysis, sentiment, themes, corrected: true, correctedBy: correction.byName, correctedAt: correction.at };
}

/** Theme keys for indexed filtering, once per key. */
export function themeKeysOf(analysis: StoredAnalysis | null, fallback: string[]): string[] {
  return analysis ? [...new Set(analysis.themes.map((t) => t.key))] : fallback;
}

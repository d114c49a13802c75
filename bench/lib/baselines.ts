/**
 * The baselines the engine is measured against: AFINN (`sentiment` package), VADER (`vader-sentiment`)
 * and plain keyword matching with the same taxonomy the engine uses.
 */
import { createRequire } from 'node:module';
import type { Taxonomy } from '../../src/analysis/types.js';
import type { Label } from './datasets.js';

// Neither package ships type declarations; typing just the calls used here avoids ambient module stubs.
interface AfinnAnalyzer {
  analyze(text: string): { score: number };
}
interface VaderModule {
  SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } };
}

const require = createRequire(import.meta.url);
const AfinnSentiment = require('sentiment') as new () => AfinnAnalyzer;
const vader = require('vader-sentiment') as VaderModule;
const afinn = new AfinnSentiment();

/** AFINN-165 sum of word scores; the sign is the label. */
export function afinnLabel(text: string): Label {
  const { score } = afinn.analyze(text);
  return score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral';
}

/** VADER with its authors' recommended compound thresholds (±0.05). */
export function vaderLabel(text: string): Label {
  const { compound } = vader.SentimentIntensityAnalyzer.polarity_scores(text);
  return compound >= 0.05 ? 'positive' : compound <= -0.05 ? 'negative' : 'neutral';
}

export type KeywordMatcher = (text: string) => string[];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The keyword baseline: a theme is found when one of its keywords occurs in the lowercased text as a
 * whole word or phrase (no stemming, synonyms or examples: that is what the engine adds).
 */
export function keywordMatcher(taxonomy: Taxonomy): KeywordMatcher {
  const themes = taxonomy.themes.map((theme) => {
    const phrases = theme.keywords.map((k) => k.trim().toLowerCase()).filter((k) => k.length > 0);
    const pattern = phrases.map((p) => escapeRegExp(p).replace(/\s+/g, '\\s+')).join('|');
    return { key: theme.key, re: pattern ? new RegExp(`(?<![\\p{L}\\p{N}_])(?:${pattern})(?![\\p{L}\\p{N}_])`, 'u') : null };
  });
  return (text) => {
    const lower = text.toLowerCase();
    return themes.filter((t) => t.re !== null && t.re.test(lower)).map((t) => t.key);
  };
}

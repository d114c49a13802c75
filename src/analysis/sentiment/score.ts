/**
 * Rule-based sentiment over clauses: lexicon valences adjusted for negation scope, intensifiers
 * and downtoners, capitals, elongation, wishes ("would be nice if"), feedback phrases and
 * exclamation marks; clauses are then weighed by their role (the clause after "but" counts more).
 */
import type { Sentiment, SentimentLabel } from '../types.js';
import type { Clause } from '../text/clauses.js';
import type { Token } from '../text/tokenize.js';
import { sentimentModel as M } from './lexicon.js';

export interface ClauseScore {
  /** Sum of adjusted valences on AFINN's scale. */
  raw: number;
  positive: number;
  negative: number;
  /** Number of sentiment-bearing words or phrases. */
  hits: number;
}

export interface ScoringContext {
  /** The whole text is in capitals, so capitals carry no emphasis. */
  shouting: boolean;
}

function lexicalValence(token: Token): number {
  if (token.kind === 'punct' || token.kind === 'break' || token.kind === 'number' || token.kind === 'other') return 0;
  const direct = M.valences.get(token.norm);
  if (direct !== undefined) return direct;
  if (token.lemma !== token.norm) {
    const byLemma = M.valences.get(token.lemma);
    if (byLemma !== undefined) return byLemma;
  }
  if (token.elongated) return M.valences.get(token.norm.replace(/(.)\1+/g, '$1')) ?? 0;
  return 0;
}

/** Next word token inside the clause, if any. */
function nextWord(tokens: readonly Token[], i: number, to: number): Token | undefined {
  for (let j = i + 1; j < to; j++) {
    if (tokens[j].kind === 'word') return tokens[j];
    if (tokens[j].kind !== 'punct') return undefined;
  }
  return undefined;
}

interface Modifiers {
  negated: boolean;
  factor: number;
}

/** Looks back from `anchor` for negators (within the negation window) and intensifiers (just before). */
function modifiersBefore(tokens: readonly Token[], anchor: number, from: number): Modifiers {
  let negated = false;
  let factor = 1;
  let words = 0;
  for (let j = anchor - 1; j >= from && words < M.negationWindow; j--) {
    const t = tokens[j];
    if (t.kind === 'break' || (t.kind === 'punct' && t.norm !== '-')) break;
    if (t.kind !== 'word') continue;
    words++;
    if (M.negators.has(t.norm)) {
      negated = !negated;
      break;
    }
    if (words <= 2) {
      const f = M.intensifiers.get(t.norm);
      if (f !== undefined) factor *= f;
    }
  }
  return { negated, factor };
}

/** Negators that deny a thing ("no sound") rather than an action. */
const ABSENCE = new Set(['no', 'zero', 'without']);

/**
 * Index of the plain verb or noun a negator at `i` denies ("doesn't connect", "no sound", "without
 * any check"), or -1. In feedback a denied action or an absent thing is a complaint even when no
 * sentiment word is used.
 */
function negatedAction(tokens: readonly Token[], i: number, to: number): number {
  const absence = ABSENCE.has(tokens[i].norm);
  let words = 0;
  for (let j = i + 1; j < to && words < 3; j++) {
    const t = tokens[j];
    if (t.kind !== 'word') return -1;
    words++;
    if (M.negators.has(t.norm) || lexicalValence(t) !== 0) return -1; // a sentiment word: ordinary negation
    const neutral = M.neutralWhenNegated.has(t.norm) || M.neutralWhenNegated.has(t.lemma);
    if (absence) {
      if (t.pos === 'N') return neutral ? -1 : j;
      if (t.pos !== 'A' && t.pos !== 'D') return -1;
    } else if (t.pos === 'V' || t.pos === 'W' || t.pos === 'G' || t.pos === 'A') return neutral ? -1 : j;
  }
  return -1;
}

export function scoreClause(tokens: readonly Token[], clause: Clause, ctx: ScoringContext): ClauseScore {
  let raw = 0;
  let positive = 0;
  let negative = 0;
  let hits = 0;
  /** Words left in the scope of a wish or condition ("would be nice if …"); -1 when none. */
  let wishScope = 0;
  let exclamations = 0;
  let questions = 0;
  let words = 0;
  let sarcastic = false;
  for (let i = clause.from; i < clause.to; i++) {
    const t = tokens[i];
    if (t.kind === 'word') words++;
    else if (M.sarcasmMarkers.has(t.norm)) sarcastic = true;
  }

  const add = (value: number, anchor: number, negatable: boolean, emphasis: Token | null): void => {
    const mods = modifiersBefore(tokens, anchor, clause.from);
    let v = value * mods.factor;
    if (emphasis) {
      if (emphasis.caps && !ctx.shouting) v *= M.capsFactor;
      if (emphasis.elongated) v *= M.elongationFactor;
    }
    if (negatable && mods.negated) v *= v > 0 ? M.negatedPositiveFactor : M.negatedNegativeFactor;
    else if (wishScope > 0 && v > 0) v *= M.irrealisPositiveFactor;
    if (sarcastic && v > 0) v *= M.sarcasmPositiveFactor;
    raw += v;
    if (v > 0) positive += v;
    else negative -= v;
    hits++;
  };

  for (let i = clause.from; i < clause.to;) {
    const token = tokens[i];
    if (token.kind === 'break') {
      for (const ch of token.norm) {
        if (ch === '!') exclamations++;
        else if (ch === '?') questions++;
      }
      i++;
      continue;
    }
    if (token.kind === 'punct') wishScope = 0;
    else if (token.kind === 'word' && wishScope > 0) wishScope--;
    const phrase = token.kind === 'word' || token.kind === 'number' ? M.phrases.longestAt(tokens, i, clause.to) : null;
    if (phrase) {
      if (phrase.value.valence !== 0) add(phrase.value.valence, i, !phrase.value.selfNegated, null);
      i = phrase.to;
      continue;
    }
    if (token.kind === 'word' && M.irrealis.has(token.norm)) wishScope = M.irrealisWindow;
    if (token.kind === 'word' && token.norm === 'too') {
      const next = tokens[i + 1];
      if (next && next.kind === 'word' && next.pos === 'A' && lexicalValence(next) === 0 && i + 1 < clause.to) {
        add(M.excessValence, i + 1, true, next);
        i += 2;
        continue;
      }
    }
    if (token.kind === 'word' && M.negators.has(token.norm)) {
      const action = negatedAction(tokens, i, clause.to);
      if (action >= 0) {
        add(M.negatedActionValence, action, false, null);
        i = action + 1;
        continue;
      }
    }
    let v = lexicalValence(token);
    // An intensifier that is also a lexicon word ("super helpful") only intensifies.
    if (v !== 0 && M.intensifiers.has(token.norm)) {
      const next = nextWord(tokens, i, clause.to);
      if (next && lexicalValence(next) !== 0) v = 0;
    }
    if (v !== 0) add(v, i, token.kind === 'word', token);
    i++;
  }
  // In feedback, a question that praises nothing is a complaint: "is anyone there??", "how is that allowed".
  if (questions > 0 && raw <= 0 && words >= 3) {
    raw += M.rhetoricalQuestionPenalty;
    negative -= M.rhetoricalQuestionPenalty;
    hits++;
  }
  if (exclamations > 0 && raw !== 0) {
    raw += Math.sign(raw) * M.exclamationBoost * Math.min(exclamations, M.exclamationMax);
  }
  return { raw, positive, negative, hits };
}

/** What churn signals add to the whole text's raw sentiment. */
export function churnIntentValence(signals: number): number {
  return M.churnIntentValence * Math.min(signals, M.churnIntentMax);
}

/** Squashes an AFINN-scale sum into [-1, 1] (as VADER does). */
export function normalizeScore(raw: number): number {
  if (raw === 0) return 0;
  return raw / Math.sqrt(raw * raw + M.normalizationAlpha);
}

export type Cutoffs = 'text' | 'aspect';

export function labelOf(score: number, hits: number, cutoffs: Cutoffs = 'text'): SentimentLabel {
  const t = cutoffs === 'aspect' ? M.aspectThresholds : hits >= M.evidentThresholds.minHits ? M.evidentThresholds : M.thresholds;
  if (score >= t.positive) return 'positive';
  if (score <= t.negative) return 'negative';
  return 'neutral';
}

/** Turns a raw sum and its evidence into a Sentiment with a confidence. */
export function toSentiment(raw: number, positive: number, negative: number, hits: number, cutoffs: Cutoffs = 'text'): Sentiment {
  const score = round(normalizeScore(raw));
  const label = labelOf(score, hits, cutoffs);
  let confidence: number;
  if (hits === 0)
    confidence = 0.6; // nothing evaluative was said: likely neutral
  else {
    const agreement = Math.abs(positive - negative) / Math.max(positive + negative, 1e-9);
    confidence = label === 'neutral' ? 0.35 + 0.3 * (1 - agreement) : 0.45 + 0.35 * Math.min(1, Math.abs(score)) + 0.2 * agreement;
  }
  return { label, score, confidence: round(Math.min(1, confidence)) };
}

export function clauseWeight(clause: Clause): number {
  return M.clauseWeights[clause.role];
}

/** Three decimals; never -0 (it would not survive a JSON round trip). */
export const round = (x: number): number => Math.round(x * 1000) / 1000 + 0;

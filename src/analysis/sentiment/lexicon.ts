/**
 * The sentiment knowledge base, assembled once from data: AFINN-165, natural's Pattern
 * adjective lexicon (for adjectives AFINN lacks), our feedback-domain lexicon, emoji and
 * emoticons, multi-word phrases and the modifier words (negators, intensifiers, downtoners).
 */
import lexiconData from '../data/sentiment-lexicon.json' with { type: 'json' };
import phraseData from '../data/sentiment-phrases.json' with { type: 'json' };
import modifierData from '../data/sentiment-modifiers.json' with { type: 'json' };
import emojiData from '../data/emoji.json' with { type: 'json' };
import { afinn, patternLexicon } from '../deps.js';
import { PhraseTrie } from '../match/phrase-trie.js';
import type { ClauseRole } from '../text/clauses.js';

interface SentimentPhrase {
  valence: number;
  /** The phrase carries its own negation ("no issues"), so a negator before it does not flip it. */
  selfNegated: boolean;
}

export interface SentimentModel {
  valences: ReadonlyMap<string, number>;
  phrases: PhraseTrie<SentimentPhrase>;
  negators: ReadonlySet<string>;
  intensifiers: ReadonlyMap<string, number>;
  irrealis: ReadonlySet<string>;
  negationWindow: number;
  negatedPositiveFactor: number;
  negatedNegativeFactor: number;
  irrealisPositiveFactor: number;
  irrealisWindow: number;
  /** Tokens that mark a clause as sarcastic ("Love relearning the tool 🙃"): its praise is inverted. */
  sarcasmMarkers: ReadonlySet<string>;
  sarcasmPositiveFactor: number;
  /** "doesn't connect", "can't edit": a negated action is a complaint even without sentiment words. */
  negatedActionValence: number;
  /** "too small", "too quiet": too + a neutral adjective is a complaint. */
  excessValence: number;
  /** Verbs whose negation says nothing about satisfaction ("don't know", "didn't need"). */
  neutralWhenNegated: ReadonlySet<string>;
  /** Added to a clause that asks a question without praising anything ("is anyone there??"). */
  rhetoricalQuestionPenalty: number;
  exclamationBoost: number;
  exclamationMax: number;
  capsFactor: number;
  elongationFactor: number;
  clauseWeights: Readonly<Record<ClauseRole, number>>;
  normalizationAlpha: number;
  /** Stating an intent to leave is negative whatever words are used ("CANCELLING. DONE WITH YOU."). */
  churnIntentValence: number;
  churnIntentMax: number;
  thresholds: { positive: number; negative: number };
  evidentThresholds: { minHits: number; positive: number; negative: number };
  aspectThresholds: { positive: number; negative: number };
}

function buildValences(): Map<string, number> {
  const valences = new Map<string, number>();
  // Pattern's adjective polarities are noisy; only clear ones are used, scaled to AFINN's range.
  for (const [word, entry] of Object.entries(patternLexicon)) {
    const polarity = Number(entry.polarity);
    if (entry.pos === 'JJ' && Math.abs(polarity) >= 0.5 && /^[a-z]+$/.test(word)) valences.set(word, polarity * 2.5);
  }
  for (const [word, value] of Object.entries(afinn)) if (!word.includes(' ')) valences.set(word, value);
  for (const [word, value] of Object.entries(lexiconData.words as Record<string, number>)) valences.set(word, value);
  for (const [emoji, value] of Object.entries(emojiData.emoji as Record<string, number>)) valences.set(emoji, value);
  for (const [emoticon, value] of Object.entries(emojiData.emoticons as Record<string, number>)) valences.set(emoticon, value);
  return valences;
}

function buildModel(): SentimentModel {
  const negators = new Set(modifierData.negators);
  const phrases = new PhraseTrie<SentimentPhrase>();
  for (const [pattern, valence] of Object.entries(phraseData.phrases as Record<string, number>)) {
    const selfNegated = pattern.split(/[\s|()]+/).some((w) => negators.has(w.replace(/\?$/, '')));
    phrases.add(pattern, { valence, selfNegated });
  }
  const intensifiers = new Map<string, number>();
  for (const [w, f] of Object.entries(modifierData.intensifiers as Record<string, number>)) intensifiers.set(w, f);
  for (const [w, f] of Object.entries(modifierData.downtoners as Record<string, number>)) intensifiers.set(w, f);
  return {
    valences: buildValences(),
    phrases,
    negators,
    intensifiers,
    irrealis: new Set(modifierData.irrealis),
    negationWindow: modifierData.negationWindow,
    negatedPositiveFactor: modifierData.negatedPositiveFactor,
    negatedNegativeFactor: modifierData.negatedNegativeFactor,
    irrealisPositiveFactor: modifierData.irrealisPositiveFactor,
    irrealisWindow: modifierData.irrealisWindow,
    negatedActionValence: modifierData.negatedActionValence,
    neutralWhenNegated: new Set(modifierData.neutralWhenNegated),
    excessValence: modifierData.excessValence,
    sarcasmMarkers: new Set(modifierData.sarcasmMarkers),
    sarcasmPositiveFactor: modifierData.sarcasmPositiveFactor,
    rhetoricalQuestionPenalty: modifierData.rhetoricalQuestionPenalty,
    exclamationBoost: modifierData.exclamationBoost,
    exclamationMax: modifierData.exclamationMax,
    capsFactor: modifierData.capsFactor,
    elongationFactor: modifierData.elongationFactor,
    clauseWeights: modifierData.clauseWeights,
    normalizationAlpha: modifierData.normalizationAlpha,
    churnIntentValence: modifierData.churnIntentValence,
    churnIntentMax: modifierData.churnIntentMax,
    thresholds: modifierData.thresholds,
    evidentThresholds: modifierData.evidentThresholds,
    aspectThresholds: modifierData.aspectThresholds,
  };
}

/** Built once at load; never mutated afterwards. */
export const sentimentModel: SentimentModel = buildModel();

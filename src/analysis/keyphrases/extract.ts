/**
 * Key phrases: salient noun phrases, found by a small chunker over the vocabulary's part-of-speech
 * tags (compromise's lexicon, WordNet, suffix rules) instead of a full parse, which would cost more
 * than the rest of the engine together. Phrases are normalised: lower case, head noun lemmatised,
 * evaluative words dropped ("great customer service" → "customer service").
 */
import type { Clause } from '../text/clauses.js';
import type { Token } from '../text/tokenize.js';
import { STOPWORDS } from '../text/vocabulary.js';
import { sentimentModel } from '../sentiment/lexicon.js';

const MAX_KEY_PHRASES = 8;
const MAX_PHRASE_WORDS = 4;

/** Gerunds that name things ("shipping", "billing") rather than actions. */
const NOUN_GERUNDS = new Set([
  'shipping',
  'billing',
  'pricing',
  'onboarding',
  'packaging',
  'booking',
  'parking',
  'cleaning',
  'housekeeping',
  'banking',
  'training',
  'meeting',
  'marketing',
  'messaging',
  'streaming',
  'accounting',
  'reporting',
  'scheduling',
  'invoicing',
  'networking',
  'printing',
  'loading',
  'setting',
  'settings',
  'tracking',
  'routing',
  'hosting',
  'checking',
  'lighting',
  'wording',
  'branding',
  'landing',
  'listing',
  'building',
  'ticketing',
  'recording',
  'heating',
  'plumbing',
  'roaming',
]);

/** Heads too vague to be a key phrase on their own. */
const GENERIC_HEADS = new Set([
  'thing',
  'things',
  'lot',
  'lots',
  'time',
  'times',
  'way',
  'ways',
  'day',
  'days',
  'everything',
  'anything',
  'something',
  'nothing',
  'one',
  'bit',
  'kind',
  'sort',
  'people',
  'person',
  'guy',
  'guys',
  'year',
  'years',
  'month',
  'months',
  'week',
  'weeks',
  'hour',
  'hours',
  'minute',
  'minutes',
  'part',
  'stuff',
  'fact',
  'point',
  'reason',
  'end',
  'issue',
  'issues',
  'problem',
  'problems',
  'experience',
  'job',
  'work',
  'use',
  'need',
  'needs',
  'star',
  'stars',
  'lol',
  'etc',
  'ok',
  'okay',
  'yes',
  'no',
  'today',
  'yesterday',
  'tomorrow',
  'now',
  'while',
  'number',
  'lot',
  'amount',
  'company',
  'product',
  'service',
  'option',
  'anyone',
  'someone',
  'everyone',
  'nobody',
  'none',
  'others',
  'other',
  'rest',
  'side',
  'area',
]);

/** Adjectives that add nothing to what a phrase is about. */
const EMPTY_MODIFIERS = new Set([
  'other',
  'new',
  'same',
  'whole',
  'many',
  'much',
  'few',
  'more',
  'most',
  'own',
  'last',
  'first',
  'next',
  'several',
  'different',
  'such',
  'only',
  'real',
  'little',
  'big',
  'certain',
  'entire',
  'overall',
  'recent',
  'current',
  'previous',
  'various',
  'usual',
  'whatever',
  'total',
  'main',
  'general',
  'actual',
  'particular',
  'full',
  'single',
  'extra',
]);

function isNounLike(tokens: readonly Token[], i: number, to: number): boolean {
  const t = tokens[i];
  if (t.pos === 'N') return true;
  if (t.pos === 'W') {
    // A verb-or-noun is a noun after a determiner, adjective or noun ("the loading screens").
    const prev = tokens[i - 1];
    return prev !== undefined && prev.kind === 'word' && (prev.pos === 'D' || prev.pos === 'A' || prev.pos === 'N' || prev.pos === 'G');
  }
  if (t.pos === 'G') {
    const next = tokens[i + 1];
    return NOUN_GERUNDS.has(t.norm) || (i + 1 < to && next.kind === 'word' && (next.pos === 'N' || next.pos === 'W'));
  }
  return false;
}

function canJoin(tokens: readonly Token[], i: number, to: number): boolean {
  const t = tokens[i];
  if (t.kind !== 'word' || t.norm.length < 2 || STOPWORDS.has(t.norm)) return false;
  return t.pos === 'A' || isNounLike(tokens, i, to);
}

const evaluative = (t: Token): boolean => (sentimentModel.valences.get(t.norm) ?? sentimentModel.valences.get(t.lemma) ?? 0) !== 0;

/** Leading words that only evaluate ("great", "slow") or say nothing ("other", "new"). */
function isEmptyModifier(t: Token): boolean {
  return EMPTY_MODIFIERS.has(t.norm) || t.pos === 'R' || (t.pos === 'A' && evaluative(t));
}

function normalizeChunk(tokens: readonly Token[], from: number, to: number): string | null {
  let start = from;
  let end = to;
  // The phrase must end in a noun; leading describing words that only evaluate are dropped.
  while (end > start && !isNounLike(tokens, end - 1, to)) end--;
  while (start < end && isEmptyModifier(tokens[start])) start++;
  if (end - start > MAX_PHRASE_WORDS) start = end - MAX_PHRASE_WORDS;
  if (start >= end) return null;
  const head = tokens[end - 1];
  if (end - start === 1 && (GENERIC_HEADS.has(head.norm) || GENERIC_HEADS.has(head.lemma) || head.norm.length < 3 || evaluative(head))) {
    return null;
  }
  const words: string[] = [];
  for (let i = start; i < end - 1; i++) words.push(tokens[i].norm);
  words.push(head.lemma);
  return words.join(' ');
}

export function extractKeyPhrases(tokens: readonly Token[], clauses: readonly Clause[], limit = MAX_KEY_PHRASES): string[] {
  const found = new Map<string, { count: number; words: number; first: number }>();
  for (const clause of clauses) {
    let i = clause.from;
    while (i < clause.to) {
      if (!canJoin(tokens, i, clause.to)) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < clause.to && canJoin(tokens, j, clause.to)) j++;
      const phrase = normalizeChunk(tokens, i, j);
      if (phrase) {
        const entry = found.get(phrase);
        if (entry) entry.count++;
        else found.set(phrase, { count: 1, words: phrase.split(' ').length, first: i });
      }
      i = j;
    }
  }
  return [...found.entries()]
    .sort(([, a], [, b]) => b.count - a.count || Math.min(b.words, 3) - Math.min(a.words, 3) || a.first - b.first)
    .slice(0, limit)
    .map(([phrase]) => phrase);
}

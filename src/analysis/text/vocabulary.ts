/**
 * English word knowledge for the hot path: stem, coarse part of speech and lemma of a word.
 * Common words come from the prebuilt vocab.json (scripts/build-analysis-vocab.ts); other words
 * fall back to natural's Porter stemmer and suffix rules. Everything here is read-only after load.
 */
import vocabLines from '../data/vocab.json' with { type: 'json' };
import { naturalStopwords, porterStemmer } from '../deps.js';

/** N noun, A adjective, V verb, W verb that is also a noun ("orders"), G gerund, R adverb,
 *  D determiner, O pronoun, P preposition, C conjunction, M modal/auxiliary, X other. */
export type Pos = 'N' | 'A' | 'V' | 'W' | 'G' | 'R' | 'D' | 'O' | 'P' | 'C' | 'M' | 'X';

export interface WordInfo {
  stem: string;
  pos: Pos;
  lemma: string;
  /** True when the word is in the English vocabulary (used for language detection). */
  known: boolean;
}

const VOCAB: ReadonlyMap<string, WordInfo> = (() => {
  const map = new Map<string, WordInfo>();
  for (const line of vocabLines) {
    const [word, stem, pos, lemma] = line.split(' ');
    map.set(word, { stem, pos: pos as Pos, lemma: lemma ?? word, known: true });
  }
  return map;
})();

/** Function words: ignored by theme matching and key phrases. */
export const STOPWORDS: ReadonlySet<string> = new Set([
  ...naturalStopwords,
  ...[
    'i',
    'a',
    "i'm",
    "i've",
    "i'd",
    "i'll",
    "it's",
    "that's",
    "there's",
    "we're",
    "we've",
    "they're",
    "you're",
    "he's",
    "she's",
    'im',
    'ive',
    'us',
    'also',
    'just',
    'even',
    'really',
    'very',
    'so',
    'quite',
    'pretty',
    'bit',
    'lot',
    'lots',
    'thing',
    'things',
    'get',
    'gets',
    'getting',
    'got',
    'go',
    'goes',
    'going',
    'went',
    'use',
    'used',
    'using',
    'one',
    'ones',
    'will',
    'shall',
    'can',
    "can't",
    'cant',
    'cannot',
    "don't",
    'dont',
    "doesn't",
    'doesnt',
    "didn't",
    'didnt',
    "isn't",
    'isnt',
    "wasn't",
    "won't",
    'wont',
    "wouldn't",
    "couldn't",
    "shouldn't",
    "aren't",
    "weren't",
    "haven't",
    "hasn't",
    "hadn't",
    'not',
    'no',
    'nor',
    'yes',
    'ok',
    'okay',
    'etc',
    'e.g',
    'i.e',
    'hi',
    'hello',
    // Chat fillers: on real verbatims "tbh" came up as an emerging theme of its own.
    'tbh',
    'imo',
    'imho',
    'btw',
    'fyi',
    'lol',
    'idk',
    'ngl',
    'tho',
    'thanks',
    'thank',
    'please',
    'yet',
    'though',
    'although',
    'however',
    'every',
    'everything',
    'anything',
    'something',
    'nothing',
    'someone',
    'anyone',
    'everyone',
    'always',
    'sometimes',
    'often',
    'around',
    'back',
    'about',
    'maybe',
    'may',
    'might',
    'which',
    'whose',
    'de',
    'la',
    'gets',
    'make',
    'makes',
    'made',
  ],
]);

function oovPos(word: string): Pos {
  if (/^\d/.test(word)) return 'X';
  if (word.length > 4 && word.endsWith('ly')) return 'R';
  if (word.endsWith('ing') && word.length > 5) return 'G';
  if (word.endsWith('ed') && word.length > 4) return 'V';
  if (/(ous|ful|less|able|ible|ive|ic|ish|ary)$/.test(word) && word.length > 5) return 'A';
  if (/(ize|ise)$/.test(word) && word.length > 5) return 'V';
  return 'N';
}

function oovLemma(word: string, pos: Pos): string {
  if (pos !== 'N' || word.length < 4 || !word.endsWith('s')) return word;
  if (/(ss|us|is|ous)$/.test(word)) return word;
  if (word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (/(ches|shes|xes|sses)$/.test(word)) return word.slice(0, -2);
  return word.slice(0, -1);
}

/** Adverbs in -ly share their adjective's stem ("slowly" ~ "slow"), which Porter does not do. */
function oovStem(word: string): string {
  if (word.length > 4 && word.endsWith('ly')) {
    const bases = [word.slice(0, -2), word.slice(0, -3) + 'y', word.slice(0, -1) + 'e', word.slice(0, -2) + 'e'];
    for (const base of bases) {
      const info = VOCAB.get(base);
      if (info && info.pos === 'A') return info.stem;
    }
    return porterStemmer.stem(word.slice(0, -2));
  }
  return porterStemmer.stem(word);
}

/** Word information for a lower-cased word (no apostrophes inside except contractions). */
export function wordInfo(word: string): WordInfo {
  const known = VOCAB.get(word);
  if (known) return known;
  // Elongated words ("soooo", "loooove"): try with the repeats collapsed.
  if (/(.)\1\1/.test(word)) {
    const twice = word.replace(/(.)\1{2,}/g, '$1$1');
    const hit = VOCAB.get(twice) ?? VOCAB.get(word.replace(/(.)\1{2,}/g, '$1'));
    if (hit) return hit;
  }
  const pos = oovPos(word);
  return { stem: /^[a-z]+$/.test(word) ? oovStem(word) : word, pos, lemma: oovLemma(word, pos), known: false };
}

/** Porter stem with the engine's -ly rule, for words outside running text (keywords, examples). */
export function stemWord(word: string): string {
  return wordInfo(word.toLowerCase()).stem;
}

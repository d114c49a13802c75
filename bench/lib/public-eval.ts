/**
 * The headline evaluation: engines beside AFINN, VADER and keyword matching on public corpora nobody
 * in the project wrote. Sentiment is scored leave-one-corpus-out: for each corpus group, an engine
 * that learns is given a model trained on every other group, so the figure is out-of-domain; the
 * shipped model (trained on everything) is shown beside it, marked in-domain.
 *
 * Engines are a list, so a second engine (e.g. the transformer) becomes one more column.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  analyze,
  aspectSentiments,
  compileTaxonomy,
  validateTaxonomy,
  type AnalysisResult,
  type Sentiment,
  type Taxonomy,
} from '../../src/analysis/index.js';
import { modelFromData, type SentimentModel } from '../../src/analysis/sentiment/learned.js';
import { afinnLabel, keywordMatcher, vaderLabel } from './baselines.js';
import { laptopHalves, loadBanking77, loadLaptops, loadSentimentCorpora, type AspectSentence } from './corpora.js';
import { seededSample, type Label } from './datasets.js';
import { classificationReport, microSetReport } from './metrics.js';
import { chooseNeighbourVote, neighbourVoteTop1, type EmbeddedTexts } from './neighbour-vote.js';
import { trainingExamples } from './training-data.js';
import { train, TRAIN_DEFAULTS, type Example } from './train.js';

type Analyzer = (text: string) => AnalysisResult | Promise<AnalysisResult>;
/** Sentiments of the aspects mentioned at these character ranges of a text, as the engine gives a theme found there. */
type AspectAnalyzer = (text: string, spans: readonly { start: number; end: number }[]) => Sentiment[] | Promise<Sentiment[]>;

export interface EngineSpec {
  name: string;
  /**
   * An analyser for the given taxonomy. `heldOut` names the corpus group being scored: an engine
   * that learns must not have seen it (null: the shipped engine, whatever it was trained on).
   */
  analyzer(taxonomy: Taxonomy, heldOut: string | null): Analyzer;
  /** The engine's aspect-level sentiment, with the same rule for `heldOut`. */
  aspects(heldOut: string | null): AspectAnalyzer;
  /** Groups whose data the shipped engine was trained on (its figures there are in-domain). */
  trainedOn: readonly string[];
  /** False when its speed here means nothing (the transformer reads cached embeddings): left out of THROUGHPUT. */
  timed: boolean;
  /** An engine with sentence embeddings: the texts' vectors and theme similarities (for the neighbour vote row). */
  embedThemes?(taxonomy: Taxonomy, texts: readonly string[]): Promise<EmbeddedTexts>;
}

/** Every text's result, in order (an async engine's texts run together, so its batching works). */
const analyzeAll = (analyzer: Analyzer, texts: readonly string[]) => Promise.all(texts.map(async (t) => analyzer(t)));

/** The lexical engine; its leave-one-out models are trained here, once per held-out group. */
export function lexicalEngine(
  shippedTrainedOn: readonly string[],
  log: (s: string) => void,
): EngineSpec & { modelWithout(this: void, group: string): SentimentModel } {
  let examples: Example[] | null = null;
  const models = new Map<string, SentimentModel>();
  const compiled = new Map<Taxonomy, ReturnType<typeof compileTaxonomy>>();
  const modelWithout = (group: string): SentimentModel => {
    let m = models.get(group);
    if (!m) {
      const started = Date.now();
      examples ??= trainingExamples().examples;
      m = modelFromData(
        train(
          examples.filter((e) => e.group !== group),
          TRAIN_DEFAULTS,
        ),
      );
      models.set(group, m);
      log(`  trained the lexical model without ${group} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    return m;
  };
  return {
    name: 'lexical',
    trainedOn: shippedTrainedOn,
    timed: true,
    modelWithout,
    analyzer(taxonomy, heldOut) {
      let c = compiled.get(taxonomy);
      if (!c) compiled.set(taxonomy, (c = compileTaxonomy(taxonomy)));
      const taxonomyCompiled = c;
      const sentimentModel = heldOut ? modelWithout(heldOut) : undefined;
      return (text) => analyze(text, taxonomyCompiled, { sentimentModel });
    },
    aspects(heldOut) {
      const sentimentModel = heldOut ? modelWithout(heldOut) : undefined;
      return (text, spans) => aspectSentiments(text, spans, { sentimentModel });
    },
  };
}

const asLabel = (x: string): Label => (x === 'positive' || x === 'negative' ? x : 'neutral');

interface SentimentRow {
  corpus: string;
  group: string;
  n: number;
  classes: number;
  afinn: number;
  vader: number;
  /** Per engine: macro-F1 out of domain (model never saw the group) and with the shipped model. */
  engines: { name: string; outOfDomain: number; shipped: number; shippedInDomain: boolean; marginOutOfDomain: number }[];
}

interface ThemeRow {
  system: string;
  microF1: number;
  precision: number;
  recall: number;
  top1: number;
  perSecond: number;
}

interface AspectRow {
  system: string;
  /** Terms of the scored half (the half no choice was made on) and the accuracy there. */
  n: number;
  accuracy: number;
  /** All terms, the tuning half included (comparable with figures from before the halves). */
  nAll: number;
  accuracyAll: number;
  note: string;
  /** Scored half, rows gold and columns predicted, in ASPECT_CLASSES order; for the engines only. */
  confusion?: number[][];
}

export const ASPECT_CLASSES: readonly Label[] = ['negative', 'neutral', 'positive'];

export interface PublicEvalResult {
  sentiment: SentimentRow[];
  themes: ThemeRow[] | null;
  aspects: AspectRow[] | null;
  throughput: { system: string; perSecond: number }[];
  missing: string[];
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const t = performance.now();
  const value = f();
  return { value, ms: performance.now() - t };
}

export const SENTIMENT_TARGET_POINTS = 12;
export const ASPECT_TARGET = 0.7;

export async function runPublicEval(engines: readonly EngineSpec[], log: (s: string) => void): Promise<PublicEvalResult> {
  const { corpora, missing } = loadSentimentCorpora();
  const sentiment: SentimentRow[] = [];
  const throughputMs = new Map<string, number>();
  let throughputN = 0;
  const neutralTaxonomy = validateTaxonomy({ version: 1, themes: [{ key: 'none', label: 'none', keywords: ['zzzz'] }] });

  for (const corpus of corpora) {
    log(`  sentiment: ${corpus.name} (${corpus.items.length})`);
    const gold = corpus.items.map((it) => it.label);
    const texts = corpus.items.map((it) => it.text);
    const afinn = timed(() => texts.map(afinnLabel));
    const vader = timed(() => texts.map(vaderLabel));
    throughputN += texts.length;
    throughputMs.set('AFINN', (throughputMs.get('AFINN') ?? 0) + afinn.ms);
    throughputMs.set('VADER', (throughputMs.get('VADER') ?? 0) + vader.ms);
    const f1 = (pred: Label[]) => classificationReport(gold, pred, corpus.classes).macroF1;
    const best = Math.max(f1(afinn.value), f1(vader.value));
    const row: SentimentRow = {
      corpus: corpus.name,
      group: corpus.group,
      n: texts.length,
      classes: corpus.classes.length,
      afinn: f1(afinn.value),
      vader: f1(vader.value),
      engines: [],
    };
    for (const engine of engines) {
      const ood = engine.analyzer(neutralTaxonomy, corpus.group);
      const shipped = engine.analyzer(neutralTaxonomy, null);
      const labels = (results: AnalysisResult[]) => results.map((r) => asLabel(r.sentiment.label));
      const oodF1 = f1(labels(await analyzeAll(ood, texts)));
      const shippedRun = timed(() => analyzeAll(shipped, texts));
      if (engine.timed) throughputMs.set(engine.name, (throughputMs.get(engine.name) ?? 0) + shippedRun.ms);
      row.engines.push({
        name: engine.name,
        outOfDomain: oodF1,
        shipped: f1(labels(await shippedRun.value)),
        shippedInDomain: engine.trainedOn.includes(corpus.group),
        marginOutOfDomain: 100 * (oodF1 - best),
      });
    }
    sentiment.push(row);
  }

  return {
    sentiment,
    themes: await bankingThemes(engines, log, missing),
    aspects: await laptopAspects(engines, log, missing),
    throughput: [...throughputMs].map(([system, ms]) => ({ system, perSecond: throughputN / (ms / 1000) })),
    missing,
  };
}

interface BankingTaxonomyFile {
  taxonomy: Taxonomy;
  intents: Record<string, string[]>;
}

/** The one BANKING77 taxonomy: `npm run eval`, the learning curve and bench/banking77-themes.ts all read it. */
export const BANKING_TAXONOMY = resolve(import.meta.dirname, '../data/corpora/banking77-taxonomy.json');

/** The PM taxonomy and each intent's theme (the gold theme of a BANKING77 text). */
export function loadBankingTaxonomy(file = BANKING_TAXONOMY): { taxonomy: Taxonomy; themeOfIntent: Map<string, string> } {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as BankingTaxonomyFile;
  const themeOfIntent = new Map<string, string>();
  for (const [theme, intents] of Object.entries(parsed.intents)) for (const i of intents) themeOfIntent.set(i, theme);
  return { taxonomy: validateTaxonomy(parsed.taxonomy), themeOfIntent };
}

/** Theme micro-F1 and top-1 accuracy on the BANKING77 test split, zero-shot from the PM taxonomy. */
async function bankingThemes(engines: readonly EngineSpec[], log: (s: string) => void, missing: string[]): Promise<ThemeRow[] | null> {
  const banking = loadBanking77();
  if (!banking) {
    missing.push('banking77-train.jsonl / banking77-test.jsonl');
    return null;
  }
  log(`  themes: banking77 test (${banking.test.length})`);
  const { taxonomy, themeOfIntent: themeOf } = loadBankingTaxonomy();
  const gold = banking.test.map((it) => {
    const t = themeOf.get(it.intent);
    if (!t) throw new Error(`${BANKING_TAXONOMY}: intent ${it.intent} has no theme`);
    return t;
  });
  const texts = banking.test.map((it) => it.text);
  const row = (system: string, predicted: string[][], ms: number): ThemeRow => {
    const r = microSetReport(
      gold.map((g) => [g]),
      predicted,
    );
    const top1 = predicted.filter((p, i) => p[0] === gold[i]).length / gold.length;
    return { system, microF1: r.f1, precision: r.precision, recall: r.recall, top1, perSecond: texts.length / (ms / 1000) };
  };
  const keyword = keywordMatcher(taxonomy);
  const kw = timed(() => texts.map((t) => keyword(t)));
  const rows = [row('keyword', kw.value, kw.ms)];
  for (const engine of engines) {
    // Themes do not learn from the corpora: the shipped engine is out of domain here.
    const analyzer = engine.analyzer(taxonomy, null);
    const run = timed(() => analyzeAll(analyzer, texts));
    const predicted = (await run.value).map((r) => r.themes.map((th) => th.key));
    rows.push(row(engine.name, predicted, engine.timed ? run.ms : NaN));
    if (engine.embedThemes)
      rows.push(await neighbourVoteRow(engine.embedThemes.bind(engine), banking.train, taxonomy, texts, row, themeOf));
  }
  return rows;
}

/**
 * The embeddings' neighbour vote over the unlabelled train messages (bench/lib/neighbour-vote.ts,
 * docs/quality.md): its k and own weight chosen on 800 seeded train messages left out of the pool,
 * whose labels are the only ones read; the test split is only scored. One label per message.
 */
async function neighbourVoteRow(
  embedThemes: NonNullable<EngineSpec['embedThemes']>,
  train: readonly { text: string; intent: string }[],
  taxonomy: Taxonomy,
  texts: readonly string[],
  row: (system: string, predicted: string[][], ms: number) => ThemeRow,
  themeOf: Map<string, string>,
): Promise<ThemeRow> {
  const keys = taxonomy.themes.map((t) => t.key);
  const pool = await embedThemes(
    taxonomy,
    train.map((t) => t.text),
  );
  // The same 800 as bench/banking77-themes.ts's dev sample.
  const devIndexes = seededSample(
    train.map((_, i) => i),
    800,
    78,
  );
  const options = chooseNeighbourVote(
    {
      vectors: devIndexes.map((i) => pool.vectors[i]),
      similarities: devIndexes.map((i) => pool.similarities[i]),
      gold: devIndexes.map((i) => keys.indexOf(themeOf.get(train[i].intent) ?? '')),
    },
    pool,
    new Set(devIndexes),
  );
  const test = await embedThemes(taxonomy, texts);
  const predicted = neighbourVoteTop1(test, pool, options).map((theme) => [keys[theme]]);
  return row(`neighbour vote (k ${options.k}, own ${options.ownWeight})`, predicted, NaN);
}

/**
 * Aspect-term polarity on the SemEval-2014 laptop sentences (conflict terms left out): the engine's
 * aspect-level sentiment at the term (the code a theme found there gets its sentiment from), from
 * a model that never saw the laptop data; the baselines label the whole sentence. Scored on the
 * seeded half of the sentences no choice was made on (laptopHalves); all terms beside it.
 */
async function laptopAspects(engines: readonly EngineSpec[], log: (s: string) => void, missing: string[]): Promise<AspectRow[] | null> {
  const sentences = loadLaptops();
  if (!sentences) {
    missing.push('semeval14-laptops-train.xml');
    return null;
  }
  const { tuning, scored } = laptopHalves(sentences);
  const all = [...tuning, ...scored];
  const scoredSet = new Set(scored);
  const terms = (ss: readonly AspectSentence[]) => ss.reduce((sum, s) => sum + s.aspects.length, 0);
  log(`  aspects: laptops (${terms(all)} terms, ${terms(scored)} in the scored half)`);
  /** Per sentence of `all`, the predicted label of each term. */
  const row = (system: string, predicted: Label[][], note: string, withConfusion: boolean): AspectRow => {
    let correct = 0;
    let correctAll = 0;
    const confusion = ASPECT_CLASSES.map(() => ASPECT_CLASSES.map(() => 0));
    all.forEach((s, i) =>
      s.aspects.forEach((a, j) => {
        const ok = predicted[i][j] === a.polarity;
        if (ok) correctAll++;
        if (!scoredSet.has(s)) return;
        if (ok) correct++;
        confusion[ASPECT_CLASSES.indexOf(a.polarity)][ASPECT_CLASSES.indexOf(predicted[i][j])]++;
      }),
    );
    return {
      system,
      n: terms(scored),
      accuracy: correct / terms(scored),
      nAll: terms(all),
      accuracyAll: correctAll / terms(all),
      note,
      ...(withConfusion ? { confusion } : {}),
    };
  };
  const counts = new Map<Label, number>();
  for (const s of tuning) for (const a of s.aspects) counts.set(a.polarity, (counts.get(a.polarity) ?? 0) + 1);
  const [majority] = [...counts].sort((a, b) => b[1] - a[1])[0];
  const perSentence = (label: (s: AspectSentence) => Label) => all.map((s) => s.aspects.map(() => label(s)));
  const rows: AspectRow[] = [
    row(
      `majority (${majority})`,
      perSentence(() => majority),
      'the most common polarity of the tuning half',
      false,
    ),
    row(
      'AFINN',
      perSentence((s) => afinnLabel(s.text)),
      'whole sentence',
      false,
    ),
    row(
      'VADER',
      perSentence((s) => vaderLabel(s.text)),
      'whole sentence',
      false,
    ),
  ];
  const spansOf = (s: AspectSentence) => s.aspects.map((a) => ({ start: a.from, end: a.to }));
  for (const engine of engines) {
    for (const heldOut of ['laptops', null] as const) {
      const aspects = engine.aspects(heldOut);
      const predicted = await Promise.all(all.map(async (s) => (await aspects(s.text, spansOf(s))).map((x) => asLabel(x.label))));
      const inDomain = heldOut === null && engine.trainedOn.includes('laptops');
      const name = `${engine.name}${heldOut ? ' (never saw laptops)' : inDomain ? ' shipped (in-domain)' : ' shipped'}`;
      rows.push(row(name, predicted, 'aspect sentiment at the term', heldOut !== null));
    }
  }
  // The measure before the engine's own aspect path was scored (2026-12-03): the label of the clause holding the term.
  const lexical = engines.find((e) => e.name === 'lexical');
  if (lexical) {
    const neutralTaxonomy = validateTaxonomy({ version: 1, themes: [{ key: 'none', label: 'none', keywords: ['zzzz'] }] });
    const analyzer = lexical.analyzer(neutralTaxonomy, 'laptops');
    const results = await analyzeAll(
      analyzer,
      all.map((s) => s.text),
    );
    const predicted = all.map((s, i) =>
      s.aspects.map((a) => {
        const clause = results[i].clauses.find((c) => a.from >= c.start && a.from < c.end);
        return asLabel((clause ?? results[i]).sentiment.label);
      }),
    );
    rows.push(row('lexical (never saw laptops), clause label', predicted, 'label of the clause holding the term (earlier measure)', false));
  }
  return rows;
}

/**
 * `npm run eval:dedupe`: near-duplicate detection and emerging-theme clustering, measured on public
 * corpora nobody in the project wrote (../shared/data; see docs/quality.md).
 *
 *   npx tsx bench/dedupe.ts [--tune] [--no-transformer] [--only duplicates|clustering] [--sample N]
 *
 * Near-duplicates. Positives: pairs of Amazon Alexa reviews of 4+ words that occur twice in the file
 * word for word (the same review listed under several product variations) or differ only in case,
 * punctuation or spacing. Negatives: random pairs (Alexa and BANKING77), random pairs of BANKING77
 * messages with the same intent (paraphrases by different customers) and, hardest, each BANKING77
 * message with its most similar other message of the same intent. Thresholds are chosen on the
 * training split (--tune prints the grid); the figures are on the test split.
 *
 * Clustering. BANKING77 messages clustered into candidate themes (minimum 3 messages) by the lexical
 * discovery and by embeddings; adjusted Rand index and purity against the 77 intents, coverage =
 * share of messages placed in some candidate. The embedding threshold is tuned on a seeded sample of
 * the training split (--tune), the figures are on the test split.
 */
import { parseArgs } from 'node:util';
import { compileTaxonomy, clusterCandidates, defaultTaxonomy, ThemeDiscovery, type ThemeCandidate } from '../src/analysis/index.js';
import { embeddingNearDuplicates, lexicalNearDuplicates } from '../src/analysis/dedupe/near-duplicates.js';
import { CLUSTER_SIMILARITY_THRESHOLD } from '../src/analysis/discovery/embedding-clusters.js';
import { jaccard, shingles } from '../src/analysis/dedupe/shingles.js';
import { cosineSimilarity as cosine, createTransformerBackend } from '../src/analysis/backends/index.js';
import { prng, shuffleInPlace } from '../src/domain/prng.js';
import { loadConfig } from '../src/config.js';
import { resolveEngine, transformerOptionsFromConfig } from '../src/services/pipeline/analysis-engine.js';
import { loadBanking77, type IntentItem } from './lib/corpora.js';
import { readAlexaRecords } from './lib/datasets.js';
import { openEmbeddingCache } from './lib/embedding-cache.js';
import { adjustedRand, purity } from './lib/cluster-metrics.js';

const { values } = parseArgs({
  options: { tune: { type: 'boolean' }, 'no-transformer': { type: 'boolean' }, only: { type: 'string' }, sample: { type: 'string' } },
});
const log = (s: string) => console.error(s);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const ALEXA_TSV = process.env.VERBATIM_AMAZON_TSV ?? new URL('../../shared/data/amazon_alexa.tsv', import.meta.url).pathname;

type Embed = (texts: string[]) => Promise<Float32Array[]>;

async function embedder(): Promise<{ embed: Embed; dispose(): Promise<void> } | null> {
  if (values['no-transformer']) return null;
  const options = transformerOptionsFromConfig(loadConfig());
  const { engine, warning } = await resolveEngine('auto', options);
  if (engine !== 'transformer') {
    log(`transformer left out: ${warning}`);
    return null;
  }
  const backend = await createTransformerBackend(options);
  const cache = await openEmbeddingCache(backend, options, log);
  return { embed: (texts) => cache.embed(texts), dispose: () => backend.dispose() };
}

// ───────────── near-duplicates ─────────────

interface Pair {
  a: string;
  b: string;
}

const squash = (t: string) => t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/** Naturally repeated Alexa reviews of 4+ words: the same text twice, or differing only in case, punctuation, spacing. */
function alexaDuplicatePairs(): Pair[] {
  const groups = new Map<string, string[]>();
  for (const r of readAlexaRecords(ALEXA_TSV)) {
    const text = (r.verified_reviews ?? '').trim();
    if (text.split(/\s+/).length < 4) continue;
    const list = groups.get(squash(text)) ?? [];
    list.push(text);
    groups.set(squash(text), list);
  }
  return [...groups.values()].filter((g) => g.length > 1).map((g) => ({ a: g[0], b: g.find((t) => t !== g[0]) ?? g[1] }));
}

function randomPairs(texts: readonly string[], n: number, seed: number): Pair[] {
  const random = prng(seed);
  const out: Pair[] = [];
  while (out.length < n) {
    const a = texts[Math.floor(random() * texts.length)];
    const b = texts[Math.floor(random() * texts.length)];
    if (squash(a) !== squash(b)) out.push({ a, b });
  }
  return out;
}

function sameIntentPairs(items: readonly IntentItem[], n: number, seed: number): Pair[] {
  const byIntent = groupBy(items, (i) => i.intent);
  const intents = [...byIntent.keys()].sort();
  const random = prng(seed);
  const out: Pair[] = [];
  while (out.length < n) {
    const group = byIntent.get(intents[Math.floor(random() * intents.length)])!;
    const a = group[Math.floor(random() * group.length)].text;
    const b = group[Math.floor(random() * group.length)].text;
    if (squash(a) !== squash(b)) out.push({ a, b });
  }
  return out;
}

/** Each message with its most similar other message of the same intent (by `similarity`), texts differing beyond punctuation. */
function nearestSameIntent(items: readonly IntentItem[], similarity: (a: number, b: number) => number): Pair[] {
  const byIntent = groupBy(
    items.map((item, i) => ({ ...item, i })),
    (x) => x.intent,
  );
  const out: Pair[] = [];
  for (const group of byIntent.values()) {
    for (const x of group) {
      let best: (typeof group)[number] | null = null;
      let bestSimilarity = -Infinity;
      for (const y of group) {
        if (y === x || squash(y.text) === squash(x.text)) continue;
        const s = similarity(x.i, y.i);
        if (s > bestSimilarity) [best, bestSimilarity] = [y, s];
      }
      if (best) out.push({ a: x.text, b: best.text });
    }
  }
  return out;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item)) ?? [];
    list.push(item);
    out.set(key(item), list);
  }
  return out;
}

interface Detector {
  name: string;
  /** Whether the detector calls b a near-duplicate of a, at its threshold. */
  flags(pairs: readonly Pair[], threshold: number): Promise<boolean[]>;
  threshold: number;
  grid: number[];
}

function lexicalDetector(threshold: number): Detector {
  return {
    name: 'lexical (char 5-gram MinHash)',
    threshold,
    grid: [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9],
    flags: async (pairs, t) => pairs.map((p) => lexicalNearDuplicates([p.a, p.b], t)[1] === 0),
  };
}

function embeddingDetector(embed: Embed, threshold: number): Detector {
  const vectors = async (pairs: readonly Pair[]) => {
    const va = await embed(pairs.map((p) => p.a));
    const vb = await embed(pairs.map((p) => p.b));
    return pairs.map((_, i) => [va[i], vb[i]] as const);
  };
  return {
    name: 'embedding (MiniLM cosine)',
    threshold,
    grid: [0.85, 0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98],
    flags: async (pairs, t) => (await vectors(pairs)).map(([a, b]) => embeddingNearDuplicates([a, b], t)[1] === 0),
  };
}

async function nearDuplicateReport(embed: Embed | null): Promise<void> {
  const bank = loadBanking77();
  if (!bank) throw new Error('BANKING77 not found in ../shared/data/corpora');
  const alexa = readAlexaRecords(ALEXA_TSV)
    .map((r) => (r.verified_reviews ?? '').trim())
    .filter(Boolean);
  const positives = alexaDuplicatePairs();
  const { LEXICAL_DUPLICATE_THRESHOLD, EMBEDDING_DUPLICATE_THRESHOLD } = await import('../src/analysis/dedupe/near-duplicates.js');
  const detectors = [
    lexicalDetector(LEXICAL_DUPLICATE_THRESHOLD),
    ...(embed ? [embeddingDetector(embed, EMBEDDING_DUPLICATE_THRESHOLD)] : []),
  ];
  const split = values.tune ? 'train' : 'test';
  const items = bank[split];
  const sets = items.map((i) => shingles(i.text));
  const vectors = embed ? await embed(items.map((i) => i.text)) : null;
  const negatives: [string, Pair[]][] = [
    ['random pairs', randomPairs([...alexa, ...items.map((i) => i.text)], 5000, 1)],
    ['same-intent pairs', sameIntentPairs(items, 3000, 2)],
    ['nearest same-intent (char grams)', nearestSameIntent(items, (a, b) => jaccard(sets[a], sets[b]))],
    ...(vectors
      ? [['nearest same-intent (embedding)', nearestSameIntent(items, (a, b) => cosine(vectors[a], vectors[b]))] as [string, Pair[]]]
      : []),
  ];
  console.log(`\nNear-duplicates: ${positives.length} natural duplicate pairs (Amazon Alexa); negatives from BANKING77 ${split} split`);
  for (const d of detectors) {
    const thresholds = values.tune ? d.grid : [d.threshold];
    for (const t of thresholds) {
      const recall = mean(await d.flags(positives, t));
      const fp = await Promise.all(
        negatives.map(async ([name, pairs]) => `${name} ${pct(mean(await d.flags(pairs, t)))} of ${pairs.length}`),
      );
      console.log(`  ${d.name} ≥ ${t}: recall ${pct(recall)}; flagged negatives: ${fp.join('; ')}`);
    }
  }
}

/** What collapsing does to emerging themes: Alexa reviews as one sample, lexical discovery with and without it. */
function alexaEmergingReport(): void {
  const texts = readAlexaRecords(ALEXA_TSV)
    .map((r) => (r.verified_reviews ?? '').trim())
    .filter(Boolean);
  const taxonomy = compileTaxonomy(defaultTaxonomy);
  const discover = (sample: readonly string[]) => {
    const discovery = new ThemeDiscovery(taxonomy);
    for (const t of sample) discovery.add(t);
    return discovery.candidates({ minCount: 3, limit: 20 });
  };
  const representativeOf = lexicalNearDuplicates(texts);
  const distinct = texts.filter((_, i) => representativeOf[i] === i);
  const before = discover(texts);
  const after = new Map(discover(distinct).map((c) => [c.phrase, c.count]));
  const gone = before.filter((c) => !after.has(c.phrase));
  console.log(
    `\nEmerging themes over ${texts.length} Amazon Alexa reviews (default taxonomy, minCount 3, top 20): ${texts.length - distinct.length} reviews are near-duplicates of another;` +
      ` ${gone.length} of the 20 candidates found without collapsing are not in the top 20 with it (${gone.map((c) => `"${c.phrase}"`).join(', ') || 'none'});` +
      ` the others' counts fall by ${pct(
        1 -
          before.filter((c) => after.has(c.phrase)).reduce((n, c) => n + after.get(c.phrase)!, 0) /
            Math.max(
              1,
              before.filter((c) => after.has(c.phrase)).reduce((n, c) => n + c.count, 0),
            ),
      )}`,
  );
}

const mean = (xs: readonly boolean[]) => xs.filter(Boolean).length / Math.max(1, xs.length);

// ───────────── clustering ─────────────

/** One label per message: its first (largest) candidate, or a singleton of its own. */
function assignment(n: number, candidates: readonly ThemeCandidate[]): (string | null)[] {
  const out: (string | null)[] = Array.from({ length: n }, () => null);
  candidates.forEach((c, k) => {
    for (const d of c.exampleIndexes) out[d] ??= `c${k}`;
  });
  return out;
}

function scores(gold: readonly string[], predicted: readonly (string | null)[], candidates: number) {
  const labels = predicted.map((p, i) => p ?? `single${i}`);
  return {
    ari: adjustedRand(gold, labels),
    purity: purity(gold, predicted),
    coverage: predicted.filter((p) => p !== null).length / predicted.length,
    candidates,
  };
}

async function clusteringReport(embed: Embed | null): Promise<void> {
  const bank = loadBanking77();
  if (!bank) throw new Error('BANKING77 not found in ../shared/data/corpora');
  const sample = Number(values.sample ?? 2000);
  const items = values.tune ? shuffleInPlace([...bank.train], prng(7)).slice(0, sample) : bank.test;
  const texts = items.map((i) => i.text);
  const gold = items.map((i) => i.intent);
  // Nothing covered (one theme no message names): the question is how well each method groups messages, not what a taxonomy hides.
  const discovery = new ThemeDiscovery(
    compileTaxonomy({ themes: [{ key: 'unused', label: 'Unused', keywords: ['xylophone'], examples: [] }] }),
  );
  for (const t of texts) discovery.add(t);
  const options = { minCount: 3, limit: texts.length, examples: texts.length };
  const lexical = discovery.candidates(options);
  const print = (name: string, s: ReturnType<typeof scores>) =>
    console.log(`  ${name}: ARI ${s.ari.toFixed(3)}, purity ${pct(s.purity)}, coverage ${pct(s.coverage)}, ${s.candidates} candidates`);
  console.log(`\nClustering ${texts.length} BANKING77 ${values.tune ? `training (seeded sample)` : 'test'} messages, 77 intents`);
  print('lexical discovery', scores(gold, assignment(texts.length, lexical), lexical.length));
  if (!embed) return;
  const vectors = await embed(texts);
  const phrases = discovery.phrasesByDoc();
  for (const threshold of values.tune ? [0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75] : [CLUSTER_SIMILARITY_THRESHOLD]) {
    const clustered = clusterCandidates(vectors, phrases, { ...options, threshold });
    print(`embedding clusters ≥ ${threshold}`, scores(gold, assignment(texts.length, clustered), clustered.length));
  }
}

const model = await embedder();
try {
  if (values.only !== 'clustering') {
    await nearDuplicateReport(model?.embed ?? null);
    alexaEmergingReport();
  }
  if (values.only !== 'duplicates') await clusteringReport(model?.embed ?? null);
} finally {
  await model?.dispose();
}

/**
 * Theme micro-F1 on BANKING77 (real bank-customer messages), zero-shot from a PM-style taxonomy
 * (bench/data/corpora/banking77-taxonomy.json, the one `npm run eval` scores: label, one-sentence
 * description, <= 5 keywords per theme, written from the intent names only). Each message's gold
 * theme is its intent's theme.
 *
 *   npx tsx bench/banking77-themes.ts [--limit N] [--model-dir DIR] [--split test|train]
 *
 * Compared in the same run: plain keyword matching, the lexical engine, the transformer engine
 * (lexical + embeddings) and the embeddings alone (most similar theme). A small stand-alone script
 * until `npm run eval` covers BANKING77 with both engines.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { analyze, compileTaxonomy } from '../src/analysis/index.js';
import { createEmbeddingThemeMatcher, createTransformerBackend } from '../src/analysis/backends/index.js';
import { loadConfig } from '../src/config.js';
import { prng } from '../src/domain/prng.js';
import { modelDirFromConfig, transformerAnalyzer } from '../src/services/analysis-engine.js';
import { EMBEDDING_MODEL_ID } from '../src/services/model-install/install-embedding-model.js';
import { keywordMatcher } from './lib/baselines.js';
import { loadBankingTaxonomy } from './lib/public-eval.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpora = process.env.VERBATIM_CORPORA_DIR || resolve(root, '../shared/data/corpora');

interface Scores {
  tp: number;
  fp: number;
  fn: number;
  top1: number;
  n: number;
}

const empty = (): Scores => ({ tp: 0, fp: 0, fn: 0, top1: 0, n: 0 });

function score(s: Scores, predicted: string[], gold: string): void {
  const unique = [...new Set(predicted)];
  s.n++;
  if (unique.includes(gold)) s.tp++;
  else s.fn++;
  s.fp += unique.filter((k) => k !== gold).length;
  if (unique[0] === gold) s.top1++;
}

function report(name: string, s: Scores): string {
  const precision = s.tp / Math.max(1, s.tp + s.fp);
  const recall = s.tp / Math.max(1, s.tp + s.fn);
  const f1 = (2 * precision * recall) / Math.max(1e-9, precision + recall);
  const pct = (x: number) => (100 * x).toFixed(1).padStart(6);
  return `${name.padEnd(34)} ${pct(f1)} ${pct(precision)} ${pct(recall)} ${pct(s.top1 / s.n)}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { limit: { type: 'string', default: '800' }, 'model-dir': { type: 'string' }, split: { type: 'string', default: 'test' } } });
  const { taxonomy, themeOfIntent } = loadBankingTaxonomy();

  let rows = readFileSync(resolve(corpora, `banking77-${values.split === 'train' ? 'train' : 'test'}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { text: string; label: string });
  const limit = Number(values.limit);
  if (limit > 0 && limit < rows.length) {
    const random = prng(77);
    rows = rows.map((r) => ({ r, k: random() })).sort((a, b) => a.k - b.k).slice(0, limit).map(({ r }) => r);
  }
  const gold = rows.map((r) => themeOfIntent.get(r.label)!);

  const keywords = keywordMatcher(taxonomy);
  const compiled = compileTaxonomy(taxonomy);
  const results: Record<string, Scores> = { 'keyword matching': empty(), 'lexical engine': empty(), 'transformer engine': empty(), 'embeddings alone (top-1)': empty() };
  rows.forEach((r, i) => {
    score(results['keyword matching'], keywords(r.text), gold[i]);
    score(results['lexical engine'], analyze(r.text, compiled).themes.map((t) => t.key), gold[i]);
  });

  const modelDir = resolve(values['model-dir'] ?? modelDirFromConfig(loadConfig()));
  const options = { modelDir, embeddingModel: EMBEDDING_MODEL_ID };
  const started = Date.now();
  const analyzer = await transformerAnalyzer(options)(taxonomy);
  const loaded = Date.now();
  const analysed = await Promise.all(rows.map((r) => analyzer.analyze(r.text)));
  const seconds = (Date.now() - loaded) / 1000;
  analysed.forEach((a, i) => score(results['transformer engine'], [...a.themes].sort((x, y) => y.confidence - x.confidence).map((t) => t.key), gold[i]));
  await analyzer.dispose();

  const backend = await createTransformerBackend(options);
  const matcher = createEmbeddingThemeMatcher(taxonomy, backend);
  const similarities = await matcher.similarities(rows.map((r) => r.text));
  similarities.forEach((row, i) => score(results['embeddings alone (top-1)'], [matcher.themes[row.indexOf(Math.max(...row))].key], gold[i]));
  await backend.dispose();

  console.log(`BANKING77 ${values.split}: ${rows.length} messages (seeded sample), ${taxonomy.themes.length} themes, zero-shot`);
  console.log(`transformer engine: ${(rows.length / seconds).toFixed(1)} verbatims/s after ${((loaded - started) / 1000).toFixed(1)} s of loading`);
  console.log('');
  console.log(`${'method'.padEnd(34)} ${'microF1'.padStart(6)} ${'  prec'} ${'   rec'} ${'  top1'}`);
  for (const [name, s] of Object.entries(results)) console.log(report(name, s));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

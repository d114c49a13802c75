/**
 * Learning from corrections, measured: theme micro-F1 on the BANKING77 test split after 0, 25,
 * 50, 100 and 200 simulated corrections drawn (seeded) from the train split. Each correction sets
 * a train text's theme to its gold theme; the adapter (src/analysis/adapter) is trained on them
 * and applied over the lexical engine's zero-shot themes.
 *
 *   npm run eval:learning [-- --taxonomy bench/data/corpora/banking77-taxonomy.json --corpora DIR --seeds 3]
 *
 * The taxonomy file holds `taxonomy` (themes) and `intents` (theme key → its BANKING77 intents, the gold mapping).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, compileTaxonomy } from '../src/analysis/index.js';
import { applyAdapter, trainAdapter, type CorrectionExample } from '../src/analysis/adapter/adapter.js';
import { prng, shuffleInPlace } from '../src/domain/prng.js';
import { BANKING_TAXONOMY, loadBankingTaxonomy } from './lib/public-eval.js';

const STEPS = [0, 25, 50, 100, 200];

const { values } = parseArgs({
  options: {
    taxonomy: { type: 'string', default: BANKING_TAXONOMY },
    corpora: { type: 'string', default: '../shared/data/corpora' },
    seeds: { type: 'string', default: '3' },
  },
});

interface Row {
  text: string;
  theme: string;
}

const { taxonomy, themeOfIntent } = loadBankingTaxonomy(values.taxonomy);
const compiled = compileTaxonomy(taxonomy);
const labels = new Map(taxonomy.themes.map((t) => [t.key, t.label]));

function load(name: string): Row[] {
  return readFileSync(join(values.corpora, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { text: string; label: string })
    .map((r) => {
      const theme = themeOfIntent.get(r.label);
      if (!theme) throw new Error(`${values.taxonomy} maps no theme to intent ${r.label}`);
      return { text: r.text, theme };
    });
}

const train = load('banking77-train.jsonl');
const test = load('banking77-test.jsonl');
const zeroShot = test.map((r) => analyze(r.text, compiled));

function score(predicted: string[][]): { microF1: number; top1: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let top1 = 0;
  predicted.forEach((keys, i) => {
    const gold = test[i].theme;
    if (keys.includes(gold)) tp++;
    else fn++;
    fp += keys.filter((k) => k !== gold).length;
    if (keys[0] === gold) top1++;
  });
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  return { microF1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0, top1: top1 / predicted.length };
}

function sample(n: number, seed: number): Row[] {
  const random = prng(seed);
  return shuffleInPlace([...train], random).slice(0, n);
}

const seeds = Math.max(1, Number(values.seeds) | 0);
console.log(`BANKING77 themes (${labels.size} themes, ${test.length} test texts), taxonomy ${values.taxonomy}, mean of ${seeds} seeds`);
console.log('| corrections | theme micro-F1 | top-1 accuracy |');
console.log('|---:|---:|---:|');
for (const n of STEPS) {
  let f1 = 0;
  let top1 = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const corrections: CorrectionExample[] = sample(n, seed).map((r) => ({
      text: r.text,
      themes: [{ key: r.theme, label: labels.get(r.theme)! }],
      sentiment: null,
      predictedSentiment: null,
    }));
    const adapter = n === 0 ? null : trainAdapter(corrections, 1);
    const predicted = zeroShot.map((result, i) =>
      applyAdapter(result, test[i].text, adapter)
        .themes.sort((a, b) => b.confidence - a.confidence)
        .map((t) => t.key),
    );
    const s = score(predicted);
    f1 += s.microF1 / seeds;
    top1 += s.top1 / seeds;
  }
  console.log(`| ${n} | ${(f1 * 100).toFixed(1)} | ${(top1 * 100).toFixed(1)} |`);
}

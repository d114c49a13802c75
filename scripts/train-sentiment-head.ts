/**
 * `npm run train:head`: trains the transformer engine's sentiment head on the sentence embeddings of
 * every public corpus (and the own DEV/DEV2 splits; never TEST) and writes
 * src/analysis/data/sentiment-head.json. Needs the model (`npx verbatim models install`); the
 * embeddings are cached (bench/lib/embedding-cache.ts), so only the first run embeds the ~23,000
 * texts (tens of minutes on two busy cores). Deterministic: same model, data and seed, same file.
 *
 * The blend with the lexical engine's learned probabilities (lexicalWeight) is chosen here, by
 * macro-F1 on the laptop sentences with a head and a lexical model both trained without them:
 * the laptop sentences are not a row of the sentiment table (only their aspect terms are scored).
 *
 *   npx tsx scripts/train-sentiment-head.ts [--out FILE]
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, compileTaxonomy, validateTaxonomy } from '../src/analysis/index.js';
import { createTransformerBackend, sentimentHeadFromData } from '../src/analysis/backends/index.js';
import { modelFromData } from '../src/analysis/sentiment/learned.js';
import { loadConfig } from '../src/config.js';
import { transformerOptionsFromConfig } from '../src/services/pipeline/analysis-engine.js';
import { openEmbeddingCache } from '../bench/lib/embedding-cache.js';
import { classificationReport } from '../bench/lib/metrics.js';
import { LABELS } from '../bench/lib/datasets.js';
import { headExamples, trainHead } from '../bench/lib/train-head.js';
import { train } from '../bench/lib/train.js';
import { trainingExamples, trainingTexts } from '../bench/lib/training-data.js';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = values.out ?? resolve(import.meta.dirname, '../src/analysis/data/sentiment-head.json');
const BLEND_GROUP = 'laptops';
const LEXICAL_WEIGHTS = [0, 0.5, 1];

const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(0);
const options = transformerOptionsFromConfig(loadConfig());
const backend = await createTransformerBackend(options);
const { texts, missing } = trainingTexts();
for (const m of missing) console.warn(`not found, trained without it: ${m}`);
const cache = await openEmbeddingCache(backend, options, (s) => console.error(s));
console.error(`embedding ${texts.length} training texts (cached in ${cache.file}) …`);
await cache.embed(texts.map((t) => t.text));
await backend.dispose();
const examples = headExamples(texts, cache.get);
console.log(`embeddings ready after ${seconds()} s`);

// The blend, chosen on a group both models were trained without.
const heldOut = texts.filter((t) => t.group === BLEND_GROUP);
if (heldOut.length === 0) throw new Error(`no ${BLEND_GROUP} texts: cannot choose the blend`);
const head = sentimentHeadFromData(
  trainHead(
    examples.filter((e) => e.group !== BLEND_GROUP),
    options.embeddingModel,
    0,
  ),
  'held-out head',
);
const lexicalModel = modelFromData(train(trainingExamples().examples.filter((e) => e.group !== BLEND_GROUP)));
const compiled = compileTaxonomy(validateTaxonomy({ version: 1, themes: [{ key: 'none', label: 'none', keywords: ['zzzz'] }] }));
const gold = heldOut.map((t) => t.label);
let best = { lexicalWeight: 0, f1: -1 };
for (const lexicalWeight of LEXICAL_WEIGHTS) {
  const predicted = heldOut.map(
    (t) =>
      analyze(t.text, compiled, {
        sentimentModel: lexicalModel,
        textPrior: { probabilities: head.probabilities(cache.get(t.text)!), lexicalWeight },
      }).sentiment.label,
  );
  const f1 = classificationReport(gold, predicted, LABELS).macroF1;
  console.log(`blend on ${heldOut.length} ${BLEND_GROUP} sentences: lexicalWeight ${lexicalWeight} → macro-F1 ${(100 * f1).toFixed(1)}`);
  if (f1 > best.f1) best = { lexicalWeight, f1 };
}
const lexicalOnly = classificationReport(
  gold,
  heldOut.map((t) => analyze(t.text, compiled, { sentimentModel: lexicalModel }).sentiment.label),
  LABELS,
).macroF1;
console.log(`  (lexical engine alone: ${(100 * lexicalOnly).toFixed(1)}); chosen lexicalWeight ${best.lexicalWeight}`);

const data = trainHead(examples, options.embeddingModel, best.lexicalWeight);
const json = JSON.stringify(data);
writeFileSync(out, json + '\n');
console.log(`trained on ${examples.length} texts in ${seconds()} s; wrote ${out} (${(json.length / 1024).toFixed(0)} KiB)`);

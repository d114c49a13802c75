/**
 * `npm run train`: trains the learned sentiment model on every public corpus (and the project's own
 * DEV/DEV2 splits; never TEST) and writes src/analysis/data/sentiment-model.json. Deterministic: the
 * same data and seed give the same file.
 *
 *   npx tsx scripts/train-sentiment-model.ts [--out FILE] [--epochs N] [--seed N]
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { trainingExamples } from '../bench/lib/training-data.js';
import { TRAIN_DEFAULTS, train } from '../bench/lib/train.js';

const { values } = parseArgs({
  options: { out: { type: 'string' }, epochs: { type: 'string' }, seed: { type: 'string' } },
});
const out = values.out ?? resolve(import.meta.dirname, '../src/analysis/data/sentiment-model.json');
const options = { ...TRAIN_DEFAULTS };
if (values.epochs) options.epochs = Number(values.epochs);
if (values.seed) options.seed = Number(values.seed);

const started = Date.now();
const { examples, missing } = trainingExamples();
for (const m of missing) console.warn(`not found, trained without it: ${m}`);
const counts = new Map<string, number>();
for (const e of examples) counts.set(e.group, (counts.get(e.group) ?? 0) + 1);
console.log(
  `features: ${examples.length} examples (${[...counts].map(([g, n]) => `${g} ${n}`).join(', ')}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
const model = train(examples, options);
const json = JSON.stringify(model);
writeFileSync(out, json + '\n');
console.log(`trained in ${((Date.now() - started) / 1000).toFixed(1)} s; wrote ${out} (${(json.length / 1024).toFixed(0)} KiB)`);

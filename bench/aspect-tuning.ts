/**
 * Laptop aspect-term polarity on the *tuning* half only (bench/lib/corpora.ts, laptopHalves), from
 * models that never saw laptops: the quick loop for trying an aspect-sentiment change without
 * looking at the half `npm run eval` reports (docs/quality.md, "Aspect sentiment").
 *
 *   npx tsx bench/aspect-tuning.ts [--transformer]
 *
 * --transformer  also the transformer engine (needs VERBATIM_MODEL_DIR; embeddings cached on disk)
 */
import { parseArgs } from 'node:util';
import { laptopHalves, loadLaptops } from './lib/corpora.js';
import { lexicalEngine, type EngineSpec } from './lib/public-eval.js';
import { transformerEngine } from './lib/transformer-eval.js';
import { loadConfig } from '../src/config.js';
import { transformerOptionsFromConfig } from '../src/services/pipeline/analysis-engine.js';
import { shippedModel } from '../src/analysis/sentiment/learned.js';

const { values: opts } = parseArgs({ options: { transformer: { type: 'boolean', default: false } } });
const log = (s: string) => console.error(s);
const sentences = loadLaptops();
if (!sentences) throw new Error('semeval14-laptops-train.xml not found');
const { tuning } = laptopHalves(sentences);
const classes = ['negative', 'neutral', 'positive'];

const lexical = lexicalEngine(shippedModel.trainedOn, log);
const engines: EngineSpec[] = [lexical];
let dispose = async (): Promise<void> => {};
if (opts.transformer) {
  const t = await transformerEngine(transformerOptionsFromConfig(loadConfig()), lexical.modelWithout, log);
  if ('skipped' in t) throw new Error(`transformer unavailable: ${t.skipped}`);
  engines.push(t.engine);
  dispose = () => t.dispose();
}
try {
  for (const engine of engines) {
    const aspects = engine.aspects('laptops');
    const predicted = await Promise.all(
      tuning.map(async (s) =>
        aspects(
          s.text,
          s.aspects.map((a) => ({ start: a.from, end: a.to })),
        ),
      ),
    );
    // Rows gold, columns predicted, in the order of `classes`.
    const confusion = classes.map(() => classes.map(() => 0));
    let correct = 0;
    let n = 0;
    tuning.forEach((s, i) =>
      s.aspects.forEach((a, j) => {
        const label = predicted[i][j].label;
        n++;
        if (label === a.polarity) correct++;
        confusion[classes.indexOf(a.polarity)][classes.indexOf(label)]++;
      }),
    );
    console.log(
      `${engine.name} (never saw laptops), tuning half: ${((100 * correct) / n).toFixed(1)} % of ${n} terms; confusion (rows gold ${classes.join('/')}): ${JSON.stringify(confusion)}`,
    );
  }
} finally {
  await dispose();
}

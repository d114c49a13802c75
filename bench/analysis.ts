/**
 * `npm run bench:analysis`: verbatims per second of the lexical engine on one core, beside VADER
 * (and AFINN, for scale) on the same texts in the same run.
 *
 *   npx tsx bench/analysis.ts [--seconds N] [--json] [--transformer-texts N]
 *
 * Texts: the public Amazon Alexa reviews (../shared/data/amazon_alexa.tsv, or $VERBATIM_AMAZON_TSV)
 * and the DEV split of the evaluation set. Each analyser is warmed up first, then the rounds are
 * interleaved (engine, VADER, AFINN, engine, …) so background load on the machine hits all of them
 * alike; the median round is reported.
 *
 * Then, when the model is installed (`npx verbatim models install`), the transformer engine
 * (lexical + all-MiniLM-L6-v2 embeddings) on the first N of the same texts, in batches of
 * VERBATIM_ANALYSIS_BATCH (100 by default, or --transformer-batch) through `analyzeBatch`, as the
 * worker calls it; ONNX Runtime uses both cores. Target: >= 300/s. For scale, the same engine one
 * text per call (how the worker called it before batching) on the first 64 of them.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { analyze, compileTaxonomy, defaultTaxonomy, ENGINE_VERSION } from '../src/analysis/index.js';
import { loadConfig } from '../src/config.js';
import { resolveEngine, transformerAnalyzer, transformerOptionsFromConfig } from '../src/services/pipeline/analysis-engine.js';

const require = createRequire(import.meta.url);
const vader = require('vader-sentiment') as { SentimentIntensityAnalyzer: { polarity_scores(text: string): unknown } };
const Afinn = require('sentiment') as new () => { analyze(text: string): unknown };

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const amazonPath = process.env.VERBATIM_AMAZON_TSV || resolve(root, '../shared/data/amazon_alexa.tsv');
const devPath = resolve(root, 'bench/data/eval/dev.jsonl');

function loadTexts(): string[] {
  const texts: string[] = [];
  if (existsSync(amazonPath)) {
    const lines = readFileSync(amazonPath, 'utf8').split('\n').slice(1);
    for (const line of lines) {
      const text = line.split('\t')[3]?.replace(/^"|"$/g, '').trim();
      if (text) texts.push(text);
    }
  }
  if (existsSync(devPath)) {
    for (const line of readFileSync(devPath, 'utf8').split('\n')) {
      if (line.trim()) texts.push((JSON.parse(line) as { text: string }).text);
    }
  }
  if (texts.length === 0) throw new Error(`no texts: neither ${amazonPath} nor ${devPath} exists`);
  return texts;
}

type Runner = (text: string) => unknown;

function round(run: Runner, texts: readonly string[]): number {
  const start = process.hrtime.bigint();
  for (const t of texts) run(t);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return texts.length / seconds;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '20' },
      json: { type: 'boolean', default: false },
      'transformer-texts': { type: 'string', default: '512' },
      'transformer-batch': { type: 'string' },
    },
  });
  const loadAtStart = loadavg()[0];
  const budget = Number(values.seconds) * 1000;
  const texts = loadTexts();
  const chars = texts.reduce((n, t) => n + t.length, 0);
  const taxonomy = compileTaxonomy(defaultTaxonomy);
  const afinn = new Afinn();
  const runners: Record<string, Runner> = {
    [ENGINE_VERSION]: (t) => analyze(t, taxonomy),
    vader: (t) => vader.SentimentIntensityAnalyzer.polarity_scores(t),
    afinn: (t) => afinn.analyze(t),
  };

  for (const run of Object.values(runners)) round(run, texts); // warm-up: JIT and caches
  const rates: Record<string, number[]> = Object.fromEntries(Object.keys(runners).map((k) => [k, []]));
  const started = Date.now();
  do {
    for (const [name, run] of Object.entries(runners)) rates[name].push(round(run, texts));
  } while (Date.now() - started < budget || rates[ENGINE_VERSION].length < 3);

  const engine = median(rates[ENGINE_VERSION]);
  const vaderRate = median(rates.vader);
  const result = {
    texts: texts.length,
    avgChars: Math.round(chars / texts.length),
    rounds: rates[ENGINE_VERSION].length,
    perSecond: Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, Math.round(median(v))])),
    engineVsVader: Math.round((engine / vaderRate) * 100) / 100,
    targets: { atLeast3000PerSecond: engine >= 3000, fasterThanVader: engine > vaderRate },
    transformer: await benchTransformer(
      texts.slice(0, Number(values['transformer-texts'])),
      values['transformer-batch'] ? Number(values['transformer-batch']) : undefined,
    ),
    loadAverage: { start: round2(loadAtStart), end: round2(loadavg()[0]) },
  };
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log(
    `${texts.length} texts (Amazon Alexa reviews + DEV split), ${result.avgChars} characters on average; ${result.rounds} interleaved rounds, median shown, one core`,
  );
  console.log(`load average (1 min) ${result.loadAverage.start} at the start, ${result.loadAverage.end} at the end, on ${cpus} cores`);
  console.log('');
  const labels: Record<string, string> = {
    [ENGINE_VERSION]: `${ENGINE_VERSION} (full analysis)`,
    vader: 'vader (sentiment only)',
    afinn: 'afinn (word sum only)',
  };
  console.log(`${'analyser'.padEnd(28)}  verbatims/s`);
  console.log(`${'-'.repeat(28)}  -----------`);
  for (const [name, rate] of Object.entries(result.perSecond)) console.log(`${labels[name].padEnd(28)}  ${String(rate).padStart(11)}`);
  console.log('');
  console.log(`engine / VADER: ${result.engineVsVader}x`);
  console.log(
    `target >= 3,000/s: ${result.targets.atLeast3000PerSecond ? 'PASS' : 'FAIL'}; faster than VADER: ${result.targets.fasterThanVader ? 'PASS' : 'FAIL'}`,
  );
  console.log('');
  const t = result.transformer;
  if ('skipped' in t) console.log(`transformer engine: skipped, ${t.skipped}`);
  else {
    console.log(
      `transformer engine (${t.model}, batches of ${t.batch} texts, ${cpus} cores): ${t.perSecond} verbatims/s on ${t.texts} texts (model and taxonomy loaded in ${t.loadSeconds} s)`,
    );
    console.log(`  one text per call: ${t.oneAtATime.perSecond} verbatims/s on ${t.oneAtATime.texts} texts (batched: ${t.batchedVsOne}x)`);
    console.log(`target >= 300/s: ${t.perSecond >= 300 ? 'PASS' : 'FAIL'}`);
  }
}

const cpus = availableParallelism();
const round2 = (x: number) => Math.round(x * 100) / 100;

/** Texts per second of `run`. */
async function timed(texts: number, run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return texts / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** The transformer engine over `texts` in the worker's batches, and one text per call for scale. */
async function benchTransformer(
  texts: string[],
  batchOption: number | undefined,
): Promise<
  | { skipped: string }
  | {
      model: string;
      batch: number;
      texts: number;
      perSecond: number;
      oneAtATime: { texts: number; perSecond: number };
      batchedVsOne: number;
      loadSeconds: number;
    }
> {
  const config = loadConfig();
  const options = transformerOptionsFromConfig(config);
  const batch = batchOption ?? config.VERBATIM_ANALYSIS_BATCH;
  const { engine, warning } = await resolveEngine('auto', options);
  if (engine !== 'transformer') return { skipped: warning ?? 'model not installed' };
  const loading = Date.now();
  const analyzer = await transformerAnalyzer(options)({ ...defaultTaxonomy });
  const loadSeconds = (Date.now() - loading) / 1000;
  try {
    await analyzer.analyzeBatch(texts.slice(0, 64)); // warm-up
    const batched = await timed(texts.length, async () => {
      for (let i = 0; i < texts.length; i += batch) await analyzer.analyzeBatch(texts.slice(i, i + batch));
    });
    const few = texts.slice(0, 64);
    const single = await timed(few.length, async () => {
      for (const text of few) await analyzer.analyze(text);
    });
    return {
      model: options.embeddingModel,
      batch,
      texts: texts.length,
      perSecond: Math.round(batched),
      oneAtATime: { texts: few.length, perSecond: round2(single) },
      batchedVsOne: Math.round((batched / single) * 10) / 10,
      loadSeconds: Math.round(loadSeconds),
    };
  } finally {
    await analyzer.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

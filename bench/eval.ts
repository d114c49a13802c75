/**
 * `npm run eval`: the analysis engines against AFINN, VADER and keyword matching, side by side.
 * Headline: public corpora nobody in the project wrote (../shared/data/corpora), sentiment scored
 * leave-one-corpus-out (bench/lib/public-eval.ts). Then, as regression tests, the project's own
 * TEST split and the DEV/DEV2 tuning splits.
 *
 *   npx tsx bench/eval.ts [--json] [--details] [--errors N] [--taxonomy FILE] [--strict] [--no-public]
 *
 * --no-public skip the public corpora (only the regression splits, a few seconds)
 * --no-transformer  leave the transformer engine out (it runs when the model is installed; the first
 *             run embeds ~25,000 texts, cached in ~/.cache/verbatim/embeddings)
 * --details   per-theme scores and sentiment confusion matrices
 * --errors N  the engine's first N misses on each tuning split, DEV and DEV2 (never on TEST, which must stay unseen)
 * --taxonomy  evaluate with this taxonomy JSON instead of the engine's default one
 * --strict    exit with status 1 when a target fails
 * Env VERBATIM_AMAZON_TSV overrides the path of the Amazon reviews.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Taxonomy } from '../src/analysis/types.js';
import { keywordMatcher } from './lib/baselines.js';
import { fileIfExists, LABELS, loadLabelledJsonl, type Label } from './lib/datasets.js';
import { loadEngine } from './lib/engine.js';
import { evaluateDataset, targetChecks, type Analyzers, type DatasetResult, type DatasetSpec } from './lib/evaluate.js';
import { printDetails, printErrors, printReport, toJson } from './lib/report.js';
import { lexicalEngine, runPublicEval, type EngineSpec, type PublicEvalResult } from './lib/public-eval.js';
import { transformerEngine } from './lib/transformer-eval.js';
import { loadConfig } from '../src/config.js';
import { transformerOptionsFromConfig } from '../src/services/pipeline/analysis-engine.js';
import { printPublicReport, publicTargetChecks } from './lib/public-report.js';
import { shippedModel } from '../src/analysis/sentiment/learned.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const paths = {
  test: resolve(repoRoot, 'bench/data/eval/test.jsonl'),
  dev: resolve(repoRoot, 'bench/data/eval/dev.jsonl'),
  dev2: resolve(repoRoot, 'bench/data/eval/dev2.jsonl'),
};

async function main(): Promise<number> {
  const { values: opts } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      details: { type: 'boolean', default: false },
      errors: { type: 'string' },
      taxonomy: { type: 'string' },
      strict: { type: 'boolean', default: false },
      'no-public': { type: 'boolean', default: false },
      'no-transformer': { type: 'boolean', default: false },
    },
  });
  const notes: string[] = [];

  let publicResult: PublicEvalResult | null = null;
  if (!opts['no-public']) {
    const started = Date.now();
    const log = (s: string) => console.error(s);
    log('public corpora (leave-one-corpus-out training takes a minute or two) …');
    const lexical = lexicalEngine(shippedModel.trainedOn, log);
    const engines: EngineSpec[] = [lexical];
    // The transformer engine is a second column when the model is installed (its embeddings are cached on disk).
    const transformer = opts['no-transformer']
      ? { skipped: '--no-transformer' }
      : await transformerEngine(transformerOptionsFromConfig(loadConfig()), lexical.modelWithout, log);
    if ('skipped' in transformer) notes.push(`transformer engine not evaluated: ${transformer.skipped}`);
    else engines.push(transformer.engine);
    try {
      publicResult = await runPublicEval(engines, log);
    } finally {
      if (!('skipped' in transformer)) await transformer.dispose();
    }
    log(`  done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (!opts.json) printPublicReport(publicResult);
  }

  const loaded = await loadEngine();
  if (!loaded.ok) notes.push(`engine unavailable (${loaded.reason}); only baselines are measured`);

  let taxonomy: Taxonomy | null = null;
  let taxonomySource = 'none';
  if (opts.taxonomy) {
    taxonomy = JSON.parse(readFileSync(opts.taxonomy, 'utf8')) as Taxonomy;
    taxonomySource = opts.taxonomy;
  } else if (loaded.ok) {
    taxonomy = loaded.engine.defaultTaxonomy;
    taxonomySource = 'default';
  } else {
    notes.push('no taxonomy (engine missing and no --taxonomy): theme metrics skipped');
  }

  const analyzers: Analyzers = {
    engine: loaded.ok && taxonomy ? loaded.engine.analyzer(taxonomy) : null,
    keywords: taxonomy ? keywordMatcher(taxonomy) : null,
  };

  const specs: DatasetSpec[] = [];
  const three: readonly Label[] = LABELS;
  if (fileIfExists(paths.test)) {
    specs.push({ name: 'test', kind: 'test', items: loadLabelledJsonl(paths.test), classes: three, targeted: true });
  } else {
    notes.push(`TEST split not found at ${paths.test}: targets on our own labelled data are not judged`);
  }
  if (fileIfExists(paths.dev)) {
    specs.push({ name: 'dev (tuning)', kind: 'dev', items: loadLabelledJsonl(paths.dev), classes: three, targeted: false });
  } else {
    notes.push(`DEV split not found at ${paths.dev}`);
  }
  if (fileIfExists(paths.dev2)) {
    specs.push({ name: 'dev2 (tuning)', kind: 'dev', items: loadLabelledJsonl(paths.dev2), classes: three, targeted: false });
  }
  if (taxonomy) {
    const known = new Set(taxonomy.themes.map((t) => t.key));
    const unknown = new Set(
      specs.flatMap((s) => s.items.flatMap((it) => (it.themes ?? []).map((t) => t.key))).filter((k) => !known.has(k)),
    );
    if (unknown.size > 0) notes.push(`gold theme keys missing from the taxonomy (always misses): ${[...unknown].sort().join(', ')}`);
  }

  const results: DatasetResult[] = specs.map((spec) => evaluateDataset(spec, analyzers));
  // The headline targets are the public ones; the own splits stay as regression checks beside them.
  const publicChecks = publicResult ? publicTargetChecks(publicResult) : [];
  const checks = [...publicChecks, ...targetChecks(results)];
  const judged = checks.filter((c) => c.pass !== null);
  const pass = judged.length > 0 && analyzers.engine !== null ? judged.every((c) => c.pass) : null;
  const engineName = analyzers.engine ? (safeEngineName(analyzers.engine) ?? 'engine') : null;

  if (opts.json) {
    console.log(
      JSON.stringify(
        { public: publicResult, regression: toJson({ engineName, taxonomySource, taxonomy, results, checks, pass, notes }) },
        null,
        2,
      ),
    );
  } else {
    console.log("\nREGRESSION: the project's own splits (self-written; TEST held out, DEV/DEV2 tuned on and trained on)");
    printReport({ engineName, taxonomySource, taxonomy, results, checks, pass, notes });
    if (opts.details) printDetails(results);
    if (opts.errors !== undefined) {
      for (const spec of specs.filter((s) => s.kind === 'dev')) {
        const result = results.find((r) => r.name === spec.name);
        if (result) printErrors(result, spec.items, Number(opts.errors) || 20);
      }
    }
  }
  return opts.strict && pass !== true ? 1 : 0;
}

function safeEngineName(analyze: NonNullable<Analyzers['engine']>): string | null {
  try {
    return analyze('ok').engine;
  } catch {
    return null;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 2;
  },
);

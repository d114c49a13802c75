/**
 * `npm run eval`: the analysis engine against AFINN, VADER and keyword matching, side by side, on the
 * held-out TEST split, the DEV (tuning) split and the public Amazon Alexa reviews.
 *
 *   npx tsx bench/eval.ts [--json] [--details] [--errors N] [--taxonomy FILE] [--strict]
 *
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
import { distinctItems, fileIfExists, LABELS, loadAmazonTsv, loadLabelledJsonl, type Label } from './lib/datasets.js';
import { loadEngine } from './lib/engine.js';
import { evaluateDataset, targetChecks, type Analyzers, type DatasetResult, type DatasetSpec } from './lib/evaluate.js';
import { printDetails, printErrors, printReport, toJson } from './lib/report.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const paths = {
  test: resolve(repoRoot, 'bench/data/eval/test.jsonl'),
  dev: resolve(repoRoot, 'bench/data/eval/dev.jsonl'),
  dev2: resolve(repoRoot, 'bench/data/eval/dev2.jsonl'),
  amazon: process.env.VERBATIM_AMAZON_TSV || resolve(repoRoot, '../shared/data/amazon_alexa.tsv'),
};

async function main(): Promise<number> {
  const { values: opts } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      details: { type: 'boolean', default: false },
      errors: { type: 'string' },
      taxonomy: { type: 'string' },
      strict: { type: 'boolean', default: false },
    },
  });
  const notes: string[] = [];

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
  if (fileIfExists(paths.amazon)) {
    const amazon = loadAmazonTsv(paths.amazon);
    const two: readonly Label[] = ['positive', 'negative'];
    const distinct = distinctItems(amazon.items);
    specs.push({
      name: 'amazon_alexa',
      kind: 'external',
      items: amazon.items,
      classes: two,
      targeted: true,
      note: `${amazon.rows} rows: ${amazon.excludedNeutral} three-star and ${amazon.excludedEmpty} empty reviews left out; 4-5 stars positive, 1-2 negative`,
    });
    specs.push({
      name: 'amazon_alexa distinct',
      kind: 'external',
      items: distinct,
      classes: two,
      targeted: false,
      note: `the same without repeated (label, text) rows: ${distinct.length} of ${amazon.items.length} (informative)`,
    });
  } else {
    notes.push(`Amazon reviews not found at ${paths.amazon} (set VERBATIM_AMAZON_TSV): skipped`);
  }

  if (taxonomy) {
    const known = new Set(taxonomy.themes.map((t) => t.key));
    const unknown = new Set(
      specs.flatMap((s) => s.items.flatMap((it) => (it.themes ?? []).map((t) => t.key))).filter((k) => !known.has(k)),
    );
    if (unknown.size > 0) notes.push(`gold theme keys missing from the taxonomy (always misses): ${[...unknown].sort().join(', ')}`);
  }

  const results: DatasetResult[] = specs.map((spec) => evaluateDataset(spec, analyzers));
  const checks = targetChecks(results);
  const judged = checks.filter((c) => c.pass !== null);
  const pass = judged.length > 0 && analyzers.engine !== null ? judged.every((c) => c.pass) : null;
  const engineName = analyzers.engine ? (safeEngineName(analyzers.engine) ?? 'engine') : null;

  if (opts.json) {
    console.log(JSON.stringify(toJson({ engineName, taxonomySource, taxonomy, results, checks, pass, notes }), null, 2));
  } else {
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

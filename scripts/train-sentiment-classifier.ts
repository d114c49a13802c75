/**
 * Trains the fallback sentiment classifier (natural's BayesClassifier, see
 * src/analysis/sentiment/classifier.ts) on the labelled DEV split and writes
 * src/analysis/data/sentiment-classifier.json. Naive Bayes training is counting, so the same data
 * always gives the same file.
 *
 *   npx tsx scripts/train-sentiment-classifier.ts [--data bench/data/eval/dev.jsonl] [--cv 5]
 *
 * --cv K  instead of writing the file, estimates what the fallback adds: K folds of DEV, each scored
 *         with a classifier trained on the other folds (rules alone vs rules + classifier, macro-F1).
 * Never point it at the TEST split: that split must stay unseen.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BayesClassifier } from '../src/analysis/deps.js';
import { classifierFeatures, CLASSIFIER_MIN_PROBABILITY } from '../src/analysis/sentiment/classifier.js';
import { sanitize } from '../src/analysis/text/sanitize.js';
import { tokenize } from '../src/analysis/text/tokenize.js';
import { splitClauses } from '../src/analysis/text/clauses.js';
import { clauseWeight, labelOf, normalizeScore, scoreClause } from '../src/analysis/sentiment/score.js';

interface Row {
  text: string;
  sentiment: string;
}

const LABELS = ['positive', 'neutral', 'negative'];
const features = (text: string): string[] => classifierFeatures(tokenize(sanitize(text).text));

function train(rows: readonly Row[]) {
  const nb = new BayesClassifier();
  for (const r of rows) nb.addDocument(features(r.text), r.sentiment);
  nb.train();
  return nb;
}

/** The rules' label and how many cues they found (the classifier only speaks when there are none). */
function rules(text: string): { label: string; hits: number } {
  const tokens = tokenize(sanitize(text).text);
  let raw = 0;
  let hits = 0;
  for (const c of splitClauses(tokens)) {
    const s = scoreClause(tokens, c, { shouting: false });
    raw += clauseWeight(c) * s.raw;
    hits += s.hits;
  }
  return { label: labelOf(normalizeScore(raw), hits), hits };
}

function macroF1(gold: string[], predicted: string[]): number {
  const f1s = LABELS.map((l) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    gold.forEach((g, i) => {
      if (predicted[i] === l && g === l) tp++;
      else if (predicted[i] === l) fp++;
      else if (g === l) fn++;
    });
    const p = tp / Math.max(tp + fp, 1);
    const r = tp / Math.max(tp + fn, 1);
    return (2 * p * r) / Math.max(p + r, 1e-9);
  });
  return f1s.reduce((a, b) => a + b, 0) / f1s.length;
}

function crossValidate(rows: Row[], folds: number): void {
  const alone: string[] = [];
  const combined: string[] = [];
  for (let k = 0; k < folds; k++) {
    const nb = train(rows.filter((_, i) => i % folds !== k));
    rows.forEach((r, i) => {
      if (i % folds !== k) return;
      const rule = rules(r.text);
      alone[i] = rule.label;
      const classes = nb.getClassifications(features(r.text));
      const total = classes.reduce((s, c) => s + c.value, 0);
      const top = classes[0];
      combined[i] = rule.hits === 0 && total > 0 && top.value / total >= CLASSIFIER_MIN_PROBABILITY ? top.label : rule.label;
    });
  }
  const gold = rows.map((r) => r.sentiment);
  console.log(`${folds}-fold CV on ${rows.length} rows, sentiment macro-F1:`);
  console.log(`  rules alone           ${(100 * macroF1(gold, alone)).toFixed(1)}`);
  console.log(`  rules + classifier    ${(100 * macroF1(gold, combined)).toFixed(1)}`);
}

function main(): void {
  const { values } = parseArgs({ options: { data: { type: 'string', default: 'bench/data/eval/dev.jsonl' }, cv: { type: 'string' } } });
  const dataPath = values.data;
  if (/test\.jsonl$/.test(dataPath)) throw new Error('refusing to train on the TEST split');
  const rows = readFileSync(dataPath, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Row)
    .filter((r) => LABELS.includes(r.sentiment));
  if (values.cv) {
    crossValidate(rows, Number(values.cv));
    return;
  }
  const out = fileURLToPath(new URL('../src/analysis/data/sentiment-classifier.json', import.meta.url));
  writeFileSync(out, JSON.stringify(train(rows)) + '\n');
  console.log(`sentiment-classifier.json: natural BayesClassifier trained on ${rows.length} rows of ${dataPath}`);
}

main();

/**
 * Evaluation metrics, kept free of I/O so the F1 arithmetic is unit-tested on its own.
 */

interface ClassScore {
  precision: number;
  recall: number;
  f1: number;
  /** Gold items of this class. */
  support: number;
}

export interface ClassificationReport {
  n: number;
  accuracy: number;
  /** Unweighted mean of the per-class F1 over the evaluated classes. */
  macroF1: number;
  perClass: Record<string, ClassScore>;
}

export interface SetMatchReport {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Precision/recall/F1 from counts; an empty denominator gives 0 rather than NaN. */
export function prf(tp: number, fp: number, fn: number): { precision: number; recall: number; f1: number } {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/**
 * Single-label classification. `classes` are the labels macro-F1 averages over; a prediction outside
 * them (e.g. "neutral" on two-class ground truth) is simply wrong: it lowers the gold class's recall
 * without counting as a false positive of any evaluated class.
 */
export function classificationReport(
  gold: readonly string[],
  predicted: readonly string[],
  classes: readonly string[],
): ClassificationReport {
  if (gold.length !== predicted.length) {
    throw new Error(`gold has ${gold.length} labels but predictions have ${predicted.length}`);
  }
  let correct = 0;
  const counts = new Map(classes.map((c) => [c, { tp: 0, fp: 0, fn: 0 }]));
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i];
    const p = predicted[i];
    if (g === p) correct++;
    const gc = counts.get(g);
    const pc = counts.get(p);
    if (g === p) {
      if (gc) gc.tp++;
    } else {
      if (gc) gc.fn++;
      if (pc) pc.fp++;
    }
  }
  const perClass: Record<string, ClassScore> = {};
  for (const c of classes) {
    const k = counts.get(c)!;
    perClass[c] = { ...prf(k.tp, k.fp, k.fn), support: k.tp + k.fn };
  }
  const macroF1 = classes.length === 0 ? 0 : classes.reduce((s, c) => s + perClass[c].f1, 0) / classes.length;
  return { n: gold.length, accuracy: gold.length === 0 ? 0 : correct / gold.length, macroF1, perClass };
}

/** Micro-averaged precision/recall/F1 of predicted label sets against gold sets (multi-label). */
export function microSetReport(gold: readonly (readonly string[])[], predicted: readonly (readonly string[])[]): SetMatchReport {
  if (gold.length !== predicted.length) {
    throw new Error(`gold has ${gold.length} items but predictions have ${predicted.length}`);
  }
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = new Set(gold[i]);
    const p = new Set(predicted[i]);
    for (const key of p) {
      if (g.has(key)) tp++;
      else fp++;
    }
    for (const key of g) if (!p.has(key)) fn++;
  }
  return { tp, fp, fn, ...prf(tp, fp, fn) };
}

/** Per-label precision/recall/F1 of a multi-label prediction, for the detail tables. */
export function perLabelSetReport(
  gold: readonly (readonly string[])[],
  predicted: readonly (readonly string[])[],
): Record<string, SetMatchReport> {
  const labels = new Set<string>();
  for (const s of [...gold, ...predicted]) for (const l of s) labels.add(l);
  const out: Record<string, SetMatchReport> = {};
  for (const label of [...labels].sort()) {
    out[label] = microSetReport(
      gold.map((s) => (s.includes(label) ? [label] : [])),
      predicted.map((s) => (s.includes(label) ? [label] : [])),
    );
  }
  return out;
}

export interface ThemeSentimentReport {
  /** Themes found in both gold and prediction. */
  n: number;
  correct: number;
  accuracy: number;
}

/**
 * Aspect-sentiment accuracy: over the themes that are both gold and predicted for an item, the share
 * whose predicted sentiment equals the gold one. Themes only one side has are the theme metric's business.
 */
export function themeSentimentReport(
  gold: readonly ReadonlyMap<string, string>[],
  predicted: readonly ReadonlyMap<string, string>[],
): ThemeSentimentReport {
  if (gold.length !== predicted.length) {
    throw new Error(`gold has ${gold.length} items but predictions have ${predicted.length}`);
  }
  let n = 0;
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    for (const [key, label] of gold[i]) {
      const p = predicted[i].get(key);
      if (p === undefined) continue;
      n++;
      if (p === label) correct++;
    }
  }
  return { n, correct, accuracy: n === 0 ? 0 : correct / n };
}

/** Row-gold × column-predicted counts, for the detail tables. */
export function confusionMatrix(gold: readonly string[], predicted: readonly string[], labels: readonly string[]): number[][] {
  const index = new Map(labels.map((l, i) => [l, i]));
  const m = labels.map(() => labels.map(() => 0));
  for (let i = 0; i < gold.length; i++) {
    const r = index.get(gold[i]);
    const c = index.get(predicted[i]);
    if (r !== undefined && c !== undefined) m[r][c]++;
  }
  return m;
}

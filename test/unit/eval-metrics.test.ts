import { describe, expect, it } from 'vitest';
import {
  classificationReport,
  confusionMatrix,
  microSetReport,
  perLabelSetReport,
  prf,
  themeSentimentReport,
} from '../../bench/lib/metrics.js';

describe('prf', () => {
  it('computes precision, recall and their harmonic mean', () => {
    const r = prf(6, 2, 4); // P = 6/8, R = 6/10
    expect(r.precision).toBeCloseTo(0.75);
    expect(r.recall).toBeCloseTo(0.6);
    expect(r.f1).toBeCloseTo((2 * 0.75 * 0.6) / 1.35);
  });

  it('gives 0, not NaN, when nothing is predicted or expected', () => {
    expect(prf(0, 0, 0)).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(prf(0, 3, 0).f1).toBe(0);
  });
});

describe('classificationReport', () => {
  const classes = ['positive', 'neutral', 'negative'];

  it('averages per-class F1 without weighting by support', () => {
    const gold = ['positive', 'positive', 'positive', 'negative', 'neutral'];
    const pred = ['positive', 'positive', 'negative', 'negative', 'positive'];
    const r = classificationReport(gold, pred, classes);
    expect(r.accuracy).toBeCloseTo(3 / 5);
    // positive: tp 2, fp 1, fn 1 → F1 2/3; negative: tp 1, fp 1, fn 0 → F1 2/3; neutral: tp 0 → 0.
    expect(r.perClass.positive.f1).toBeCloseTo(2 / 3);
    expect(r.perClass.negative.f1).toBeCloseTo(2 / 3);
    expect(r.perClass.neutral.f1).toBe(0);
    expect(r.perClass.positive.support).toBe(3);
    expect(r.macroF1).toBeCloseTo(4 / 9);
  });

  it('counts a prediction outside the evaluated classes as wrong but as nobody’s false positive', () => {
    const gold = ['positive', 'negative', 'negative'];
    const pred = ['positive', 'neutral', 'negative'];
    const r = classificationReport(gold, pred, ['positive', 'negative']);
    expect(r.accuracy).toBeCloseTo(2 / 3);
    expect(r.perClass.positive.f1).toBe(1);
    expect(r.perClass.negative.precision).toBe(1);
    expect(r.perClass.negative.recall).toBeCloseTo(0.5);
    expect(r.macroF1).toBeCloseTo((1 + 2 / 3) / 2);
  });

  it('rejects misaligned inputs', () => {
    expect(() => classificationReport(['positive'], [], classes)).toThrow();
  });
});

describe('microSetReport', () => {
  it('pools (item, label) pairs over all items', () => {
    const gold = [['billing', 'pricing'], [], ['delivery']];
    const pred = [['billing'], ['pricing'], ['delivery', 'communication']];
    const r = microSetReport(gold, pred);
    expect(r).toMatchObject({ tp: 2, fp: 2, fn: 1 });
    expect(r.precision).toBeCloseTo(0.5);
    expect(r.recall).toBeCloseTo(2 / 3);
    expect(r.f1).toBeCloseTo(4 / 7);
  });

  it('ignores duplicate keys within one item', () => {
    expect(microSetReport([['billing']], [['billing', 'billing']])).toMatchObject({ tp: 1, fp: 0, fn: 0, f1: 1 });
  });

  it('splits per label consistently with the micro total', () => {
    const gold = [['a', 'b'], ['b']];
    const pred = [['a'], ['b', 'c']];
    const per = perLabelSetReport(gold, pred);
    expect(Object.keys(per)).toEqual(['a', 'b', 'c']);
    const sum = Object.values(per).reduce((s, r) => ({ tp: s.tp + r.tp, fp: s.fp + r.fp, fn: s.fn + r.fn }), { tp: 0, fp: 0, fn: 0 });
    expect(sum).toEqual({ tp: 2, fp: 1, fn: 1 });
  });
});

describe('themeSentimentReport', () => {
  it('scores only themes present on both sides', () => {
    const gold = [
      new Map([
        ['billing', 'negative'],
        ['pricing', 'positive'],
      ]),
      new Map([['delivery', 'negative']]),
    ];
    const pred = [
      new Map([
        ['billing', 'negative'],
        ['support', 'negative'],
      ]),
      new Map([['delivery', 'neutral']]),
    ];
    expect(themeSentimentReport(gold, pred)).toEqual({ n: 2, correct: 1, accuracy: 0.5 });
  });

  it('is 0 with no overlapping themes', () => {
    expect(themeSentimentReport([new Map([['a', 'positive']])], [new Map()])).toEqual({ n: 0, correct: 0, accuracy: 0 });
  });
});

describe('confusionMatrix', () => {
  it('counts gold rows against predicted columns', () => {
    const m = confusionMatrix(['p', 'p', 'n'], ['p', 'n', 'n'], ['p', 'n']);
    expect(m).toEqual([
      [1, 1],
      [0, 1],
    ]);
  });
});

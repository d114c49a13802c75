/**
 * Runs the engine and the baselines over one data set and scores them.
 */
import type { AnalysisResult } from '../../src/analysis/types.js';
import { afinnLabel, vaderLabel, type KeywordMatcher } from './baselines.js';
import type { EvalItem, Label } from './datasets.js';
import {
  classificationReport,
  microSetReport,
  themeSentimentReport,
  type ClassificationReport,
  type SetMatchReport,
  type ThemeSentimentReport,
} from './metrics.js';

type SplitKind = 'test' | 'dev' | 'external';

export interface DatasetSpec {
  name: string;
  kind: SplitKind;
  items: EvalItem[];
  /** Classes macro-F1 averages over: all three, or positive/negative for two-class ground truth. */
  classes: readonly Label[];
  /** Held-out data the targets are judged on (never the tuning split). */
  targeted: boolean;
  note?: string;
}

interface Prediction {
  label: Label;
  themes: Map<string, Label>;
}

export interface DatasetResult {
  name: string;
  kind: SplitKind;
  targeted: boolean;
  note?: string;
  n: number;
  classes: readonly Label[];
  sentiment: { engine: ClassificationReport | null; afinn: ClassificationReport; vader: ClassificationReport };
  /** Null when the data set has no theme labels or no taxonomy is available. */
  themes: { engine: SetMatchReport | null; keyword: SetMatchReport } | null;
  themeSentiment: { engine: ThemeSentimentReport | null; keywordVader: ThemeSentimentReport } | null;
  margins: { sentimentPoints: number | null; themePoints: number | null };
  engineErrors: number;
  /** Gold labels and raw predictions, kept for the detail tables; not serialised. */
  raw: {
    gold: Label[];
    goldThemes: string[][] | null;
    engine: Prediction[] | null;
    keyword: string[][] | null;
    vader: Label[];
  };
}

export interface Analyzers {
  engine: ((text: string) => AnalysisResult) | null;
  keywords: KeywordMatcher | null;
}

function engineLabel(x: string): Label {
  return x === 'positive' || x === 'negative' ? x : 'neutral';
}

export function evaluateDataset(spec: DatasetSpec, analyzers: Analyzers): DatasetResult {
  const gold = spec.items.map((it) => it.sentiment);
  const hasThemes = spec.items.every((it) => it.themes !== undefined);

  let engineErrors = 0;
  const enginePreds: Prediction[] | null = analyzers.engine
    ? spec.items.map((it) => {
        try {
          const r = analyzers.engine!(it.text);
          return {
            label: engineLabel(r.sentiment.label),
            themes: new Map(r.themes.map((t) => [t.key, engineLabel(t.sentiment.label)])),
          };
        } catch {
          // A crash is scored as a neutral, theme-less answer and counted, so one bad row cannot hide the rest.
          engineErrors++;
          return { label: 'neutral', themes: new Map() };
        }
      })
    : null;
  const vader = spec.items.map((it) => vaderLabel(it.text));
  const afinn = spec.items.map((it) => afinnLabel(it.text));

  const sentiment = {
    engine: enginePreds
      ? classificationReport(
          gold,
          enginePreds.map((p) => p.label),
          spec.classes,
        )
      : null,
    afinn: classificationReport(gold, afinn, spec.classes),
    vader: classificationReport(gold, vader, spec.classes),
  };
  const betterBaseline = Math.max(sentiment.afinn.macroF1, sentiment.vader.macroF1);

  let themes: DatasetResult['themes'] = null;
  let themeSentiment: DatasetResult['themeSentiment'] = null;
  let keywordPreds: string[][] | null = null;
  const goldThemes = hasThemes ? spec.items.map((it) => it.themes!.map((t) => t.key)) : null;
  if (goldThemes && analyzers.keywords) {
    const goldThemeSentiment = spec.items.map((it) => new Map(it.themes!.map((t) => [t.key, t.sentiment])));
    keywordPreds = spec.items.map((it) => analyzers.keywords!(it.text));
    themes = {
      engine: enginePreds
        ? microSetReport(
            goldThemes,
            enginePreds.map((p) => [...p.themes.keys()]),
          )
        : null,
      keyword: microSetReport(goldThemes, keywordPreds),
    };
    // The baseline gives every keyword theme the whole text's VADER label: no aspect-level sentiment.
    const keywordVader = keywordPreds.map((keys, i) => new Map(keys.map((k) => [k, vader[i]])));
    themeSentiment = {
      engine: enginePreds
        ? themeSentimentReport(
            goldThemeSentiment,
            enginePreds.map((p) => p.themes),
          )
        : null,
      keywordVader: themeSentimentReport(goldThemeSentiment, keywordVader),
    };
  }

  return {
    name: spec.name,
    kind: spec.kind,
    targeted: spec.targeted,
    note: spec.note,
    n: spec.items.length,
    classes: spec.classes,
    sentiment,
    themes,
    themeSentiment,
    margins: {
      sentimentPoints: sentiment.engine ? 100 * (sentiment.engine.macroF1 - betterBaseline) : null,
      themePoints: themes?.engine ? 100 * (themes.engine.f1 - themes.keyword.f1) : null,
    },
    engineErrors,
    raw: { gold, goldThemes, engine: enginePreds, keyword: keywordPreds, vader },
  };
}

export interface TargetCheck {
  target: string;
  dataset: string;
  value: number | null;
  required: string;
  pass: boolean | null;
}

/** The targets: +10 points sentiment macro-F1 and theme micro-F1 over the baselines, aspect sentiment > 70%. */
const TARGETS = { sentimentMarginPoints: 10, themeMarginPoints: 10, themeSentimentAccuracy: 0.7 } as const;

export function targetChecks(results: readonly DatasetResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const r of results) {
    const held = r.targeted;
    const judge = (ok: boolean | null) => (held ? ok : null);
    checks.push({
      target: 'sentiment macro-F1 margin (pts)',
      dataset: r.name,
      value: r.margins.sentimentPoints,
      required: `>= +${TARGETS.sentimentMarginPoints}`,
      pass: judge(r.margins.sentimentPoints === null ? false : r.margins.sentimentPoints >= TARGETS.sentimentMarginPoints),
    });
    if (r.themes) {
      checks.push({
        target: 'theme micro-F1 margin (pts)',
        dataset: r.name,
        value: r.margins.themePoints,
        required: `>= +${TARGETS.themeMarginPoints}`,
        pass: judge(r.margins.themePoints === null ? false : r.margins.themePoints >= TARGETS.themeMarginPoints),
      });
    }
    if (r.themeSentiment) {
      const acc = r.themeSentiment.engine ? r.themeSentiment.engine.accuracy : null;
      checks.push({
        target: 'theme-sentiment accuracy (%)',
        dataset: r.name,
        value: acc === null ? null : 100 * acc,
        required: `> ${100 * TARGETS.themeSentimentAccuracy}`,
        pass: judge(acc === null ? false : acc > TARGETS.themeSentimentAccuracy),
      });
    }
  }
  return checks;
}

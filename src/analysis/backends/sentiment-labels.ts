/**
 * Turns the class probabilities of a sentiment model into the engine's
 * three-way sentiment. Models name their classes differently
 * (POSITIVE/NEGATIVE, negative/neutral/positive, LABEL_0..2, "1 star".."5 stars"),
 * so each class is mapped once to a polarity weight in [-1, 1].
 */
import type { SentimentLabel } from '../types.js';

export interface ModelSentiment {
  label: SentimentLabel;
  /** Polarity in [-1, 1]: expected value of the class weights under the model's probabilities. */
  score: number;
  /** Probability mass behind the label, in [0, 1]. */
  confidence: number;
}

/** Polarity weight of each of the model's labels. */
export type LabelWeights = ReadonlyMap<string, number>;

const INDEXED_LABEL_WEIGHTS: Record<number, number[]> = {
  2: [-1, 1],
  3: [-1, 0, 1],
  5: [-1, -0.5, 0, 0.5, 1],
};

/** For binary models (no neutral class), polarities closer to 0 than this read as neutral. */
const BINARY_NEUTRAL_BAND = 0.3;

function namedLabelWeight(label: string): number | undefined {
  const name = label.trim().toLowerCase();
  const stars = /^([1-5])\s*stars?$/.exec(name);
  if (stars) return (Number(stars[1]) - 3) / 2;
  if (name === 'neg' || name.includes('negative')) return -1;
  if (name === 'pos' || name.includes('positive')) return 1;
  if (name === 'neu' || name.includes('neutral')) return 0;
  return undefined;
}

/** Maps the model's id2label (from its config.json) to polarity weights; throws on labels it cannot read. */
export function labelWeightsFromConfig(id2label: Record<string, string> | undefined, modelId: string): LabelWeights {
  const labels = Object.entries(id2label ?? {})
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, label]) => label);
  if (labels.length < 2) {
    throw new Error(`Sentiment model "${modelId}" has no usable id2label in its config.json (need at least two classes).`);
  }
  const weights = new Map<string, number>();
  const indexed = INDEXED_LABEL_WEIGHTS[labels.length];
  labels.forEach((label, i) => {
    const named = namedLabelWeight(label);
    const byIndex = /^label_\d+$/i.test(label) && indexed ? indexed[i] : undefined;
    const weight = named ?? byIndex;
    if (weight === undefined) {
      throw new Error(
        `Sentiment model "${modelId}": cannot map class "${label}" to positive/neutral/negative ` +
          `(labels: ${labels.join(', ')}). Use a model whose id2label names its sentiment classes.`,
      );
    }
    weights.set(label, weight);
  });
  return weights;
}

/** Reads one text's class probabilities ({label, score}[] from the pipeline with topk 0). */
export function toModelSentiment(classes: ReadonlyArray<{ label: string; score: number }>, weights: LabelWeights): ModelSentiment {
  let polarity = 0;
  const mass: Record<SentimentLabel, number> = { positive: 0, neutral: 0, negative: 0 };
  for (const { label, score } of classes) {
    const weight = weights.get(label) ?? 0;
    polarity += score * weight;
    mass[weight > 0 ? 'positive' : weight < 0 ? 'negative' : 'neutral'] += score;
  }
  const score = Math.max(-1, Math.min(1, polarity));
  const hasNeutralClass = [...weights.values()].some((w) => w === 0);
  if (!hasNeutralClass) {
    if (Math.abs(score) < BINARY_NEUTRAL_BAND) return { label: 'neutral', score, confidence: 1 - Math.abs(score) };
    const label: SentimentLabel = score > 0 ? 'positive' : 'negative';
    return { label, score, confidence: mass[label] };
  }
  const label = (['negative', 'neutral', 'positive'] as const).reduce(
    (best, l) => (mass[l] > mass[best] ? l : best),
    'neutral' as SentimentLabel,
  );
  return { label, score, confidence: mass[label] };
}

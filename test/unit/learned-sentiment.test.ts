import { describe, expect, it } from 'vitest';
import { train, textExamples, TRAIN_DEFAULTS } from '../../bench/lib/train.js';
import { argmaxLabel, logits, modelFromData, shippedModel, softmax } from '../../src/analysis/sentiment/learned.js';
import { learnedSentimentInputs } from '../../src/analysis/analyze.js';
import type { SentimentItem } from '../../bench/lib/corpora.js';

const toy: SentimentItem[] = [
  ...['lovely staff', 'great value', 'really happy', 'wonderful service', 'works perfectly'].map((text) => ({
    text,
    label: 'positive' as const,
  })),
  ...['awful staff', 'terrible value', 'really angry', 'rude service', 'broke twice'].map((text) => ({ text, label: 'negative' as const })),
  ...['the parcel came on tuesday', 'i have two accounts', 'it is blue', 'we moved in may', 'my name is sam'].map((text) => ({
    text,
    label: 'neutral' as const,
  })),
];
const options = { ...TRAIN_DEFAULTS, hashBits: 12, epochs: 20 };

describe('learned sentiment model', () => {
  it('trains deterministically: the same data and seed give the same weights', () => {
    const a = train(textExamples(toy, 'toy'), options);
    const b = train(textExamples(toy, 'toy'), options);
    expect(a).toEqual(b);
    expect(train(textExamples(toy, 'toy'), { ...options, seed: 7 }).hashed).not.toEqual(a.hashed);
  });

  it('learns its training data back through the quantised weights', () => {
    const model = modelFromData(train(textExamples(toy, 'toy'), options));
    for (const item of toy) {
      const f = learnedSentimentInputs(item.text).text;
      expect(argmaxLabel(softmax(logits(model, f.hashes, f.dense)))).toBe(item.label);
    }
  });

  it('refuses weights that do not match the feature layout', () => {
    const data = train(textExamples(toy, 'toy'), options);
    expect(() => modelFromData({ ...data, hashBits: 13 })).toThrow(/npm run train/);
  });

  it('ships a model trained on the public corpora, never on the TEST split', () => {
    expect(shippedModel.trainedOn).toEqual(expect.arrayContaining(['tweeteval', 'uci', 'amazon5', 'clothing', 'alexa', 'laptops', 'own']));
    expect(shippedModel.trainedOn).not.toContain('test');
  });
});

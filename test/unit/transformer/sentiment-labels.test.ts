import { describe, expect, it } from 'vitest';
import { labelWeightsFromConfig, toModelSentiment } from '../../../src/analysis/backends/sentiment-labels.js';

describe('sentiment model labels', () => {
  it('reads named three-class labels', () => {
    const weights = labelWeightsFromConfig({ 0: 'negative', 1: 'neutral', 2: 'positive' }, 'm');
    const result = toModelSentiment(
      [
        { label: 'positive', score: 0.7 },
        { label: 'neutral', score: 0.2 },
        { label: 'negative', score: 0.1 },
      ],
      weights,
    );
    expect(result.label).toBe('positive');
    expect(result.score).toBeCloseTo(0.6);
    expect(result.confidence).toBeCloseTo(0.7);
  });

  it('reads LABEL_n classes by position (negative, neutral, positive)', () => {
    const weights = labelWeightsFromConfig({ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' }, 'm');
    expect([...weights.values()]).toEqual([-1, 0, 1]);
    const result = toModelSentiment(
      [
        { label: 'LABEL_0', score: 0.8 },
        { label: 'LABEL_1', score: 0.15 },
        { label: 'LABEL_2', score: 0.05 },
      ],
      weights,
    );
    expect(result.label).toBe('negative');
  });

  it('reads star ratings as graded polarity', () => {
    const weights = labelWeightsFromConfig({ 0: '1 star', 1: '2 stars', 2: '3 stars', 3: '4 stars', 4: '5 stars' }, 'm');
    expect([...weights.values()]).toEqual([-1, -0.5, 0, 0.5, 1]);
    const result = toModelSentiment(
      [
        { label: '4 stars', score: 0.5 },
        { label: '5 stars', score: 0.3 },
        { label: '3 stars', score: 0.2 },
      ],
      weights,
    );
    expect(result.label).toBe('positive');
    expect(result.score).toBeCloseTo(0.55);
    expect(result.confidence).toBeCloseTo(0.8);
  });

  it('reads an unsure binary model as neutral', () => {
    const weights = labelWeightsFromConfig({ 0: 'NEGATIVE', 1: 'POSITIVE' }, 'm');
    const unsure = toModelSentiment(
      [
        { label: 'POSITIVE', score: 0.55 },
        { label: 'NEGATIVE', score: 0.45 },
      ],
      weights,
    );
    expect(unsure.label).toBe('neutral');
    const sure = toModelSentiment(
      [
        { label: 'NEGATIVE', score: 0.95 },
        { label: 'POSITIVE', score: 0.05 },
      ],
      weights,
    );
    expect(sure).toMatchObject({ label: 'negative', confidence: 0.95 });
    expect(sure.score).toBeCloseTo(-0.9);
  });

  it('refuses labels it cannot map, naming them', () => {
    expect(() => labelWeightsFromConfig({ 0: 'joy', 1: 'anger' }, 'emotions')).toThrow(/"emotions".*"joy"/);
    expect(() => labelWeightsFromConfig(undefined, 'bare')).toThrow(/id2label/);
  });
});

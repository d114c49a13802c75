import { describe, expect, it } from 'vitest';
import {
  applyAdapter,
  featureVector,
  prototypeThemes,
  trainAdapter,
  type CorrectionExample,
} from '../../../src/analysis/adapter/adapter.js';
import type { Sentiment, ThemeMatch } from '../../../src/analysis/types.js';

const theme = (key: string, label: string) => ({ key, label });
const examples: CorrectionExample[] = [
  { text: 'my new card has not arrived yet', themes: [theme('cards', 'Cards')], sentiment: null, predictedSentiment: null },
  { text: 'when will my card arrive in the post', themes: [theme('cards', 'Cards')], sentiment: null, predictedSentiment: null },
  { text: 'the transfer to my friend failed', themes: [theme('transfers', 'Transfers')], sentiment: null, predictedSentiment: null },
  { text: 'why was my bank transfer declined', themes: [theme('transfers', 'Transfers')], sentiment: null, predictedSentiment: null },
];
const neutral: Sentiment = { label: 'neutral', score: 0, confidence: 0.5 };
const result = (themes: ThemeMatch[] = [], sentiment: Sentiment = neutral) => ({ themes, sentiment });

describe('the corrections adapter', () => {
  it('hashes text into a unit vector', () => {
    const v = featureVector('Card card arrived');
    expect([...v.values()].reduce((a, w) => a + w * w, 0)).toBeCloseTo(1, 10);
    expect(featureVector('')).toEqual(new Map());
  });

  it('learns one prototype per corrected theme and finds the theme in new text', () => {
    const adapter = trainAdapter(examples, 3);
    expect(adapter.version).toBe(3);
    expect(adapter.prototypes.map((p) => [p.key, p.support])).toEqual([
      ['cards', 2],
      ['transfers', 2],
    ]);
    expect(prototypeThemes('my card has still not arrived', adapter)[0]?.key).toBe('cards');
    expect(prototypeThemes('the transfer failed again', adapter)[0]?.key).toBe('transfers');
    expect(prototypeThemes('lovely weather today', adapter)).toEqual([]);
  });

  it('adds the best prototype theme when the engine found none, and ignores retired themes', () => {
    const adapter = trainAdapter(examples, 1);
    const applied = applyAdapter(result(), 'my card has still not arrived', adapter);
    expect(applied.themes.map((t) => t.key)).toEqual(['cards']);
    expect(applied.themes[0]).toMatchObject({ label: 'Cards', evidence: [], sentiment: neutral });
    expect(applyAdapter(result(), 'my card has still not arrived', adapter, new Set(['transfers'])).themes).toEqual([]);
    // No adapter, or nothing to add: the very same result.
    const untouched = result();
    expect(applyAdapter(untouched, 'anything', null)).toBe(untouched);
    expect(applyAdapter(untouched, 'lovely weather today', adapter)).toBe(untouched);
  });

  it('keeps the engine themes and adds a prototype beside them only when it is very close', () => {
    const adapter = trainAdapter(examples, 1);
    const engine: ThemeMatch = {
      key: 'fees',
      label: 'Fees',
      confidence: 0.7,
      sentiment: neutral,
      evidence: [{ start: 0, end: 4, text: 'fees' }],
    };
    expect(applyAdapter(result([engine]), 'fees and my card has not arrived', adapter).themes.map((t) => t.key)).toEqual(['fees']);
    expect(applyAdapter(result([engine]), 'my new card has not arrived yet', adapter).themes.map((t) => t.key)).toEqual(['fees', 'cards']);
  });

  it('calibrates a sentiment label that people mostly correct to another, on enough evidence', () => {
    const moved = (predicted: 'positive' | 'neutral', sentiment: 'negative' | 'neutral', n: number): CorrectionExample[] =>
      Array.from({ length: n }, (_, i) => ({ text: `text ${i}`, themes: null, sentiment, predictedSentiment: predicted }));
    const adapter = trainAdapter(
      [...moved('neutral', 'negative', 4), ...moved('neutral', 'neutral', 1), ...moved('positive', 'negative', 3)],
      1,
    );
    expect(adapter.sentimentRemap).toEqual({ neutral: 'negative' }); // positive → negative has only 3 corrections
    const applied = applyAdapter(result([], { label: 'neutral', score: 0, confidence: 0.4 }), 'text', adapter);
    expect(applied.sentiment.label).toBe('negative');
    expect(applied.sentiment.score).toBeLessThan(0);
    expect(applyAdapter(result([], { label: 'positive', score: 0.5, confidence: 0.8 }), 'text', adapter).sentiment.label).toBe('positive');
  });
});

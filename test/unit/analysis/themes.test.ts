import { describe, expect, it } from 'vitest';
import { analyze, aspectSentiments, compileTaxonomy, defaultTaxonomy, validateTaxonomy } from '../../../src/analysis/index.js';
import { run, themeKeys, themeOf } from './helpers.js';

describe('default taxonomy', () => {
  it('has the 20 agreed theme keys, each with a description, keywords and examples', () => {
    expect(defaultTaxonomy.themes.map((t) => t.key)).toEqual([
      'product_quality',
      'ease_of_use',
      'reliability',
      'performance',
      'missing_features',
      'customer_support',
      'response_time',
      'staff_attitude',
      'onboarding',
      'documentation',
      'pricing',
      'billing',
      'delivery',
      'communication',
      'account_management',
      'integrations',
      'mobile_app',
      'security_privacy',
      'connectivity',
      'cleanliness_comfort',
    ]);
    for (const t of defaultTaxonomy.themes) {
      expect(t.description).toBeTruthy();
      expect(t.keywords.length).toBeGreaterThan(3);
      expect(t.examples.length).toBeGreaterThan(3);
    }
  });
});

describe('theme matching', () => {
  it('matches keywords through inflections (stems and lemmas)', () => {
    expect(themeKeys('It crashed twice today')).toContain('reliability');
    expect(themeKeys('Both deliveries were late')).toContain('delivery');
    expect(themeKeys('The invoices are always wrong')).toContain('billing');
  });

  it('matches multi-word keywords in order or with their words close together', () => {
    expect(themeKeys('Customer service sorted it.')).toContain('customer_support');
    expect(themeKeys('I was left on hold for ages')).toContain('response_time');
  });

  it('finds a theme the verbatim words differently from its keywords, through the examples', () => {
    // No keyword of staff_attitude here; its examples mention a waiter seeming annoyed.
    expect(themeKeys('the waiter seemed really annoyed with us')).toContain('staff_attitude');
    expect(themeKeys('half the endpoints in the api docs are outdated')).toContain('documentation');
  });

  it('attaches a describing word to the theme named beside it', () => {
    // "slow" describes the delivery, not the software's performance.
    expect(themeKeys('delivery was slow')).toEqual(['delivery']);
    expect(themeKeys('the app is slow')).toContain('performance');
  });

  it('does not report themes for generic praise or anger', () => {
    expect(themeKeys('love it!!')).toEqual([]);
    expect(themeKeys('worst company ever')).toEqual([]);
  });

  it('returns evidence spans that point into the text', () => {
    const text = 'The parcel arrived damaged and I was charged twice.';
    const r = run(text);
    expect(r.themes.map((t) => t.key).sort()).toEqual(['billing', 'delivery']);
    for (const t of r.themes) {
      expect(t.evidence.length).toBeGreaterThan(0);
      for (const e of t.evidence) expect(text.slice(e.start, e.end)).toBe(e.text);
      expect(t.confidence).toBeGreaterThan(0);
      expect(t.confidence).toBeLessThanOrEqual(1);
    }
  });
});

describe('aspect-level sentiment', () => {
  it('gives each theme the sentiment of the clauses that mention it', () => {
    const text = 'The staff were lovely, the room was dirty.';
    expect(themeOf(text, 'staff_attitude')?.sentiment.label).toBe('positive');
    expect(themeOf(text, 'cleanliness_comfort')?.sentiment.label).toBe('negative');
  });

  it('separates aspects across a contrast', () => {
    const text = 'Great features, but it is far too expensive for a small team.';
    expect(themeOf(text, 'pricing')?.sentiment.label).toBe('negative');
    const quality = 'The food was delicious but the service was slow';
    expect(themeOf(quality, 'product_quality')?.sentiment.label).toBe('positive');
    expect(themeOf(quality, 'response_time')?.sentiment.label).toBe('negative');
  });

  it('falls back to the sentence when the mentioning clause says nothing evaluative', () => {
    expect(themeOf('Checked my invoice. Absolutely shocking!', 'billing')).toBeDefined();
    expect(themeOf('The billing page, what a nightmare', 'billing')?.sentiment.label).toBe('negative');
  });

  it('gives an aspect located by character range the sentiment a theme found there gets', () => {
    const texts = [
      'The staff were lovely, the room was dirty.',
      'The food was delicious but the service was slow',
      'Great features, but it is far too expensive for a small team.',
    ];
    for (const text of texts) {
      const themes = run(text).themes;
      const spans = themes.map((t) => t.evidence[0]);
      expect(aspectSentiments(text, spans)).toEqual(themes.map((t) => t.sentiment));
    }
    const laptop = 'The screen is gorgeous, but the battery dies within an hour.';
    const at = (term: string) => ({ start: laptop.indexOf(term), end: laptop.indexOf(term) + term.length });
    expect(aspectSentiments(laptop, [at('screen'), at('battery')]).map((s) => s.label)).toEqual(['positive', 'negative']);
  });

  it('answers neutral, unsure, for text it cannot analyse', () => {
    expect(aspectSentiments('', [{ start: 0, end: 0 }])).toEqual([{ label: 'neutral', score: 0, confidence: 0.1 }]);
  });
});

describe('custom taxonomies', () => {
  const custom = compileTaxonomy(
    validateTaxonomy({
      themes: [
        { key: 'parking', label: 'Parking', keywords: ['parking', 'car park'], examples: ['nowhere to leave the car'] },
        { key: 'kids', label: 'Kids', keywords: ['kids club'], examples: ['the children loved the activities'], parent: 'parking' },
      ],
    }),
  );

  it('uses the taxonomy it is given', () => {
    expect(analyze('The car park was full again', custom).themes.map((t) => t.key)).toEqual(['parking']);
    expect(analyze('there was nowhere to leave the car', custom).themes.map((t) => t.key)).toEqual(['parking']);
    expect(analyze('our children loved the activities', custom).themes.map((t) => t.key)).toEqual(['kids']);
  });

  it('compiles into an immutable value', () => {
    expect(Object.isFrozen(custom)).toBe(true);
    expect(Object.isFrozen(custom.themes)).toBe(true);
  });
});

describe('validateTaxonomy', () => {
  const theme = { key: 'billing', label: 'Billing', keywords: ['invoice'], examples: [] };

  it.each([
    [null, /taxonomy: must be an object/],
    [{}, /themes: must be an array/],
    [{ themes: [] }, /themes: must contain at least one theme/],
    [{ themes: [{ ...theme, key: 'Bad Key' }] }, /themes\[0\]\.key: must be snake_case/],
    [{ themes: [{ ...theme, label: '' }] }, /themes\[0\]\.label: must not be empty/],
    [{ themes: [{ ...theme, keywords: 'invoice' }] }, /themes\[0\]\.keywords: must be an array/],
    [{ themes: [{ ...theme, keywords: ['ok', 3] }] }, /themes\[0\]\.keywords\[1\]: must be a string/],
    [{ themes: [{ ...theme, keywords: [], examples: [] }] }, /themes\[0\]\.keywords: a theme needs at least one keyword or example/],
    [{ themes: [theme, theme] }, /themes\[1\]\.key: duplicate key "billing"/],
    [{ themes: [{ ...theme, parent: 'nope' }] }, /themes\[0\]\.parent: unknown theme key "nope"/],
    [
      {
        themes: [
          { ...theme, key: 'a', parent: 'b' },
          { ...theme, key: 'b', parent: 'a' },
        ],
      },
      /parent chain of "a" forms a cycle/,
    ],
  ])('rejects %j with a message naming the field', (input, message) => {
    expect(() => validateTaxonomy(input)).toThrow(message);
  });

  it('accepts a valid taxonomy and trims its strings', () => {
    const t = validateTaxonomy({ version: 2, themes: [{ ...theme, label: '  Billing ', description: 'Invoices' }] });
    expect(t).toEqual({
      version: 2,
      themes: [{ key: 'billing', label: 'Billing', description: 'Invoices', keywords: ['invoice'], examples: [] }],
    });
  });

  it('is what compileTaxonomy runs, so a bad taxonomy never compiles', () => {
    expect(() => compileTaxonomy({ themes: [{ ...theme, key: '' }] })).toThrow(/themes\[0\]\.key/);
  });
});

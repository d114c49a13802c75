import { describe, expect, it } from 'vitest';
import { compileTaxonomy, discoverThemes, ThemeDiscovery } from '../../../src/analysis/index.js';
import { run, taxonomy } from './helpers.js';

describe('key phrases', () => {
  it('returns normalised noun phrases without evaluative words', () => {
    const phrases = run('Great customer service, but the loading screens are painfully slow.').keyPhrases;
    expect(phrases).toContain('customer service');
    expect(phrases).toContain('loading screen');
    expect(phrases.some((p) => p.includes('great'))).toBe(false);
  });

  it('lemmatises the head noun and lower-cases', () => {
    expect(run('The Invoices never match the Purchase Orders').keyPhrases).toContain('purchase order');
  });

  it('skips vague heads', () => {
    expect(run('Lots of things, every time, all the stuff').keyPhrases).toEqual([]);
  });
});

describe('theme discovery', () => {
  const texts = [
    'Please add a dark mode, my eyes hurt at night',
    'Dark mode option would be nice',
    'where is the dark mode??',
    'The loyalty points scheme is confusing',
    'loyalty points never show up on my account',
    'I love the loyalty points',
    'The invoice was wrong again',
    'invoice errors every month',
    'another invoice problem',
    'The gift wrapping was lovely',
  ];

  it('proposes recurring phrases no theme covers, with counts and examples', () => {
    const candidates = discoverThemes(texts, taxonomy, { minCount: 3 });
    const points = candidates.find((c) => c.phrase === 'loyalty point');
    expect(points).toBeDefined();
    expect(points!.count).toBe(3);
    expect(points!.exampleIndexes).toEqual([3, 4, 5]);
    // "invoice" is already a billing keyword: not a new theme.
    expect(candidates.some((c) => c.phrase.includes('invoice'))).toBe(false);
    // Found in one verbatim only: below minCount.
    expect(candidates.some((c) => c.phrase.includes('gift'))).toBe(false);
  });

  it('folds related phrases into one candidate', () => {
    const custom = compileTaxonomy({ themes: [{ key: 'billing', label: 'Billing', keywords: ['invoice'], examples: [] }] });
    const candidates = discoverThemes(texts, custom, { minCount: 3 });
    const dark = candidates.find((c) => c.phrase.startsWith('dark mode'));
    expect(dark).toBeDefined();
    expect(dark!.count).toBe(3);
    expect([dark!.phrase, ...dark!.relatedPhrases]).toEqual(expect.arrayContaining(['dark mode', 'dark mode option']));
  });

  it('works incrementally with the same result', () => {
    const d = new ThemeDiscovery(taxonomy);
    for (const t of texts) d.add(t);
    expect(d.candidates({ minCount: 3 })).toEqual(discoverThemes(texts, taxonomy, { minCount: 3 }));
  });

  it('respects minCount and limit', () => {
    expect(discoverThemes(texts, taxonomy, { minCount: 50 })).toEqual([]);
    expect(discoverThemes(texts, taxonomy, { minCount: 1, limit: 2 })).toHaveLength(2);
  });
});

import { describe, expect, it } from 'vitest';
import { sharedPhrases, suggestTheme } from '../../src/services/insights/emerging.js';

const TEXTS = [
  'Please email the carbon offset report to jane.doe@example.com, we need it every month',
  'Margaret Whitcombe asked where the carbon offset report went, call her on 555-201-7788',
  'The carbon offset report is missing since March, account 88213',
  'Our board wants the carbon offset report in the dashboard',
  'We still cannot download the carbon offset report as PDF',
];

describe('sharedPhrases', () => {
  it('keeps only runs of plain words that several texts share, longest first', () => {
    expect(sharedPhrases(TEXTS, ['carbon offset report'])).toEqual(['the carbon offset report']);
  });

  it('never yields numbers, addresses or capitalised names, even when every text repeats them', () => {
    const texts = [
      'Ask Jane Doe about the offset report at jane@x.io or 5551234',
      'Ask Jane Doe about the offset report at jane@x.io or 5551234',
      'Ask Jane Doe about the offset report at jane@x.io or 5551234',
    ];
    const phrases = sharedPhrases(texts, ['offset report']);
    expect(phrases).toEqual(['about the offset report at']);
    expect(phrases.join(' ')).not.toMatch(/jane|doe|@|\d/i);
  });

  it('needs the phrase in at least three different texts by default, and in two at the least', () => {
    expect(sharedPhrases(TEXTS.slice(0, 2), ['carbon offset report'])).toEqual([]);
    expect(sharedPhrases(TEXTS.slice(0, 2), ['carbon offset report'], 1)).toEqual(['the carbon offset report']);
  });

  it('keeps words of any script, in lower case', () => {
    const texts = ['Le café crème est froid', 'Encore un café crème froid', 'Mon café crème arrive froid'];
    expect(sharedPhrases(texts, ['café crème'])).toEqual(['café crème']);
  });

  it('makes suggestions whose examples and keywords hold no raw verbatim', () => {
    const suggestion = suggestTheme(
      { phrase: 'carbon offset report', count: 5, relatedPhrases: ['report 88213'], exampleIndexes: [0, 1, 2, 3, 4] },
      8,
      TEXTS,
      new Set(),
    );
    expect(suggestion.keywords).toEqual(['carbon offset report']);
    expect(suggestion.examples).toEqual(['the carbon offset report']);
  });
});

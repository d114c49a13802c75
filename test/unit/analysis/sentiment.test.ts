import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

const label = (text: string) => run(text).sentiment.label;
const score = (text: string) => run(text).sentiment.score;

describe('sentiment: lexicon and negation scope', () => {
  it('reads plain praise and complaints', () => {
    expect(label('The service was excellent and the staff were lovely.')).toBe('positive');
    expect(label('Terrible experience, the worst bank I have used.')).toBe('negative');
  });

  it('flips a sentiment word inside the negation scope', () => {
    expect(label('The app is not good.')).toBe('negative');
    expect(label('The support was not helpful at all.')).toBe('negative');
    expect(label('It is not bad at all.')).toBe('positive');
    expect(label('Never had an issue with them.')).toBe('positive');
  });

  it('ends the negation scope at punctuation', () => {
    // "not" belongs to the first clause; "great" after the comma is not negated.
    expect(label('Not what I wanted at first, great now though!')).toBe('positive');
  });

  it('treats a negated action or an absent thing as a complaint', () => {
    expect(label("It doesn't connect to my printer anymore.")).toBe('negative');
    expect(label('No reply, no email, nothing.')).toBe('negative');
    expect(label("I didn't need to call anyone, it just worked.")).not.toBe('negative');
  });
});

describe('sentiment: intensity', () => {
  it('intensifiers strengthen and downtoners weaken', () => {
    expect(score('The staff were extremely helpful.')).toBeGreaterThan(score('The staff were helpful.'));
    expect(score('The staff were slightly helpful.')).toBeLessThan(score('The staff were helpful.'));
  });

  it('capitals and exclamation marks add emphasis', () => {
    expect(score('The delivery was TERRIBLE')).toBeLessThan(score('The delivery was terrible'));
    expect(score('Love it!!!')).toBeGreaterThan(score('Love it'));
  });

  it('does not read an all-caps text as shouting every word', () => {
    expect(label('ALL GOOD, THANKS')).toBe('positive');
  });
});

describe('sentiment: contrast and clauses', () => {
  it('weighs the clause after "but" more', () => {
    const r = run('The app is great but support never answers.');
    expect(r.clauses).toHaveLength(2);
    expect(r.clauses[0].sentiment.label).toBe('positive');
    expect(r.clauses[1].sentiment.label).toBe('negative');
    expect(r.sentiment.label).toBe('negative');
    expect(run('Support never answers, but the app is great.').sentiment.label).toBe('positive');
  });

  it('splits a new subject after a comma or "and" into its own clause', () => {
    const r = run('The staff were lovely, the room was dirty.');
    expect(r.clauses.map((c) => c.sentiment.label)).toEqual(['positive', 'negative']);
  });

  it('gives each clause a span of the original text', () => {
    const text = 'Great food. Slow service!';
    for (const c of run(text).clauses) expect(text.slice(c.start, c.end)).toBe(c.text);
  });
});

describe('sentiment: feedback phrases, comparatives, emoji', () => {
  it.each([
    ['no issues so far', 'positive'],
    ['no complaints really', 'positive'],
    ['could be better', 'negative'],
    ['delivery took forever', 'negative'],
    ['still waiting for a callback', 'negative'],
    ['waste of money', 'negative'],
    ['would definitely recommend', 'positive'],
    ["can't fault it", 'positive'],
    ['getting worse every month', 'negative'],
    ['much better than our old provider', 'positive'],
    ['not as good as it used to be', 'negative'],
  ])('%s → %s', (text, expected) => {
    expect(label(text)).toBe(expected);
  });

  it('reads emoji and emoticons', () => {
    expect(label('👍')).toBe('positive');
    expect(label('😡😡')).toBe('negative');
    expect(label('delivered on time :)')).toBe('positive');
    expect(label('took ages :(')).toBe('negative');
  });

  it('keeps lukewarm answers neutral', () => {
    for (const text of ['ok', 'meh', 'its fine. does the job', 'too early to tell']) expect(label(text)).toBe('neutral');
  });

  it('reads a sarcasm marker as inverting the praise', () => {
    expect(label('Love relearning the tool every month 🙃')).toBe('negative');
  });

  it('treats a wish as a request, not praise', () => {
    expect(score('It would be great if it had dark mode')).toBeLessThan(0.25);
  });

  it('scores within [-1, 1] with a confidence within [0, 1]', () => {
    for (const text of ['AMAZING!!! BEST EVER!!! 😍😍😍 love love love', 'worst worst worst awful horrible 😡😡😡!!!']) {
      const s = run(text).sentiment;
      expect(Math.abs(s.score)).toBeLessThanOrEqual(1);
      expect(s.confidence).toBeGreaterThanOrEqual(0);
      expect(s.confidence).toBeLessThanOrEqual(1);
    }
  });
});

describe('sentiment: trained fallback classifier', () => {
  it('gives the same class probabilities as natural’s BayesClassifier, faster', async () => {
    const { classifications, classifierFeatures, naturalClassifier } = await import('../../../src/analysis/sentiment/classifier.js');
    const { tokenize } = await import('../../../src/analysis/text/tokenize.js');
    for (const text of ['the van came and went', 'still no refund, still no reply', 'xyz', 'set it up in ten minutes']) {
      const features = classifierFeatures(tokenize(text));
      const ours = classifications(features);
      const theirs = naturalClassifier.getClassifications(features);
      expect(ours.map((c) => c.label)).toEqual(theirs.map((c) => c.label));
      ours.forEach((c, i) => expect(c.value).toBeCloseTo(theirs[i].value, 12));
    }
  });

  it('only speaks when the rules find no sentiment cue', () => {
    // Explicit cues decide, whatever the classifier would say.
    expect(label('The staff were wonderful')).toBe('positive');
    // No sentiment word at all: the classifier has learned the tone of such plain complaints and praise.
    const complaint = run('third time this month the engineer has been round');
    expect(complaint.sentiment.label).toBe('negative');
    expect(complaint.sentiment.confidence).toBeLessThan(0.6);
    expect(run('set it up in ten minutes and it just runs').sentiment.label).toBe('positive');
  });
});

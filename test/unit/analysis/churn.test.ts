import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

const signals = (text: string) => run(text).churnSignals.map((s) => s.type);

describe('churn signals', () => {
  it.each([
    ['We are going to cancel our subscription.', 'cancel'],
    ['CANCELLING. DONE WITH YOU.', 'cancel'],
    ['Cancel my account immediately.', 'cancel'],
    ["I'm switching to another provider next month", 'switch'],
    ['Moving our freight to a competitor.', 'switch'],
    ['We will not be renewing.', 'not_renewing'],
    ["We won't renew the contract", 'not_renewing'],
    ['I want a refund.', 'refund'],
    ['Give me my money back', 'refund'],
    ['We are looking at alternatives.', 'alternatives'],
    ['seriously considering other providers', 'alternatives'],
    ['We will downgrade to the basic plan', 'downgrade'],
  ])('%s → %s', (text, type) => {
    expect(signals(text)).toContain(type);
  });

  it.each([
    'I would never switch, love it!',
    'Not going to cancel, they fixed it.',
    'We have no plans to cancel.',
    'I almost cancelled but support sorted it.',
    'My order was cancelled by the shop.',
    'Switched from Vodafone last year, best decision ever',
    'The refund arrived quickly.',
  ])('no signal in: %s', (text) => {
    expect(signals(text)).toEqual([]);
  });

  it('keeps a threat with a condition ("if … we will cancel")', () => {
    expect(signals("If this isn't fixed by Friday we will cancel.")).toEqual(['cancel']);
  });

  it('gives the evidence span', () => {
    const text = 'Honestly? We will not be renewing next year.';
    const [signal] = run(text).churnSignals;
    expect(signal.type).toBe('not_renewing');
    expect(text.slice(signal.evidence.start, signal.evidence.end)).toBe(signal.evidence.text);
    expect(signal.evidence.text.toLowerCase()).toContain('renewing');
  });
});

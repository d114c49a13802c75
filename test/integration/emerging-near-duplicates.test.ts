/**
 * Near-duplicates through GraphQL against the real stack (API, queue, worker, database) with the
 * lexical engine: in emerging themes a text repeated by copy-paste counts once, so it cannot make a
 * candidate on its own, and the example that stands for it names the responses that repeat it; in
 * a theme's drill-down examples a repeated text takes one slot and says how often it was repeated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.js';
import { emergingThemes, submitComments } from '../helpers/emerging.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp('emerging-near-duplicates');
});

afterAll(async () => {
  await app?.stop();
});

describe('emergingThemes with near-duplicates (lexical)', () => {
  it('collapses repeated verbatims and reports them on the example that stands for them', async () => {
    const start = '2021-03-04T08:00:00.000Z';
    const comments = [
      'The gift card balance vanished after checkout',
      'Why is the gift card so hard to redeem?',
      // The same text four times (a template, a double submit), with case and punctuation changes.
      'Bring back the wishlist button please',
      'bring back the wishlist button, please!!',
      'Bring back the Wishlist button please.',
      'BRING BACK THE WISHLIST BUTTON PLEASE',
      'I could not use my gift card online',
      'Gift card codes are rejected at the till',
      'The wishlist button is gone',
    ];
    await submitComments(app, 'dup', start, comments);
    const report = await emergingThemes(app, start, comments.length);

    expect(report.method).toBe('LEXICAL');
    // Three of the four wishlist texts repeat the newest one.
    expect(report.nearDuplicates).toBe(3);
    // Two distinct verbatims mention the wishlist: below minCount 3, so no candidate, although six responses do.
    expect(report.candidates.some((c: any) => c.phrase.includes('wishlist'))).toBe(false);
    const gift = report.candidates.find((c: any) => c.phrase.includes('gift card'));
    expect(gift?.count).toBeGreaterThanOrEqual(3);
    for (const e of gift.examples) expect(e).toMatchObject({ nearDuplicates: 0, nearDuplicateIds: [] });
  });

  it('counts a repeated text once within a candidate and names its repeats', async () => {
    const start = '2021-03-05T08:00:00.000Z';
    const comments = [
      'The loyalty points never show up in my account',
      'My loyalty points expired without warning',
      'Loyalty points vanished after the update!',
      'loyalty points vanished after the update',
      'Loyalty points vanished after the update.',
    ];
    const ids = await submitComments(app, 'dup-in-theme', start, comments);
    const report = await emergingThemes(app, start, comments.length);

    const points = report.candidates.find((c: any) => c.phrase.includes('loyalty point'));
    expect(points).toMatchObject({ count: 3 });
    const repeated = points.examples.find((e: any) => e.id === ids[4]);
    // The newest of the three stands for them; the two older ones are its near-duplicates, newest first.
    expect(repeated).toMatchObject({ nearDuplicates: 2, nearDuplicateIds: [ids[3], ids[2]] });
    expect(report.nearDuplicates).toBe(2);
  });
});

describe('themeBreakdown examples with near-duplicates', () => {
  it('lists a repeated verbatim once, with the number of its repeats', async () => {
    const start = '2021-04-07T08:00:00.000Z';
    const repeated = 'Support never answers my tickets and the chat is always closed';
    const comments = [
      repeated,
      `${repeated}!`,
      'Support took a week to reply to a simple question',
      repeated.toLowerCase(),
      'The support agent was friendly and fixed it quickly',
    ];
    await submitComments(app, 'dup-examples', start, comments);
    const filter = { from: '2021-04-07T00:00:00.000Z', to: '2021-04-08T00:00:00.000Z' };
    const support = await waitFor(
      async () => {
        const result = await app.gql(
          `query($filter: ResponseFilter) { themeBreakdown(filter: $filter, examples: 5) { theme { key } mentions examples { comment nearDuplicates } } }`,
          { filter },
        );
        expect(result.errors).toBeUndefined();
        const theme = result.data!.themeBreakdown.find((t: any) => t.theme.key === 'customer_support');
        return theme?.mentions === comments.length ? theme : null;
      },
      { what: 'five analysed support mentions' },
    );
    const copies = support.examples.filter((e: any) => e.comment.toLowerCase().startsWith('support never answers'));
    expect(copies).toHaveLength(1);
    expect(copies[0].nearDuplicates).toBe(2);
    expect(support.examples).toHaveLength(3);
  });
});

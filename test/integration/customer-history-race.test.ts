/**
 * Losing data, item 13: concurrent first submits for a new customer. Every accepted response
 * must reach the customer's history exactly once, through ingest (the upsert race) and after
 * the worker's analysis-side customer writes (latest sentiment, churn risk).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.js';

const SUBMIT = `mutation($input: ResponseInput!) { submitResponse(input: $input) { id } }`;
const CUSTOMER = `query($id: String!) { customer(externalId: $id) { responseCount latestScore scoreHistory { responseId score } } }`;
const IMPORT = `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted } }`;
const PROGRESS = `query { importProgress { pending done failed } }`;

describe('concurrent first submits for one new customer', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp('customer-history-race');
  });

  afterAll(async () => {
    await app?.stop();
  });

  const customerOf = async (id: string) => {
    const res = await app.gql(CUSTOMER, { id });
    expect(res.errors).toBeUndefined();
    return res.data!.customer as { responseCount: number; latestScore: number; scoreHistory: { responseId: string; score: number }[] };
  };

  it('records each of 12 concurrent submits in the history exactly once, also after analysis', async () => {
    // Several rounds: the lost writes were intermittent (a few rounds in ten before the fix).
    const rounds = new Map<string, string[]>();
    for (let round = 1; round <= 8; round++) {
      const customer = `race-${round}`;
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          app.gql(SUBMIT, {
            input: {
              externalId: `${customer}-r${i}`,
              score: i % 11,
              comment: 'The invoice was wrong again, thinking about switching to another vendor',
              customer: { externalId: customer, name: 'Race Ltd' },
            },
          }),
        ),
      );
      for (const r of results) expect(r.errors).toBeUndefined();
      rounds.set(customer, results.map((r) => r.data!.submitResponse.id as string).sort());
    }
    for (const [customer, ids] of rounds) {
      const stored = await customerOf(customer);
      expect(stored.scoreHistory.map((p) => p.responseId).sort(), customer).toEqual(ids);
      expect(stored.responseCount, customer).toBe(12);
    }

    // The worker's customer writes (latest sentiment, churn risk) must not drop any entry either.
    await waitFor(
      async () => {
        const p = (await app.gql(PROGRESS)).data?.importProgress;
        return p && p.pending === 0;
      },
      { timeoutMs: 90_000, what: 'analysis of every response' },
    );
    for (const [customer, ids] of rounds) {
      const after = await customerOf(customer);
      expect(after.scoreHistory.map((p) => p.responseId).sort(), customer).toEqual(ids);
      expect(after.responseCount, customer).toBe(12);
    }
  }, 180_000);

  it('appends concurrent imports for stored customers exactly once, with the newest response as latest', async () => {
    // 6 imports at once, each with one row for every one of 5 stored customers; the rows' dates
    // interleave, so "latest" must follow respondedAt, not the order the imports land in.
    const customers = Array.from({ length: 5 }, (_, c) => `stored-race-${c}`);
    const first = await app.gql(IMPORT, {
      input: customers.map((customer, c) => ({
        externalId: `${customer}-first`,
        score: 5,
        customer: { externalId: customer },
        respondedAt: new Date(Date.UTC(2026, 0, 1 + c)).toISOString(),
      })),
    });
    expect(first.errors).toBeUndefined();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        app.gql(IMPORT, {
          input: customers.map((customer) => ({
            externalId: `${customer}-i${i}`,
            score: i,
            customer: { externalId: customer },
            // Import 3 holds the newest row of every customer.
            respondedAt: new Date(Date.UTC(2026, 1, 1 + ((i + 3) % 6))).toISOString(),
          })),
        }),
      ),
    );
    for (const r of results) expect(r.errors).toBeUndefined();
    for (const customer of customers) {
      const stored = await customerOf(customer);
      expect(stored.scoreHistory, customer).toHaveLength(7);
      expect(new Set(stored.scoreHistory.map((p) => p.responseId)).size, customer).toBe(7);
      expect(stored.responseCount, customer).toBe(7);
      expect(stored.latestScore, customer).toBe(2);
    }
  }, 120_000);
});

/**
 * Ingestion through the GraphQL HTTP API against the real MongoDB-compatible server and Redis:
 * categories, idempotency (also concurrent), field-named validation errors, partial imports,
 * NPS with its margin of error, filters and pagination.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

const SUBMIT = `mutation Submit($input: ResponseInput!) {
  submitResponse(input: $input) { id externalId score category analysisStatus respondedAt touchpoint attributes { key value } customer { externalId } }
}`;
const IMPORT = `mutation Import($input: [ResponseInput!]!) {
  importResponses(input: $input) { accepted duplicates errors { index field message } }
}`;
const NPS = `query Nps($filter: ResponseFilter) { nps(filter: $filter) { nps responses promoters passives detractors marginOfError smallSample } }`;
const PAGE = `query Page($filter: ResponseFilter, $first: Int, $after: String) {
  responses(filter: $filter, first: $first, after: $after) { totalCount edges { cursor node { id externalId score } } pageInfo { hasNextPage endCursor } }
}`;

let app: TestApp;

beforeAll(async () => {
  // API only: analysis is covered by the pipeline tests; here responses stay PENDING.
  app = await startTestApp('ingest', { roles: ['api'] });
});

afterAll(async () => {
  await app?.stop();
});

describe('submitResponse', () => {
  it('stores a response and reads it back with its category', async () => {
    const submitted = await app.gql(SUBMIT, {
      input: {
        externalId: 'sub-1',
        score: 6,
        comment: 'Support never answers my tickets',
        touchpoint: 'support_closed',
        customer: { externalId: 'cust-1', name: 'Ada', email: 'ada@example.com', accountValue: 12000 },
        attributes: [{ key: 'region', value: 'Nevada' }],
      },
    });
    expect(submitted.errors).toBeUndefined();
    const response = submitted.data!.submitResponse;
    expect(response).toMatchObject({ externalId: 'sub-1', score: 6, category: 'DETRACTOR', analysisStatus: 'PENDING' });

    const read = await app.gql(
      `query($id: ID!) { response(id: $id) { id score category comment customer { externalId } attributes { key value } } }`,
      { id: response.id },
    );
    expect(read.data!.response).toEqual({
      id: response.id,
      score: 6,
      category: 'DETRACTOR',
      comment: 'Support never answers my tickets',
      customer: { externalId: 'cust-1' },
      // The customer's account value (12,000) is recorded as its spend band, a segment like any attribute.
      attributes: [
        { key: 'region', value: 'Nevada' },
        { key: 'account_value_band', value: '10k-100k' },
      ],
    });
  });

  it.each([
    [9, 'PROMOTER'],
    [10, 'PROMOTER'],
    [7, 'PASSIVE'],
    [8, 'PASSIVE'],
    [0, 'DETRACTOR'],
  ])('categorises score %i as %s', async (score, category) => {
    const { data } = await app.gql(SUBMIT, { input: { externalId: `cat-${score}`, score } });
    expect(data!.submitResponse.category).toBe(category);
  });

  it('returns the stored response when the same externalId is submitted again', async () => {
    const first = await app.gql(SUBMIT, { input: { externalId: 'dup-1', score: 9, comment: 'first' } });
    const second = await app.gql(SUBMIT, { input: { externalId: 'dup-1', score: 2, comment: 'changed' } });
    expect(second.data!.submitResponse.id).toBe(first.data!.submitResponse.id);
    expect(second.data!.submitResponse.score).toBe(9);
    const page = await app.gql(PAGE, { filter: { search: 'first' } });
    expect(page.data!.responses.totalCount).toBe(1);
  });

  it('stores one response for 20 concurrent submits of the same externalId', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        app.gql(SUBMIT, { input: { externalId: 'race-1', score: 4, touchpoint: 'race', customer: { externalId: 'race-cust' } } }),
      ),
    );
    for (const r of results) expect(r.errors).toBeUndefined();
    expect(new Set(results.map((r) => r.data!.submitResponse.id)).size).toBe(1);
    const page = await app.gql(PAGE, { filter: { touchpoints: ['race'] } });
    expect(page.data!.responses.totalCount).toBe(1);
  });

  it.each([
    ['11', { score: 11 }],
    ['-1', { score: -1 }],
    ['7.5', { score: 7.5 }],
    ['missing', {}],
  ])('rejects score %s with BAD_USER_INPUT naming score', async (_label, fields) => {
    const result = await app.gql(SUBMIT, { input: { externalId: `bad-${_label}`, ...fields } });
    expect(result.data?.submitResponse ?? null).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toMatch(/score/);
    expect(String(result.errors![0].extensions!.field)).toMatch(/score$/);
    expect(JSON.stringify(result.errors)).not.toMatch(/stacktrace|at .*\.ts:\d+/i);
  });

  it('rejects an inline literal 7.5 as BAD_USER_INPUT', async () => {
    const result = await app.gql(`mutation { submitResponse(input: { score: 7.5 }) { id } }`);
    expect(result.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['comment too long', { score: 5, comment: 'x'.repeat(5001) }, 'comment'],
    ['future respondedAt', { score: 5, respondedAt: new Date(Date.now() + 86_400_000).toISOString() }, 'respondedAt'],
    ['bad attribute key', { score: 5, attributes: [{ key: '$where', value: '1' }] }, 'attributes[0].key'],
    ['dotted attribute key', { score: 5, attributes: [{ key: 'a.b', value: '1' }] }, 'attributes[0].key'],
    ['too many attributes', { score: 5, attributes: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })) }, 'attributes'],
    ['bad email', { score: 5, customer: { externalId: 'c', email: 'nope' } }, 'customer.email'],
    ['unknown field', { score: 5, mood: 'happy' }, 'mood'],
  ])('rejects %s naming the field, storing nothing', async (label, input, field) => {
    const externalId = `reject-${label.replace(/\W/g, '-')}`;
    const result = await app.gql(SUBMIT, { input: { externalId, ...input } });
    expect(result.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions!.field).toBe(field);
    const page = await app.gql(PAGE, { filter: { search: externalId } });
    expect(page.data!.responses.totalCount).toBe(0);
  });

  it('stores hostile strings as inert text', async () => {
    const hostile = `{"$gt": ""} '; DROP TABLE x; -- <script>alert(1)</script> \u0000\u0007 \ud800 ${'🙂'.repeat(3)}`;
    const result = await app.gql(SUBMIT, { input: { externalId: 'hostile-1', score: 3, comment: hostile, touchpoint: '$where' } });
    expect(result.errors).toBeUndefined();
    const stored = await app.gql(`query($id: ID!) { response(id: $id) { comment touchpoint } }`, { id: result.data!.submitResponse.id });
    expect(stored.data!.response.comment).toContain('<script>alert(1)</script>');
    expect(stored.data!.response.comment).not.toContain('\u0000');
    expect(stored.data!.response.touchpoint).toBe('$where');
    const filtered = await app.gql(PAGE, { filter: { touchpoints: ['$where'], search: '{"$gt": ""}' } });
    expect(filtered.data!.responses.totalCount).toBe(1);
  });
});

describe('importResponses', () => {
  it('stores exactly the 1,000 valid rows of 1,010 and reports the 10 invalid by index', async () => {
    const rows: Record<string, unknown>[] = Array.from({ length: 1000 }, (_, i) => ({
      externalId: `imp-${i}`,
      score: i % 11,
      comment: `import row ${i}`,
      touchpoint: 'renewal',
      customer: { externalId: `imp-cust-${i % 50}` },
      attributes: [{ key: 'batch', value: 'b1' }],
    }));
    const badIndexes = [3, 100, 250, 400, 555, 600, 700, 800, 900, 1005];
    for (const [n, index] of badIndexes.entries()) {
      rows.splice(
        index,
        0,
        n % 2 === 0 ? { externalId: `imp-bad-${n}`, score: 11 } : { externalId: `imp-bad-${n}`, score: 5, comment: 'y'.repeat(6000) },
      );
    }
    const result = await app.gql(IMPORT, { input: rows });
    expect(result.errors).toBeUndefined();
    const outcome = result.data!.importResponses;
    expect(outcome.accepted).toBe(1000);
    expect(outcome.duplicates).toBe(0);
    expect(outcome.errors.map((e: any) => e.index)).toEqual(badIndexes);
    expect(outcome.errors[0].field).toBe('score');
    expect(outcome.errors[1].field).toBe('comment');

    const stored = await app.gql(PAGE, { filter: { attributes: [{ key: 'batch', value: 'b1' }] }, first: 1 });
    expect(stored.data!.responses.totalCount).toBe(1000);

    const again = await app.gql(IMPORT, { input: rows.slice(0, 20) });
    expect(again.data!.importResponses.accepted).toBe(0);
    expect(again.data!.importResponses.duplicates).toBe(19);
    expect(again.data!.importResponses.errors).toHaveLength(1);
  });

  it('counts a row repeated within one batch as a duplicate', async () => {
    const result = await app.gql(IMPORT, {
      input: [
        { externalId: 'same', score: 9 },
        { externalId: 'same', score: 9 },
        { externalId: 'other', score: 1 },
      ],
    });
    expect(result.data!.importResponses).toMatchObject({ accepted: 2, duplicates: 1, errors: [] });
  });

  it('rejects more than 5,000 rows naming the input', async () => {
    const result = await app.gql(IMPORT, { input: Array.from({ length: 5001 }, () => ({ score: 1 })) });
    expect(result.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions!.field).toBe('input');
  });
});

describe('customers', () => {
  it('upserts the customer and keeps the history of their scores in respondedAt order', async () => {
    const customer = { externalId: 'hist-1', name: 'Grace', email: 'Grace@Example.com', accountValue: 5000 };
    await app.gql(SUBMIT, {
      input: { externalId: 'h-2', score: 6, respondedAt: '2025-06-01T00:00:00Z', customer: { externalId: 'hist-1' } },
    });
    await app.gql(SUBMIT, { input: { externalId: 'h-1', score: 9, respondedAt: '2025-03-01T00:00:00Z', customer } });
    // A duplicate submit must not add a second history entry.
    await app.gql(SUBMIT, { input: { externalId: 'h-1', score: 9, respondedAt: '2025-03-01T00:00:00Z', customer } });
    const { data } = await app.gql(
      `query { customer(externalId: "hist-1") { externalId name email accountValue responseCount latestScore scoreHistory { score respondedAt } } }`,
    );
    expect(data!.customer).toEqual({
      externalId: 'hist-1',
      name: 'Grace',
      email: 'grace@example.com',
      accountValue: 5000,
      responseCount: 2,
      latestScore: 6,
      scoreHistory: [
        { score: 9, respondedAt: '2025-03-01T00:00:00.000Z' },
        { score: 6, respondedAt: '2025-06-01T00:00:00.000Z' },
      ],
    });
  });
});

describe('nps', () => {
  it('returns the exact NPS and 95% margin of error of a known fixture', async () => {
    // 50 promoters, 30 passives, 20 detractors → NPS 30; variance 0.7 − 0.09 = 0.61;
    // margin = 1.959964 × √(0.61 / 100) × 100 = 15.31 points.
    const scores = [...Array(50).fill(10), ...Array(30).fill(7), ...Array(20).fill(3)];
    const rows = scores.map((score, i) => ({ externalId: `nps-${i}`, score, touchpoint: 'nps-fixture' }));
    await app.gql(IMPORT, { input: rows });
    const { data } = await app.gql(NPS, { filter: { touchpoints: ['nps-fixture'] } });
    expect(data!.nps).toEqual({
      nps: 30,
      responses: 100,
      promoters: 50,
      passives: 30,
      detractors: 20,
      marginOfError: 15.31,
      smallSample: false,
    });
  });

  it('flags small samples and handles an empty set', async () => {
    const { data } = await app.gql(NPS, { filter: { touchpoints: ['nobody'] } });
    expect(data!.nps).toMatchObject({ nps: null, responses: 0, marginOfError: null, smallSample: true });
  });
});

describe('responses', () => {
  it('pages with stable cursors while new responses arrive', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ externalId: `page-${i}`, score: 8, touchpoint: 'paging' }));
    await app.gql(IMPORT, { input: rows });
    const filter = { touchpoints: ['paging'] };
    const first = await app.gql(PAGE, { filter, first: 10 });
    expect(first.data!.responses.totalCount).toBe(25);
    expect(first.data!.responses.pageInfo.hasNextPage).toBe(true);
    // New arrivals sort before the cursor and do not shift the next pages.
    await app.gql(IMPORT, { input: [{ externalId: 'page-new-1', score: 8, touchpoint: 'paging' }] });
    const seen = new Set(first.data!.responses.edges.map((e: any) => e.node.externalId));
    let after = first.data!.responses.pageInfo.endCursor;
    for (;;) {
      const next = await app.gql(PAGE, { filter, first: 10, after });
      for (const e of next.data!.responses.edges) {
        expect(seen.has(e.node.externalId)).toBe(false);
        seen.add(e.node.externalId);
      }
      if (!next.data!.responses.pageInfo.hasNextPage) break;
      after = next.data!.responses.pageInfo.endCursor;
    }
    expect(seen.size).toBe(25);
  });

  it('filters by category, date range and attribute', async () => {
    await app.gql(IMPORT, {
      input: [
        { externalId: 'f-1', score: 10, respondedAt: '2025-01-10T10:00:00Z', attributes: [{ key: 'plan', value: 'pro' }] },
        { externalId: 'f-2', score: 2, respondedAt: '2025-01-11T10:00:00Z', attributes: [{ key: 'plan', value: 'pro' }] },
        { externalId: 'f-3', score: 2, respondedAt: '2025-02-11T10:00:00Z', attributes: [{ key: 'plan', value: 'free' }] },
      ],
    });
    const count = async (filter: Record<string, unknown>) => (await app.gql(PAGE, { filter })).data!.responses.totalCount;
    const january = { from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z' };
    expect(await count(january)).toBe(2);
    expect(await count({ ...january, categories: ['DETRACTOR'] })).toBe(1);
    expect(await count({ from: '2025-01-01T00:00:00Z', to: '2025-03-01T00:00:00Z', attributes: [{ key: 'plan', value: 'pro' }] })).toBe(2);
    expect(
      await count({
        from: '2025-01-01T00:00:00Z',
        to: '2025-03-01T00:00:00Z',
        attributes: [
          { key: 'plan', value: 'pro' },
          { key: 'plan', value: 'free' },
        ],
      }),
    ).toBe(3);
  });

  it('rejects a page size above the maximum and a foreign cursor', async () => {
    const big = await app.gql(PAGE, { first: 1000 });
    expect(big.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const cursor = await app.gql(PAGE, { after: 'bm9wZQ' });
    expect(cursor.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

/**
 * Limits against abuse, over real HTTP: query depth and cost, page and import size, batched
 * requests, body size, rate limits per key shared by two API instances through Redis (429 with
 * Retry-After), introspection and landing page switches, and typed filters that never let a
 * client string act as a MongoDB operator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../helpers/app.js';

const SUBMIT = `mutation Submit($input: ResponseInput!) { submitResponse(input: $input) { id externalId comment touchpoint attributes { key value } } }`;
const IMPORT = `mutation Import($input: [ResponseInput!]!) { importResponses(input: $input) { accepted duplicates errors { index message } } }`;
const COUNT = `query Count($filter: ResponseFilter) { responses(filter: $filter, first: 10) { totalCount edges { node { externalId } } } }`;

let strict: TestApp;

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}`, ...headers },
    body,
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // left null: the test asserts on it
  }
  return { status: res.status, headers: res.headers, json, text };
}

beforeAll(async () => {
  strict = await startTestApp('limits-strict', {
    roles: ['api'],
    env: {
      VERBATIM_MAX_QUERY_DEPTH: '5',
      VERBATIM_MAX_QUERY_COST: '300',
      VERBATIM_MAX_BODY_BYTES: '20000',
      VERBATIM_MAX_IMPORT_ROWS: '10',
      VERBATIM_MAX_PAGE_SIZE: '50',
      VERBATIM_MAX_BATCH_OPERATIONS: '2',
      // The alias flood below is for the cost rule; the alias cap has its own test (abuse-limits.test.ts).
      VERBATIM_MAX_ALIASES: '1000',
    },
  });
});

afterAll(async () => {
  await strict?.stop();
});

describe('query depth and cost', () => {
  it('rejects an operation nested deeper than the limit, and accepts one within it', async () => {
    const deep = await strict.gql(`{ responses(first: 1) { edges { node { analysis { sentiment { label } } } } } }`);
    expect(deep.status).toBe(400);
    expect(deep.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(deep.errors![0].message).toMatch(/deeper than the limit of 5/);

    const shallow = await strict.gql(`{ responses(first: 1) { edges { node { id } } } }`);
    expect(shallow.errors).toBeUndefined();
  });

  it('counts fragments where they are spread, so fragments cannot hide depth', async () => {
    const result = await strict.gql(`
      query { responses(first: 1) { ...E } }
      fragment E on ResponseConnection { edges { node { analysis { ...S } } } }
      fragment S on ResponseAnalysis { sentiment { label } }`);
    expect(result.status).toBe(400);
    expect(result.errors![0].message).toMatch(/deeper/);
  });

  it('rejects alias floods and large pages times many fields by cost', async () => {
    const aliases = Array.from({ length: 400 }, (_, i) => `a${i}: nps { nps }`).join(' ');
    const flood = await strict.gql(`{ ${aliases} }`);
    expect(flood.status).toBe(400);
    expect(flood.errors![0].message).toMatch(/costs more than the limit of 300/);

    const wide = await strict.gql(`{ responses(first: 50) { edges { node { id externalId score comment category touchpoint } } } }`);
    expect(wide.errors![0].message).toMatch(/costs more/);
    const narrow = await strict.gql(`{ responses(first: 5) { edges { node { id externalId score comment category touchpoint } } } }`);
    expect(narrow.errors).toBeUndefined();
  });

  it('applies the page size of a variable `first` as the maximum', async () => {
    const result = await strict.gql(
      `query($n: Int) { responses(first: $n) { edges { node { id externalId score comment category touchpoint } } } }`,
      { n: 2 },
    );
    expect(result.errors![0].message).toMatch(/costs more/);
  });

  it('leaves introspection fields out of depth and cost, so tools keep working', async () => {
    const result = await strict.gql(
      `{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.__schema.types.length).toBeGreaterThan(10);
  });
});

describe('page, import and batch sizes', () => {
  it('rejects a page larger than VERBATIM_MAX_PAGE_SIZE with the field named', async () => {
    const result = await strict.gql(`{ responses(first: 51) { totalCount } }`);
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('rejects an import above VERBATIM_MAX_IMPORT_ROWS and stores none of it', async () => {
    const rows = Array.from({ length: 11 }, (_, i) => ({ externalId: `too-many-${i}`, score: 5 }));
    const result = await strict.gql(IMPORT, { input: rows });
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input' });
    const count = await strict.gql(COUNT, { filter: { search: 'never-stored' } });
    expect(count.errors).toBeUndefined();
    const stored = await strict.gql(`{ responses(first: 50) { edges { node { externalId } } } }`);
    expect(stored.data!.responses.edges.map((e: any) => e.node.externalId)).not.toContain('too-many-0');
  });

  it('accepts a batch of up to VERBATIM_MAX_BATCH_OPERATIONS operations and rejects larger ones', async () => {
    const op = { query: '{ nps { responses } }' };
    const ok = await post(strict.url, JSON.stringify([op, op]));
    expect(ok.status).toBe(200);
    expect(ok.json).toHaveLength(2);
    const tooMany = await post(strict.url, JSON.stringify([op, op, op]));
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.errors[0].extensions).toMatchObject({ code: 'BATCH_TOO_LARGE', max: 2 });
  });
});

describe('request body', () => {
  it('answers 413 with a JSON error when the body is larger than VERBATIM_MAX_BODY_BYTES', async () => {
    const result = await post(
      strict.url,
      JSON.stringify({ query: SUBMIT, variables: { input: { score: 5, comment: 'x'.repeat(30_000) } } }),
    );
    expect(result.status).toBe(413);
    expect(result.json.errors[0].extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', maxBytes: 20000 });
    expect(result.text).not.toMatch(/at .*\.js/);
  });

  it('answers 400 with a JSON error for a body that is not JSON', async () => {
    const result = await post(strict.url, '{"query": "{ nps { nps } }"');
    expect(result.status).toBe(400);
    expect(result.json.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(result.text).not.toMatch(/SyntaxError|at .*\.js/);
  });
});

describe('operator injection', () => {
  it('stores operator-looking strings as plain text and finds them only literally', async () => {
    const hostile = {
      externalId: '{"$gt": ""}',
      score: 4,
      comment: 'price is $where {"$ne": null} .* (a|b)+',
      touchpoint: '{"$gt": ""}',
      attributes: [{ key: 'plan', value: '{"$regex": ".*"}' }],
    };
    const stored = await strict.gql(SUBMIT, { input: hostile });
    expect(stored.errors).toBeUndefined();
    expect(stored.data!.submitResponse).toMatchObject({
      externalId: hostile.externalId,
      touchpoint: hostile.touchpoint,
      attributes: hostile.attributes,
    });
    await strict.gql(SUBMIT, {
      input: {
        externalId: 'plain-1',
        score: 9,
        comment: 'plain words here',
        touchpoint: 'web',
        attributes: [{ key: 'plan', value: 'pro' }],
      },
    });

    const cases: [Record<string, unknown>, string[]][] = [
      [{ touchpoints: ['{"$gt": ""}'] }, ['{"$gt": ""}']],
      [{ attributes: [{ key: 'plan', value: '{"$regex": ".*"}' }] }, ['{"$gt": ""}']],
      [{ search: '.*' }, ['{"$gt": ""}']], // matches the literal ".*" in the hostile comment only
      [{ search: '(a|b)+' }, ['{"$gt": ""}']],
      [{ search: '$where' }, ['{"$gt": ""}']],
      [{ search: '^plain' }, []],
      [{ search: 'plain words' }, ['plain-1']],
      [{ touchpoints: ['.*'] }, []],
    ];
    for (const [filter, expected] of cases) {
      const result = await strict.gql(COUNT, { filter });
      expect(result.errors, JSON.stringify(filter)).toBeUndefined();
      expect(result.data!.responses.edges.map((e: any) => e.node.externalId).sort(), JSON.stringify(filter)).toEqual(expected);
    }
  });

  it('rejects attribute keys that start with $ or contain a dot, in inputs and in filters', async () => {
    for (const key of ['$where', '$gt', 'a.b', 'customer.email', '__proto__']) {
      const submit = await strict.gql(SUBMIT, { input: { score: 5, attributes: [{ key, value: 'x' }] } });
      expect(submit.errors?.[0]?.extensions?.code, key).toBe('BAD_USER_INPUT');
      const filter = await strict.gql(COUNT, { filter: { attributes: [{ key, value: 'x' }] } });
      // Either rejected with the field named, or matched literally (and so finds nothing).
      if (filter.errors) expect(filter.errors[0].extensions!.code, key).toBe('BAD_USER_INPUT');
      else expect(filter.data!.responses.totalCount, key).toBe(0);
    }
  });

  it('rejects objects where strings are expected, so no operator document reaches MongoDB', async () => {
    const attempts: [string, Record<string, unknown>][] = [
      [COUNT, { filter: { touchpoints: [{ $gt: '' }] } }],
      [COUNT, { filter: { search: { $regex: '.*' } } }],
      [COUNT, { filter: { attributes: [{ key: 'plan', value: { $ne: null } }] } }],
      [COUNT, { filter: { $where: 'sleep(1000)' } }],
      [SUBMIT, { input: { score: { $gt: 0 } } }],
      [SUBMIT, { input: { score: 5, externalId: { $ne: null } } }],
      [`query($id: ID!) { response(id: $id) { id } }`, { id: { $gt: '' } }],
    ];
    for (const [query, variables] of attempts) {
      const result = await strict.gql(query, variables);
      expect(result.status, JSON.stringify(variables)).toBeLessThan(500);
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
    }
  });

  it('treats an operator-looking id as an unknown id', async () => {
    for (const id of ['{"$gt": ""}', '$where', '000000000000000000000000', 'a'.repeat(300)]) {
      const result = await strict.gql(`query($id: ID!) { response(id: $id) { id } }`, { id });
      expect(result.status).toBeLessThan(500);
      if (result.errors) expect(['BAD_USER_INPUT', 'NOT_FOUND']).toContain(result.errors[0].extensions!.code);
      else expect(result.data!.response).toBeNull();
    }
  });
});

describe('rate limits shared through Redis', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    // Two API instances on the same Redis prefix: the budget is shared, as behind a load balancer.
    const env = {
      VERBATIM_RATE_LIMIT_PER_MINUTE: '6',
      VERBATIM_INGEST_RATE_LIMIT_PER_MINUTE: '10',
      VERBATIM_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '3',
      VERBATIM_INTROSPECTION: 'false',
      VERBATIM_LANDING_PAGE: 'false',
    };
    a = await startTestApp('limits-rate', { roles: ['api'], env });
    b = await startTestApp('limits-rate', { roles: ['api'], env });
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  /** A real key: a made-up token is charged to the anonymous per-IP budget (abuse-limits.test.ts). */
  async function createKey(name: string): Promise<string> {
    const created = await post(
      a.url,
      JSON.stringify({
        query: `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`,
        variables: { input: { name, role: 'ADMIN' } },
      }),
    );
    expect(created.json.errors).toBeUndefined();
    return created.json.data.createApiKey.key;
  }

  it('lets a key make its budget of requests across both instances, then answers 429 with Retry-After', async () => {
    const key = await createKey('rate key');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await post((i % 2 ? b : a).url, JSON.stringify({ query: '{ nps { responses } }' }), { authorization: `Bearer ${key}` })).status,
      );
    expect(statuses.every((s) => s !== 429)).toBe(true);

    const limited = await post(b.url, JSON.stringify({ query: '{ nps { responses } }' }), { authorization: `Bearer ${key}` });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited.json.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(limited.json.errors[0].extensions.retryAfterSeconds).toBeGreaterThanOrEqual(1);

    // Another key has its own budget.
    const other = await post(a.url, JSON.stringify({ query: '{ nps { responses } }' }));
    expect(other.status).not.toBe(429);
  });

  it('gives ingest mutations their own, larger budget', async () => {
    const key = await createKey('ingest key');
    for (let i = 0; i < 7; i++) await post(a.url, JSON.stringify({ query: '{ nps { responses } }' }), { authorization: `Bearer ${key}` });
    const read = await post(a.url, JSON.stringify({ query: '{ nps { responses } }' }), { authorization: `Bearer ${key}` });
    expect(read.status).toBe(429);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push(
        (await post(b.url, JSON.stringify({ query: SUBMIT, variables: { input: { score: 7 } } }), { authorization: `Bearer ${key}` }))
          .status,
      );
    }
    expect(statuses.filter((s) => s === 429)).toHaveLength(0);
    const over = await post(a.url, JSON.stringify({ query: SUBMIT, variables: { input: { score: 7 } } }), {
      authorization: `Bearer ${key}`,
    });
    expect(over.status).toBe(429);
    expect(over.json.errors[0].extensions.code).toBe('RATE_LIMITED');
  });

  it('limits anonymous callers per IP address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await fetch(a.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ nps { responses } }"}' }))
          .status,
      );
    expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('turns off introspection and the landing page when configured', async () => {
    const introspection = await a.gql(`{ __schema { queryType { name } } }`);
    expect(introspection.errors![0].message).toMatch(/introspection/i);
    const page = await fetch(a.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/apollo/i);
  });

  it('serves introspection and the landing page by default', async () => {
    const introspection = await strict.gql(`{ __schema { queryType { name } } }`);
    expect(introspection.data!.__schema.queryType.name).toBe('Query');
    const page = await fetch(strict.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/apollo/i);
  });
});

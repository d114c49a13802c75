/**
 * Fuzzing of the GraphQL inputs with a seeded PRNG (bounded: 300 cases): hostile strings
 * (control characters, emoji, lone surrogates, operator-looking text), huge and fractional
 * numbers, wrong types, unknown fields, deep nesting and big lists against submitResponse,
 * importResponses, responses and nps. Every answer must be a correct result or an error with a
 * code (never a 5xx), and every stored document must be complete: no half-records.
 */
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../helpers/app.js';
import { testMongoUri } from '../helpers/services.js';
import { prng as seededPrng } from '../../src/domain/prng.js';

const CASES = 300;
const SEED = Number(process.env.VERBATIM_FUZZ_SEED ?? 20261201);

const SUBMIT = `mutation Submit($input: ResponseInput!) { submitResponse(input: $input) { id externalId score category comment touchpoint attributes { key value } } }`;
const IMPORT = `mutation Import($input: [ResponseInput!]!) { importResponses(input: $input) { accepted duplicates errors { index message } } }`;
const RESPONSES = `query Page($filter: ResponseFilter, $first: Int, $after: String) { responses(filter: $filter, first: $first, after: $after) { totalCount edges { cursor node { id score } } pageInfo { hasNextPage endCursor } } }`;
const NPS = `query Nps($filter: ResponseFilter) { nps(filter: $filter) { nps responses promoters passives detractors marginOfError } }`;

/** The seeded PRNG with the helpers the cases use. */
function prng(seed: number) {
  const next = seededPrng(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const PIECES = [
  'great product',
  'support never answers',
  '{"$gt": ""}',
  '$where',
  'a.b',
  '$ne',
  '.*',
  '(a|b)+$',
  '\\',
  '"',
  "'; DROP TABLE responses; --",
  '<script>alert(1)</script>',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\ud800',
  '\udfff',
  '🙂',
  '👨‍👩‍👧',
  '\u202e',
  'ǅ',
  'ﬀ',
  '\n',
  '\t',
  ' ',
  '🔥'.repeat(50),
  'x'.repeat(6000),
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
];

function hostileString(rng: Rng): string {
  let s = '';
  const parts = 1 + rng.int(4);
  for (let i = 0; i < parts; i++) s += rng.chance(0.3) ? String.fromCharCode(rng.int(0x10000)) : rng.pick(PIECES);
  return s;
}

function anyValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 3 ? 8 : 11)) {
    case 0:
      return hostileString(rng);
    case 1:
      return rng.pick([0, -1, 11, 2 ** 31, 2 ** 53 + 1, 1e308, -1e308, 5e-324]);
    case 2:
      return rng.pick([3.5, 7.000001, -0.5]);
    case 3:
      return rng.chance(0.5);
    case 4:
      return null;
    case 5:
      return rng.int(11);
    case 6:
      return '9';
    case 7:
      return { $gt: '' };
    case 8:
      return Array.from({ length: rng.int(4) }, () => anyValue(rng, depth + 1));
    case 9:
      return { [rng.pick(['$where', 'key', 'a.b', 'value'])]: anyValue(rng, depth + 1) };
    default:
      return nested(rng.int(60));
  }
}

function nested(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** A valid input, then some fields replaced, dropped, or added. */
function responseInput(rng: Rng, id: string): Record<string, unknown> {
  const input: Record<string, unknown> = {
    externalId: id,
    score: rng.int(11),
    comment: rng.chance(0.7) ? hostileString(rng) : 'Support was quick and kind',
    respondedAt: rng.pick([undefined, '2026-05-01T10:00:00Z', new Date(Date.now() - 86_400_000).toISOString()]),
    touchpoint: rng.pick([undefined, 'onboarding', hostileString(rng)]),
    channel: rng.pick([undefined, 'email', hostileString(rng)]),
    customer: rng.chance(0.6)
      ? {
          externalId: `c-${rng.int(50)}`,
          name: hostileString(rng),
          email: rng.chance(0.8) ? 'ada@example.com' : hostileString(rng),
          accountValue: rng.chance(0.7) ? 100 : rng.pick([1e15, -5, 3.25]),
        }
      : undefined,
    attributes: rng.chance(0.6)
      ? Array.from({ length: rng.int(4) }, () => ({
          key: rng.pick(['region', 'plan', '$where', 'a.b', hostileString(rng)]),
          value: hostileString(rng),
        }))
      : undefined,
  };
  // Four in ten inputs stay valid (apart from hostile text), so the success path is fuzzed too.
  const mutations = rng.chance(0.4) ? 0 : 1 + rng.int(2);
  const fields = Object.keys(input);
  for (let m = 0; m < mutations; m++) {
    const field = rng.pick(fields);
    if (rng.chance(0.2)) delete input[field];
    else input[field] = anyValue(rng);
  }
  if (rng.chance(0.1)) input[rng.pick(['unknownField', '$where', 'score.x', '__proto__'])] = anyValue(rng);
  return input;
}

/** Every field of the right GraphQL type, values hostile: row-level validation is what gets fuzzed. */
function typedInput(rng: Rng, id: string): Record<string, unknown> {
  return {
    externalId: rng.chance(0.9) ? id : hostileString(rng),
    score: rng.chance(0.8) ? rng.int(11) : rng.pick([-1, 11, 2 ** 31 - 1, -(2 ** 31)]),
    comment: rng.chance(0.7) ? hostileString(rng) : null,
    touchpoint: rng.chance(0.5) ? hostileString(rng) : 'renewal',
    respondedAt: rng.pick([undefined, '2026-05-01T10:00:00Z', '2999-01-01T00:00:00Z', '1970-01-01T00:00:00Z']),
    customer: rng.chance(0.5)
      ? { externalId: rng.chance(0.9) ? `c-${rng.int(50)}` : hostileString(rng), email: rng.chance(0.8) ? null : hostileString(rng) }
      : null,
    attributes: Array.from({ length: rng.int(3) }, () => ({
      key: rng.chance(0.8) ? 'region' : rng.pick(['$where', 'a.b', hostileString(rng)]),
      value: hostileString(rng),
    })),
  };
}

function filterInput(rng: Rng): unknown {
  if (rng.chance(0.15)) return anyValue(rng);
  const filter: Record<string, unknown> = {};
  if (rng.chance(0.3)) filter.search = rng.chance(0.7) ? hostileString(rng).slice(0, 150) : anyValue(rng);
  if (rng.chance(0.3)) filter.touchpoints = rng.chance(0.7) ? [hostileString(rng)] : anyValue(rng);
  if (rng.chance(0.3)) filter.categories = rng.pick([['PROMOTER'], ['NOPE'], 'DETRACTOR', [1]]);
  if (rng.chance(0.3))
    filter.attributes = [
      { key: rng.pick(['region', '$where', 'a.b', hostileString(rng)]), value: rng.chance(0.8) ? hostileString(rng) : anyValue(rng) },
    ];
  if (rng.chance(0.2)) filter.from = rng.pick(['2026-01-01T00:00:00Z', 'yesterday', 1e20, '9999-99-99']);
  if (rng.chance(0.1)) filter.analysisStatus = rng.pick(['PENDING', 'DONE', 'BROKEN', { $ne: 1 }]);
  if (rng.chance(0.1)) filter[rng.pick(['$where', 'unknown'])] = anyValue(rng);
  return filter;
}

function garbageQuery(rng: Rng): string {
  switch (rng.int(4)) {
    case 0:
      return `{ ${'responses { edges { node { '.repeat(1 + rng.int(40))}id${' } } }'.repeat(1 + rng.int(40))} }`;
    case 1:
      return hostileString(rng);
    case 2:
      return `{ nps(filter: ${'{ attributes: ['.repeat(rng.int(50))} }`;
    default:
      return `query { ${Array.from({ length: 1 + rng.int(2000) }, (_, i) => `n${i}: nps { nps }`).join(' ')} }`;
  }
}

let app: TestApp;
let db: mongoose.mongo.MongoClient;

beforeAll(async () => {
  app = await startTestApp('fuzz', {
    roles: ['api'],
    env: {
      VERBATIM_MAX_IMPORT_ROWS: '40',
      VERBATIM_MAX_BATCH_OPERATIONS: '3',
      VERBATIM_MAX_QUERY_COST: '700',
      VERBATIM_RATE_LIMIT_PER_MINUTE: '0',
      VERBATIM_INGEST_RATE_LIMIT_PER_MINUTE: '0',
    },
  });
  db = await new mongoose.mongo.MongoClient(testMongoUri('fuzz')).connect();
});

afterAll(async () => {
  await db?.close();
  await app?.stop();
});

async function send(body: unknown): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // asserted below
  }
  return { status: res.status, json, text };
}

describe('fuzzing the GraphQL inputs', () => {
  it(`answers ${CASES} random and hostile requests with a result or a coded error, and stores only whole records`, async () => {
    const responses = db.db().collection('responses');
    const before = await responses.countDocuments();
    const rng = prng(SEED);
    const storedIds = new Set<string>();
    let imported = 0;
    const outcomes: Record<string, number> = {};

    for (let i = 0; i < CASES; i++) {
      const kind = rng.pick(['submit', 'submit', 'import', 'responses', 'nps', 'garbage', 'raw'] as const);
      let body: unknown;
      if (kind === 'submit')
        body = {
          query: SUBMIT,
          variables: { input: rng.chance(0.1) ? anyValue(rng) : responseInput(rng, `fz-${i}-${hostileString(rng).slice(0, 20)}`) },
        };
      else if (kind === 'import') {
        const n = rng.chance(0.1) ? 41 + rng.int(20) : rng.int(12);
        body = {
          query: IMPORT,
          variables: {
            input: rng.chance(0.05)
              ? anyValue(rng)
              : Array.from({ length: n }, (_, j) => (rng.chance(0.97) ? typedInput : responseInput)(rng, `fz-imp-${i}-${j}`)),
          },
        };
      } else if (kind === 'responses')
        body = {
          query: RESPONSES,
          variables: {
            filter: filterInput(rng),
            first: rng.pick([undefined, 0, 5, 101, -1, 2 ** 40, 2.5, '10']),
            after: rng.pick([undefined, hostileString(rng), 'abc', null]),
          },
        };
      else if (kind === 'nps') body = { query: NPS, variables: { filter: filterInput(rng) } };
      else if (kind === 'garbage') body = { query: garbageQuery(rng), variables: rng.chance(0.5) ? anyValue(rng) : undefined };
      else
        body = rng.pick([
          '',
          'null',
          '[]',
          '[1,2,3,4]',
          '{"query": 5}',
          '{"query": "{ nps { nps } }", "variables": "x"}',
          '{"query":',
          '\u0000',
          JSON.stringify(anyValue(rng)),
        ]);

      const { status, json, text } = await send(body);
      const where = `case ${i} (${kind}): ${JSON.stringify(body).slice(0, 300)} → ${status} ${text.slice(0, 300)}`;
      expect(status, where).toBeLessThan(500);
      expect(text, where).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack traces
      const results = Array.isArray(json) ? json : [json];
      for (const result of results) {
        expect(result, where).toBeTypeOf('object');
        if (result?.errors?.length) {
          for (const error of result.errors) {
            expect(error.extensions?.code, where).toBeTypeOf('string');
            expect(error.extensions.code, where).not.toBe('INTERNAL_SERVER_ERROR');
          }
          outcomes[`${kind}:${result.errors[0].extensions.code}`] = (outcomes[`${kind}:${result.errors[0].extensions.code}`] ?? 0) + 1;
        } else {
          expect(result?.data, where).toBeTruthy();
          outcomes[`${kind}:ok`] = (outcomes[`${kind}:ok`] ?? 0) + 1;
        }
      }

      const data = json?.data;
      if (kind === 'submit' && data?.submitResponse) {
        const r = data.submitResponse;
        expect(Number.isInteger(r.score) && r.score >= 0 && r.score <= 10, where).toBe(true);
        expect(['PROMOTER', 'PASSIVE', 'DETRACTOR'], where).toContain(r.category);
        storedIds.add(r.id);
      }
      if (kind === 'import' && data?.importResponses) imported += data.importResponses.accepted;
      if (kind === 'responses' && data?.responses) expect(data.responses.edges.length, where).toBeLessThanOrEqual(100);
      if (kind === 'nps' && data?.nps) expect(Math.abs(data.nps.nps), where).toBeLessThanOrEqual(100);
    }

    console.info(`fuzz outcomes (seed ${SEED}):`, JSON.stringify(outcomes));
    // Something of each kind got through, and something was rejected: the fuzzer exercised both paths.
    expect(storedIds.size).toBeGreaterThan(10);
    expect(imported).toBeGreaterThan(10);
    expect(Object.keys(outcomes).some((k) => k.endsWith(':BAD_USER_INPUT'))).toBe(true);

    // Exactly what was accepted is stored, and every stored document is whole.
    const docs = await responses.find({}).toArray();
    expect(docs.length - before).toBe(storedIds.size + imported);
    for (const doc of docs) {
      const where = JSON.stringify(doc).slice(0, 400);
      expect(typeof doc.externalId === 'string' && doc.externalId.length > 0, where).toBe(true);
      expect(Number.isInteger(doc.score) && doc.score >= 0 && doc.score <= 10, where).toBe(true);
      expect(['PROMOTER', 'PASSIVE', 'DETRACTOR'], where).toContain(doc.category);
      expect([1, 0, -1], where).toContain(doc.npsWeight);
      expect(doc.respondedAt, where).toBeInstanceOf(Date);
      expect(doc.receivedAt, where).toBeInstanceOf(Date);
      expect(doc.analysisStatus, where).toBe('PENDING');
      expect(Array.isArray(doc.attributes), where).toBe(true);
      for (const attribute of doc.attributes) expect(attribute.key, where).toMatch(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/);
      if (doc.comment !== null) {
        expect(typeof doc.comment, where).toBe('string');
        expect(doc.comment.isWellFormed(), where).toBe(true);
        // eslint-disable-next-line no-control-regex -- asserting no control character survived is the point
        expect(doc.comment, where).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
      }
    }
  }, 150_000);
});

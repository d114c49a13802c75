/**
 * correctAnalysis over the real API: a person's themes and sentiment win in `response`,
 * `responses` and the rollup-backed insights, the machine analysis stays for audit, a taxonomy
 * backfill does not undo the correction, and bad input (unknown theme, out-of-scope or unknown
 * response, a role that may not correct) is refused with a code and a field.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS, QUEUES } from '../../jobs/queues.js';
import { startTestApp, waitFor, type GqlClient, type TestApp } from '../helpers/app.js';
import { testRedisPrefix, testRedisUrl } from '../helpers/services.js';

const CORRECT = `mutation($id: ID!, $input: CorrectionInput!) {
  correctAnalysis(responseId: $id, input: $input) {
    id themeKeys: analysis { themes { key label confidence } sentiment { label } corrected correctedBy correctedAt }
    correction { themes sentiment by at original { themes { key } sentiment { label } corrected } }
  }
}`;
const RESPONSE = `query($id: ID!) { response(id: $id) { id analysisStatus analysis { taxonomyVersion corrected correctedBy themes { key } sentiment { label } } correction { by themes sentiment original { themes { key } sentiment { label } } } } }`;
const BREAKDOWN = `query($filter: ResponseFilter) { themeBreakdown(filter: $filter, examples: 0) { theme { key } mentions sentiment { positive neutral negative } } }`;
const DRIVERS = `query($filter: ResponseFilter) { drivers(filter: $filter) { detraction { theme { key } } promotion { theme { key } } } }`;
const IMPORT = `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted errors { index message } } }`;
const REQUEST_ID = 'corrections-import';

let app: TestApp;
const ids = new Map<string, string>();

const rows = [
  { externalId: 'c-1', score: 9, comment: 'The onboarding team was great and setup was quick', region: 'north' },
  { externalId: 'c-2', score: 3, comment: 'The invoice was wrong again', region: 'north' },
  { externalId: 'c-3', score: 6, comment: 'Fine overall, nothing special', region: 'south' },
  // The adapter's material: two to correct, one it should then recognise on its own.
  { externalId: 'c-4', score: 5, comment: 'The zorblat widget wobbles on the shelf', region: 'east' },
  { externalId: 'c-5', score: 4, comment: 'My zorblat widget wobbles again', region: 'east' },
  { externalId: 'c-6', score: 5, comment: 'Zorblat widget wobbles, as usual', region: 'east' },
];

async function data(client: GqlClient, query: string, variables: Record<string, unknown> = {}) {
  const res = await client(query, variables);
  expect(res.errors, query).toBeUndefined();
  return res.data!;
}

const mentions = async (filter: Record<string, unknown>) =>
  new Map<string, { mentions: number; sentiment: Record<string, number> }>(
    (await data(app.gql, BREAKDOWN, { filter })).themeBreakdown.map(
      (t: { theme: { key: string }; mentions: number; sentiment: Record<string, number> }) => [t.theme.key, t],
    ),
  );

beforeAll(async () => {
  app = await startTestApp('corrections', { roles: ['api', 'worker'] });
  const input = rows.map(({ region, ...r }) => ({ ...r, touchpoint: 'support_closed', attributes: [{ key: 'region', value: region }] }));
  expect((await app.gql(IMPORT, { input }, { 'x-request-id': REQUEST_ID })).data!.importResponses).toEqual({
    accepted: rows.length,
    errors: [],
  });
  await waitFor(
    async () =>
      (await data(app.gql, `query($r: String) { importProgress(requestId: $r) { done } }`, { r: REQUEST_ID })).importProgress.done ===
      rows.length,
    {
      timeoutMs: 60_000,
      what: 'the import analysed',
    },
  );
  const page = await data(app.gql, `{ responses(first: 10) { edges { node { id externalId } } } }`);
  for (const { node } of page.responses.edges) ids.set(node.externalId, node.id);
});

afterAll(async () => {
  await app?.stop();
});

describe('correctAnalysis', () => {
  it('makes the corrected themes and sentiment win in response, responses and themeBreakdown, and keeps the original', async () => {
    const id = ids.get('c-3')!;
    const before = (await data(app.gql, RESPONSE, { id })).response;
    expect(before.analysis.corrected).toBe(false);
    expect(before.correction).toBeNull();
    expect(before.analysis.themes.map((t: { key: string }) => t.key)).not.toContain('pricing');
    const filter = { attributes: [{ key: 'region', value: 'south' }] };
    expect((await mentions(filter)).has('pricing')).toBe(false);

    const analyst = app.as(
      (await data(app.gql, `mutation { createApiKey(input: { name: "pat the analyst", role: ANALYST }) { key } }`)).createApiKey.key,
    );
    const corrected = (await data(analyst, CORRECT, { id, input: { themes: ['pricing', 'billing'], sentiment: 'NEGATIVE' } }))
      .correctAnalysis;
    expect(corrected.themeKeys).toMatchObject({ corrected: true, correctedBy: 'pat the analyst', sentiment: { label: 'NEGATIVE' } });
    expect(corrected.themeKeys.themes).toEqual([
      { key: 'pricing', label: 'Pricing', confidence: 1 },
      { key: 'billing', label: expect.any(String), confidence: 1 },
    ]);
    expect(corrected.correction).toMatchObject({ themes: ['pricing', 'billing'], sentiment: 'NEGATIVE', by: 'pat the analyst' });
    // The machine analysis before the correction, for audit.
    expect(corrected.correction.original).toEqual({
      themes: before.analysis.themes,
      sentiment: before.analysis.sentiment,
      corrected: false,
    });

    const after = (await data(app.gql, RESPONSE, { id })).response;
    expect(after.analysis.themes.map((t: { key: string }) => t.key)).toEqual(['pricing', 'billing']);
    expect(after.analysis.sentiment.label).toBe('NEGATIVE');
    const listed = await data(
      app.gql,
      `query($f: ResponseFilter) { responses(filter: $f) { totalCount edges { node { id analysis { sentiment { label } } } } } }`,
      { f: { themes: ['pricing'] } },
    );
    expect(listed.responses.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([id]);
    expect(listed.responses.edges[0].node.analysis.sentiment.label).toBe('NEGATIVE');

    // The rollups follow: the south breakdown now holds exactly the corrected themes, negative.
    const breakdown = await mentions(filter);
    expect([...breakdown.keys()].sort()).toEqual(['billing', 'pricing']);
    expect(breakdown.get('pricing')).toEqual({
      theme: { key: 'pricing' },
      mentions: 1,
      sentiment: { positive: 0, neutral: 0, negative: 1 },
    });
    const drivers = (await data(app.gql, DRIVERS, { filter })).drivers;
    expect([...drivers.detraction, ...drivers.promotion].map((d: { theme: { key: string } }) => d.theme.key)).not.toContain(
      before.analysis.themes[0]?.key ?? 'none-before',
    );

    // A second correction of the sentiment alone keeps the corrected themes and the first original.
    const again = (await data(analyst, CORRECT, { id, input: { sentiment: 'NEUTRAL' } })).correctAnalysis;
    expect(again.correction.themes).toEqual(['pricing', 'billing']);
    expect(again.correction.original.sentiment).toEqual(before.analysis.sentiment);
    const twice = await mentions(filter);
    expect(twice.get('pricing')).toMatchObject({ mentions: 1, sentiment: { positive: 0, neutral: 1, negative: 0 } });
  });

  it('keeps the correction through a taxonomy backfill', async () => {
    const id = ids.get('c-2')!;
    await data(app.gql, CORRECT, { id, input: { themes: ['product_quality'] } });
    const created = await data(
      app.gql,
      `mutation { createTheme(input: { key: "invoices", label: "Invoices", keywords: ["invoice"] }) { version } }`,
    );
    const version = created.createTheme.version as number;
    const reanalysed = await waitFor(
      async () => {
        const r = (await data(app.gql, RESPONSE, { id })).response;
        return r.analysisStatus === 'DONE' && r.analysis.taxonomyVersion >= version ? r : null;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'the corrected response re-analysed with the new taxonomy' },
    );
    expect(reanalysed.analysis.themes.map((t: { key: string }) => t.key)).toEqual(['product_quality']);
    expect(reanalysed.analysis.corrected).toBe(true);
    // c-2 is the only verbatim naming an invoice, and its correction holds: nobody has the new theme.
    const other = (
      await data(app.gql, `query($f: ResponseFilter) { responses(filter: $f) { totalCount } }`, { f: { themes: ['invoices'] } })
    ).responses;
    expect(other.totalCount).toBe(0);
    await waitFor(
      async () => (await mentions({ attributes: [{ key: 'region', value: 'north' }] })).get('product_quality')?.mentions === 1,
      {
        timeoutMs: 15_000,
        what: 'the breakdown to keep the corrected theme',
      },
    );
  });

  it('refuses unknown themes, empty input, unknown and out-of-scope responses, and roles that may not correct', async () => {
    const north = ids.get('c-1')!;
    const unknown = await app.gql(CORRECT, { id: north, input: { themes: ['pricing', 'no_such_theme'] } });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.themes' });
    expect(unknown.errors?.[0]?.message).toContain('no_such_theme');
    const empty = await app.gql(CORRECT, { id: north, input: {} });
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input' });
    const badLabel = await app.gql(CORRECT, { id: north, input: { sentiment: 'ANGRY' } });
    expect(badLabel.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const southManager = app.as(
      (
        await data(
          app.gql,
          `mutation { createApiKey(input: { name: "south", role: MANAGER, scope: [{ key: "region", value: "south" }] }) { key } }`,
        )
      ).createApiKey.key,
    );
    const outside = await southManager(CORRECT, { id: north, input: { sentiment: 'NEGATIVE' } });
    const missing = await southManager(CORRECT, { id: '0123456789abcdef01234567', input: { sentiment: 'NEGATIVE' } });
    const garbage = await southManager(CORRECT, { id: 'not-an-id', input: { sentiment: 'NEGATIVE' } });
    for (const res of [outside, missing, garbage]) {
      expect(res.data?.correctAnalysis ?? null).toBeNull();
      expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    // Out of scope and non-existent read the same, apart from the id echoed back.
    expect(outside.errors![0].message.replace(north, 'X')).toBe(missing.errors![0].message.replace('0123456789abcdef01234567', 'X'));
    expect((await data(app.gql, RESPONSE, { id: north })).response.analysis.corrected).toBe(false);
    // Within its scope the manager may correct.
    const inside = await data(southManager, CORRECT, { id: ids.get('c-3')!, input: { sentiment: 'POSITIVE' } });
    expect(inside.correctAnalysis.correction.by).toBe('south');

    const ingest = app.as(
      (await data(app.gql, `mutation { createApiKey(input: { name: "feeder", role: INGEST }) { key } }`)).createApiKey.key,
    );
    const refused = await ingest(CORRECT, { id: north, input: { sentiment: 'NEGATIVE' } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('the corrections adapter job', () => {
  it('learns from corrections and re-analyses the other responses through a backfill', { timeout: 150_000 }, async () => {
    const unseen = ids.get('c-6')!;
    const before = (await data(app.gql, RESPONSE, { id: unseen })).response;
    expect(before.analysis.themes.map((t: { key: string }) => t.key)).not.toContain('product_quality');
    for (const ext of ['c-4', 'c-5']) await data(app.gql, CORRECT, { id: ids.get(ext)!, input: { themes: ['product_quality'] } });
    const versionBefore = before.analysis.taxonomyVersion as number;

    // The repeatable round runs every 10 minutes; the test enqueues one round of the same job.
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUES.maintenance, { connection, prefix: testRedisPrefix('corrections') });
    try {
      await queue.add(JOBS.trainAdapter, {}, { jobId: 'test-train-adapter' });
      const after = await waitFor(
        async () => {
          const r = (await data(app.gql, RESPONSE, { id: unseen })).response;
          return r.analysisStatus === 'DONE' && r.analysis.taxonomyVersion > versionBefore ? r : null;
        },
        { timeoutMs: 120_000, intervalMs: 500, what: 'the adapter backfill to re-analyse the uncorrected response' },
      );
      expect(after.analysis.themes.map((t: { key: string }) => t.key)).toContain('product_quality');
      expect(after.analysis.corrected).toBe(false);
      // The corrected responses keep their corrections through the adapter's backfill.
      const corrected = (await data(app.gql, RESPONSE, { id: ids.get('c-2')! })).response;
      expect(corrected.analysis.themes.map((t: { key: string }) => t.key)).toEqual(['product_quality']);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});

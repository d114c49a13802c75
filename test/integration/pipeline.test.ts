/**
 * The analysis pipeline end to end through GraphQL, against the real FerretDB, Redis and BullMQ:
 * a submit is analysed within seconds, a 2,000-row import is analysed completely (nothing left
 * PENDING) with insights that agree with the stored analyses, and a taxonomy edit re-analyses the
 * affected responses so the breakdown changes accordingly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.js';

const SUBMIT = `mutation($input: ResponseInput!) { submitResponse(input: $input) { id analysisStatus } }`;
const RESPONSE = `query($id: ID!) { response(id: $id) { id analysisStatus analysis { taxonomyVersion sentiment { label } themes { key } } } }`;
const IMPORT = `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted duplicates errors { index message } } }`;
const PROGRESS = `query($requestId: String) { importProgress(requestId: $requestId) { total pending done failed complete } }`;
const COUNT = `query($filter: ResponseFilter) { responses(filter: $filter, first: 1) { totalCount } }`;
const PAGE = `query($filter: ResponseFilter, $after: String) {
  responses(filter: $filter, first: 1000, after: $after) {
    edges { node { id score category analysisStatus analysis { taxonomyVersion themes { key } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const NPS = `query($filter: ResponseFilter) { nps(filter: $filter) { responses promoters passives detractors nps } }`;
const BREAKDOWN = `query($filter: ResponseFilter) { themeBreakdown(filter: $filter, examples: 0) { theme { key } mentions promoters passives detractors } }`;
const CREATE_THEME = `mutation($input: CreateThemeInput!) { createTheme(input: $input) { version theme { key } } }`;
const UPDATE_THEME = `mutation($key: String!, $input: UpdateThemeInput!) { updateTheme(key: $key, input: $input) { version theme { key keywords } } }`;
const BACKFILL = `query($version: Int) { taxonomyBackfill(version: $version) { version status total pending done failed complete } }`;

const COMMENTS = [
  'The invoice was wrong again and billing support never called back',
  'Setup was quick and the onboarding team was great',
  'The app keeps crashing when I upload files',
  'Too expensive for what it does',
  'Support answered within minutes, very helpful',
  'Love how easy it is to use',
  'Reports are slow to load and the dashboard times out',
  'Fine overall, nothing special',
  'The carrier pigeon integration drops half of our messages',
  'Our pigeon messages arrive late, and the owl relay is worse',
];

/** 2,000 as the issue asks; PIPELINE_TEST_ROWS overrides it on a machine too busy for that. */
const BULK_ROWS = Number(process.env.PIPELINE_TEST_ROWS ?? 2000);

type Node = {
  id: string;
  score: number;
  category: string;
  analysisStatus: string;
  analysis: { taxonomyVersion: number; themes: { key: string }[] } | null;
};

async function allResponses(app: TestApp, filter: Record<string, unknown>): Promise<Node[]> {
  const all: Node[] = [];
  let after: string | null = null;
  do {
    const res: any = await app.gql(PAGE, { filter, after });
    expect(res.errors).toBeUndefined();
    const page = res.data.responses;
    all.push(...page.edges.map((e: any) => e.node));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return all;
}

/** Mentions per theme key, counting each response once per theme, as the rollups do. */
function mentionsOf(nodes: Node[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of nodes) for (const key of new Set(n.analysis?.themes.map((t) => t.key) ?? [])) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

async function breakdownMentions(app: TestApp, filter: Record<string, unknown>): Promise<Map<string, number>> {
  const res: any = await app.gql(BREAKDOWN, { filter });
  expect(res.errors).toBeUndefined();
  return new Map(res.data.themeBreakdown.map((r: any) => [r.theme.key, r.mentions]));
}

function sameCounts(a: Map<string, number>, b: Map<string, number>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

function row(prefix: string, i: number, year: number) {
  return {
    externalId: `${prefix}-${i}`,
    score: i % 11,
    comment: COMMENTS[i % COMMENTS.length],
    respondedAt: new Date(Date.UTC(year, i % 12, 1 + (i % 28), 12, i % 60)).toISOString(),
    touchpoint: ['renewal', 'support_closed', 'onboarding'][i % 3],
  };
}

describe('analysis pipeline', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp('pipeline', {
      roles: ['api', 'worker'],
      env: { VERBATIM_MAX_PAGE_SIZE: '1000', VERBATIM_WORKER_CONCURRENCY: '8' },
    });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('analyses a submitted response within seconds', async () => {
    const submitted = await app.gql(SUBMIT, {
      input: {
        externalId: 'pipe-single',
        score: 3,
        comment: 'Billing charged us twice and support never answered',
        touchpoint: 'support_closed',
      },
    });
    expect(submitted.errors).toBeUndefined();
    const id = submitted.data!.submitResponse.id;
    const analysed = await waitFor(
      async () => {
        const r = (await app.gql(RESPONSE, { id })).data!.response;
        return r.analysisStatus === 'DONE' ? r : null;
      },
      { timeoutMs: 15_000, what: 'the submitted response to be analysed' },
    );
    expect(analysed.analysis.sentiment.label).toBe('NEGATIVE');
    expect(analysed.analysis.themes.length).toBeGreaterThan(0);
  });

  it('analyses all of a 2,000-row import, none left PENDING, with insights that agree', async () => {
    const filter = { from: '2018-01-01T00:00:00.000Z', to: '2019-01-01T00:00:00.000Z' };
    const requestId = 'pipeline-import-2000';
    const half = BULK_ROWS / 2;
    for (const part of [0, 1]) {
      const input = Array.from({ length: half }, (_, i) => row('pipe-bulk', part * half + i, 2018));
      const res = await app.gql(IMPORT, { input }, { 'x-request-id': requestId });
      expect(res.errors).toBeUndefined();
      expect(res.data!.importResponses).toMatchObject({ accepted: half, duplicates: 0, errors: [] });
    }

    const progress = await waitFor(
      async () => {
        const p = (await app.gql(PROGRESS, { requestId })).data!.importProgress;
        return p.complete ? p : null;
      },
      { timeoutMs: 420_000, intervalMs: 3_000, what: '2,000 imported responses analysed' },
    );
    expect(progress).toMatchObject({ total: BULK_ROWS, pending: 0, done: BULK_ROWS, failed: 0 });
    const pending = await app.gql(COUNT, { filter: { ...filter, analysisStatus: 'PENDING' } });
    expect(pending.data!.responses.totalCount).toBe(0);

    const nodes = await allResponses(app, filter);
    expect(nodes).toHaveLength(BULK_ROWS);
    expect(nodes.every((n) => n.analysisStatus === 'DONE')).toBe(true);

    const nps = (await app.gql(NPS, { filter })).data!.nps;
    const byCategory = (c: string) => nodes.filter((n) => n.category === c).length;
    expect(nps).toMatchObject({
      responses: BULK_ROWS,
      promoters: byCategory('PROMOTER'),
      passives: byCategory('PASSIVE'),
      detractors: byCategory('DETRACTOR'),
    });

    // The after-analysis hook records each analysis right after storing it: the rollups match exactly.
    const expected = mentionsOf(nodes);
    expect(expected.size).toBeGreaterThan(2);
    await waitFor(async () => sameCounts(expected, await breakdownMentions(app, filter)), {
      timeoutMs: 15_000,
      what: 'theme breakdown to match the stored analyses',
    });
  }, 450_000);
});

describe('taxonomy edits re-analyse affected responses', () => {
  let app: TestApp;
  const filter = { from: '2017-01-01T00:00:00.000Z', to: '2018-01-01T00:00:00.000Z' };

  beforeAll(async () => {
    app = await startTestApp('pipeline-taxonomy', { roles: ['api', 'worker'], env: { VERBATIM_MAX_PAGE_SIZE: '1000' } });
  });

  afterAll(async () => {
    await app?.stop();
  });

  async function backfillDone(version: number) {
    return waitFor(
      async () => {
        const b = (await app.gql(BACKFILL, { version })).data!.taxonomyBackfill;
        return b && b.status === 'DONE' && b.complete ? b : null;
      },
      { timeoutMs: 120_000, intervalMs: 1_000, what: `backfill of taxonomy version ${version}` },
    );
  }

  async function analysedWith(version: number): Promise<Node[]> {
    return waitFor(
      async () => {
        const nodes = await allResponses(app, filter);
        return nodes.every((n) => n.analysisStatus === 'DONE' && n.analysis!.taxonomyVersion >= version) ? nodes : null;
      },
      { timeoutMs: 120_000, intervalMs: 1_000, what: `every response analysed with taxonomy version ${version}` },
    );
  }

  it('creating and editing a theme re-analyses the responses and changes the breakdown', async () => {
    const input = Array.from({ length: 100 }, (_, i) => row('pipe-tax', i, 2017));
    expect((await app.gql(IMPORT, { input })).data!.importResponses.accepted).toBe(100);
    const before = await waitFor(
      async () => {
        const nodes = await allResponses(app, filter);
        return nodes.length === 100 && nodes.every((n) => n.analysisStatus === 'DONE') ? nodes : null;
      },
      { timeoutMs: 60_000, what: '100 responses analysed' },
    );
    expect(mentionsOf(before).has('pigeon_post')).toBe(false);
    const pigeonRows = input.filter((r) => /pigeon/i.test(r.comment)).length;
    const owlRows = input.filter((r) => /owl/i.test(r.comment)).length;
    expect(pigeonRows).toBe(20);

    // A new theme: the backfill re-analyses, and its mentioners show up in the breakdown.
    const created = await app.gql(CREATE_THEME, {
      input: { key: 'pigeon_post', label: 'Pigeon post', description: 'Messages carried by birds', keywords: ['pigeon'] },
    });
    expect(created.errors).toBeUndefined();
    const v1 = created.data!.createTheme.version;
    const backfill = await backfillDone(v1);
    expect(backfill.failed).toBe(0);
    const afterCreate = await analysedWith(v1);
    expect(mentionsOf(afterCreate).get('pigeon_post')).toBe(pigeonRows);
    await waitFor(
      async () => {
        const got = await breakdownMentions(app, filter);
        return got.get('pigeon_post') === pigeonRows && sameCounts(mentionsOf(afterCreate), got);
      },
      { timeoutMs: 15_000, what: 'breakdown to show the new theme' },
    );

    // Replacing the keywords: a second backfill; the rollups must follow the new analyses exactly.
    const updated = await app.gql(UPDATE_THEME, { key: 'pigeon_post', input: { keywords: ['owl'] } });
    expect(updated.errors).toBeUndefined();
    const v2 = updated.data!.updateTheme.version;
    expect(v2).toBeGreaterThan(v1);
    await backfillDone(v2);
    const afterUpdate = await analysedWith(v2);
    // Only "owl" is a keyword now: the rows that say pigeon without owl drop out.
    expect(mentionsOf(afterUpdate).get('pigeon_post')).toBe(owlRows);
    await waitFor(
      async () => {
        const got = await breakdownMentions(app, filter);
        return got.get('pigeon_post') === owlRows && sameCounts(mentionsOf(afterUpdate), got);
      },
      { timeoutMs: 15_000, what: 'breakdown to follow the edited theme' },
    );
  }, 180_000);
});

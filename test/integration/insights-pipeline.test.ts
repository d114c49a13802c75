/**
 * Insights fed by the real pipeline: responses imported through GraphQL, analysed by the BullMQ
 * worker, recorded into the rollups by its after-analysis hook. The theme breakdown must agree
 * with the analyses stored on the responses, and the trend with the responses stored.
 *
 * Runs once the worker exists (jobs/worker.ts); until then there is no pipeline to go through.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.js';

const hasWorker = existsSync(new URL('../../jobs/worker.ts', import.meta.url));

const IMPORT = `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted errors { index message } } }`;
const PAGE = `query($filter: ResponseFilter, $after: String) {
  responses(filter: $filter, first: 100, after: $after) { totalCount edges { node { id score analysisStatus analysis { themes { key } } } } pageInfo { hasNextPage endCursor } }
}`;
const BREAKDOWN = `query($filter: ResponseFilter) { themeBreakdown(filter: $filter) { theme { key } mentions promoters passives detractors } }`;
const TREND = `query($filter: ResponseFilter) { npsTrend(filter: $filter, interval: MONTH) { series { responses } } }`;

const COMMENTS = [
  'The invoice was wrong again and billing support never called back',
  'Setup was quick and the onboarding team was great',
  'The app keeps crashing when I upload files',
  'Too expensive for what it does',
  'Support answered within minutes, very helpful',
  'Love how easy it is to use',
];

describe.skipIf(!hasWorker)('insights through the analysis pipeline', () => {
  let app: TestApp;
  const filter = { from: '2019-01-01T00:00:00.000Z', to: '2020-01-01T00:00:00.000Z' };

  beforeAll(async () => {
    app = await startTestApp('insights-pipeline', { roles: ['api', 'worker'] });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('counts every analysed response exactly once', async () => {
    const input = Array.from({ length: 60 }, (_, i) => ({
      externalId: `pipe-insights-${i}`,
      score: i % 11,
      comment: COMMENTS[i % COMMENTS.length],
      respondedAt: new Date(Date.UTC(2019, i % 12, 1 + (i % 28), 12)).toISOString(),
      touchpoint: ['renewal', 'support_closed'][i % 2],
    }));
    const imported = await app.gql(IMPORT, { input });
    expect(imported.data!.importResponses).toMatchObject({ accepted: 60, errors: [] });

    // Every response analysed, as the responses themselves say.
    const nodes = await waitFor(
      async () => {
        const all: any[] = [];
        let after: string | null = null;
        do {
          const page: any = (await app.gql(PAGE, { filter, after })).data!.responses;
          all.push(...page.edges.map((e: any) => e.node));
          after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
        } while (after);
        return all.length === 60 && all.every((n) => n.analysisStatus === 'DONE') ? all : null;
      },
      { timeoutMs: 60_000, what: '60 responses analysed' },
    );

    const expected = new Map<string, number>();
    for (const n of nodes)
      for (const t of new Set<string>(n.analysis.themes.map((x: any) => x.key))) expected.set(t, (expected.get(t) ?? 0) + 1);
    // The hook records right after each analysis is stored; the breakdown then matches exactly.
    const breakdown = await waitFor(
      async () => {
        const result = await app.gql(BREAKDOWN, { filter });
        expect(result.errors, 'themeBreakdown while the worker writes').toBeUndefined();
        const rows = result.data!.themeBreakdown as any[];
        const got = new Map(rows.map((r) => [r.theme.key, r.mentions]));
        return got.size === expected.size && [...expected].every(([k, v]) => got.get(k) === v) ? rows : null;
      },
      { timeoutMs: 15_000, what: 'theme breakdown to match the stored analyses' },
    );
    expect(breakdown.length).toBeGreaterThan(0);
    const trend = (await app.gql(TREND, { filter })).data!.npsTrend;
    expect(trend.series[0].responses).toBe(60);
  });
});

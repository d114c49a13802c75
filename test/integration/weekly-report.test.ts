/**
 * weeklyReport over GraphQL: its figures equal the `nps` / `themeBreakdown` queries of the same
 * scope and ranges, verbatims are HTML-escaped with evidence highlighted, a scoped MANAGER key
 * can only report on its own scope, and an empty scope says so (no NaN).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitFor, type GqlClient, type TestApp } from '../helpers/app.js';
import { lastCompleteWeek } from '../../src/services/reports/report-week.js';

const NAME = 'weekly-report';
const REQUEST_ID = 'weekly-report-import';
const DAY = 86_400_000;
const NEVADA = [{ key: 'region', value: 'Nevada' }];
const WEEK = lastCompleteWeek(new Date());

const REPORT = `query($scope: [AttributeInput!], $week: String, $industry: String) { weeklyReport(scope: $scope, week: $week, industry: $industry) {
  week from to hasResponses headline scope { key value }
  weekNps { nps responses promoters passives detractors marginOfError smallSample }
  previousWeekNps { nps responses }
  weekChange { points significant }
  last4Weeks { nps responses marginOfError } previous4Weeks { nps responses } fourWeekChange { points significant }
  last13Weeks { nps responses marginOfError }
  trend { week nps responses }
  themesRising { key label mentions share shareChange impact impactChange significant }
  themesFalling { key shareChange }
  promoterQuotes { id score comment highlights { start end text } }
  detractorVerbatims { id score comment riskLevel highlights { start end text } }
  followUps { open overdue closedLoopRate medianMinutesToFirstAction }
  owners { key open overdue closedLoopRate }
  benchmark { industry value source url year } benchmarkGap
  html text } }`;
const NPS = `query($filter: ResponseFilter) { nps(filter: $filter) { nps responses promoters passives detractors marginOfError smallSample } }`;

let app: TestApp;
let manager: GqlClient;

/** Nevada: 6 responses this report week, 4 the week before, 3 eight weeks earlier; Texas: 5 in the report week. */
function rows() {
  const at = (daysAfterWeekStart: number) => new Date(WEEK.from.getTime() + daysAfterWeekStart * DAY + 3_600_000).toISOString();
  const nv = (id: string, score: number, comment: string, day: number) => ({
    externalId: `nv-${id}`,
    score,
    comment,
    respondedAt: at(day),
    touchpoint: 'renewal',
    attributes: [...NEVADA, { key: 'account_manager', value: 'alice' }],
  });
  return [
    nv('1', 10, 'Support was quick and friendly, love it', 1),
    nv('2', 9, 'Great product, the dashboard is easy to use', 2),
    nv('3', 2, 'We were charged twice, the invoice is wrong <script>alert(1)</script> & we will cancel', 3),
    nv('4', 5, 'Support never answers our tickets "><img src=x onerror=alert(2)>', 4),
    nv('5', 7, 'Fine', 5),
    nv('6', 0, 'Billing is a mess, switching to a competitor', 6),
    nv('p1', 9, 'Support is great', -5),
    nv('p2', 10, 'Love the product', -4),
    nv('p3', 8, 'Okay', -3),
    nv('p4', 3, 'Invoice errors again', -2),
    nv('o1', 10, 'Amazing', -56),
    nv('o2', 6, 'Slow support', -55),
    nv('o3', 9, 'Good value', -54),
    ...Array.from({ length: 5 }, (_, i) => ({
      externalId: `tx-${i}`,
      score: i,
      comment: 'Armadillo office: offline sync breaks',
      respondedAt: at(i + 1),
      attributes: [{ key: 'region', value: 'Texas' }],
    })),
  ];
}

async function data(client: GqlClient, query: string, variables: Record<string, unknown> = {}) {
  const res = await client(query, variables);
  expect(res.errors, query).toBeUndefined();
  return res.data!;
}

beforeAll(async () => {
  app = await startTestApp(NAME, { roles: ['api', 'worker'] });
  const input = rows();
  const imported = await app.gql(
    `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted errors { index message } } }`,
    { input },
    { 'x-request-id': REQUEST_ID },
  );
  expect(imported.data!.importResponses).toEqual({ accepted: input.length, errors: [] });
  await waitFor(
    async () =>
      (await data(app.gql, `query($r: String) { importProgress(requestId: $r) { done } }`, { r: REQUEST_ID })).importProgress.done ===
      input.length,
    {
      timeoutMs: 90_000,
      what: 'the import analysed',
    },
  );
  const created = await data(app.gql, `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
    input: { name: 'nevada manager', role: 'MANAGER', scope: NEVADA },
  });
  manager = app.as(created.createApiKey.key);
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

describe('weeklyReport', () => {
  it('reports the figures the nps and themeBreakdown queries give for the same scope and ranges', async () => {
    const { weeklyReport: r } = await data(app.gql, REPORT, { scope: NEVADA, week: WEEK.key });
    const nps = async (from: Date, to: Date) => (await data(app.gql, NPS, { filter: { attributes: NEVADA, from, to } })).nps;
    expect(r.week).toBe(WEEK.key);
    expect(r.hasResponses).toBe(true);
    expect(r.weekNps).toEqual(await nps(WEEK.from, WEEK.to));
    // Hand-computed: 10 9 2 5 7 0 → 2 promoters, 1 passive, 3 detractors → NPS −16.67.
    expect(r.weekNps).toMatchObject({ responses: 6, promoters: 2, passives: 1, detractors: 3, nps: -16.67, smallSample: true });
    expect(r.previousWeekNps).toMatchObject({ responses: 4, nps: 25 });
    const four = await nps(new Date(WEEK.to.getTime() - 28 * DAY), WEEK.to);
    expect(r.last4Weeks).toEqual({ nps: four.nps, responses: four.responses, marginOfError: four.marginOfError });
    const thirteen = await nps(new Date(WEEK.to.getTime() - 91 * DAY), WEEK.to);
    expect(r.last13Weeks).toEqual({ nps: thirteen.nps, responses: 13, marginOfError: thirteen.marginOfError });
    expect(r.weekChange.points).toBeCloseTo(-41.67, 2);
    // Margins of ±60-odd points each: a 42-point swing on 6 and 4 answers is noise.
    expect(r.weekChange.significant).toBe(false);
    expect(r.trend).toHaveLength(13);
    expect(r.trend.at(-1)).toEqual({ week: WEEK.key, nps: r.weekNps.nps, responses: 6 });
    expect(r.trend.reduce((s: number, p: { responses: number }) => s + p.responses, 0)).toBe(13);
    expect(r.trend.filter((p: { nps: number | null }) => p.nps === null)).toHaveLength(10);

    // Themes: the same as themeBreakdown of the last 4 weeks.
    const breakdown = (
      await data(
        app.gql,
        `query($filter: ResponseFilter) { themeBreakdown(filter: $filter) { theme { key } mentions change { share } } }`,
        {
          filter: { attributes: NEVADA, from: new Date(WEEK.to.getTime() - 28 * DAY), to: WEEK.to },
        },
      )
    ).themeBreakdown as { theme: { key: string }; mentions: number; change: { share: number } }[];
    for (const t of [...r.themesRising, ...r.themesFalling]) {
      const same = breakdown.find((b) => b.theme.key === t.key)!;
      expect(same.change.share).toBe(t.shareChange);
    }
    expect(r.themesRising.length + r.themesFalling.length).toBeGreaterThan(0);

    // Quotes: Nevada only, best promoter first, most urgent detractor first, evidence highlighted.
    expect(r.promoterQuotes.map((q: { score: number }) => q.score)).toEqual([10, 9]);
    expect(r.detractorVerbatims.map((q: { score: number }) => q.score).sort()).toEqual([0, 2, 5]);
    expect(r.detractorVerbatims.some((q: { highlights: unknown[] }) => q.highlights.length > 0)).toBe(true);
    expect(JSON.stringify(r)).not.toMatch(/armadillo|Texas/i);
  });

  it('renders HTML with every verbatim escaped, an inline SVG trend and a plain-text twin', async () => {
    const { weeklyReport: r } = await data(app.gql, REPORT, { scope: NEVADA, week: WEEK.key, industry: 'B2B SaaS' });
    expect(r.html).toMatch(/^<!doctype html>/);
    expect(r.html).not.toContain('<script>');
    expect(r.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp;');
    // An attribute-breaking verbatim is escaped too: no tag, no quote that could close an attribute.
    expect(r.detractorVerbatims.map((q: { comment: string }) => q.comment)).toContain(
      'Support never answers our tickets "><img src=x onerror=alert(2)>',
    );
    expect(r.html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(r.html).not.toMatch(/<img|<script/);
    expect(r.html).toContain('<mark');
    expect(r.html).toMatch(/<svg [^>]*role="img"/);
    expect(r.html).toContain('region = Nevada');
    expect(r.text).toContain(`Weekly NPS report ${WEEK.key} — region = Nevada`);
    expect(r.text).toContain('<script>alert(1)</script>'); // plain text is not HTML: shown as written
    expect(`${r.html}${r.text}`).not.toMatch(/NaN|undefined|null/);
    expect(r.benchmark).toMatchObject({ industry: 'B2B SaaS', value: 58, year: 2024 });
    expect(r.benchmark.url).toMatch(/^https:\/\//);
    expect(r.benchmarkGap).toBeCloseTo(r.last13Weeks.nps - 58, 2);
    expect(r.html).toContain(r.benchmark.url);
  });

  it('says so for a scope without responses instead of showing NaN', async () => {
    const { weeklyReport: r } = await data(app.gql, REPORT, { scope: [{ key: 'region', value: 'Utah' }], week: WEEK.key });
    expect(r.hasResponses).toBe(false);
    expect(r.headline).toMatch(/^No responses in this scope/);
    expect(r.weekNps).toMatchObject({ nps: null, responses: 0 });
    expect(r.weekChange).toEqual({ points: null, significant: false });
    expect(r.promoterQuotes).toEqual([]);
    expect(`${r.html}${r.text}`).not.toMatch(/NaN|undefined/);
    expect(r.text).toContain('No responses in this scope');
    expect(r.html).toContain('No responses in this scope');
    expect(r.html).not.toMatch(/<svg|<table/);
  });

  it('lets a scoped MANAGER report only on its own scope', async () => {
    const own = await data(manager, REPORT, { week: WEEK.key });
    expect(own.weeklyReport.scope).toEqual(NEVADA);
    const admin = await data(app.gql, REPORT, { scope: NEVADA, week: WEEK.key });
    // The HTML differs only in its "generated at" line.
    const comparable = (r: Record<string, unknown>) => ({ ...r, html: String(r.html).replace(/Generated [^<]*/, '') });
    expect(comparable(own.weeklyReport)).toEqual(comparable(admin.weeklyReport));

    const narrower = await data(manager, REPORT, { week: WEEK.key, scope: [{ key: 'account_manager', value: 'alice' }] });
    expect(narrower.weeklyReport.scope).toEqual([{ key: 'account_manager', value: 'alice' }, ...NEVADA]);

    const other = await manager(REPORT, { week: WEEK.key, scope: [{ key: 'region', value: 'Texas' }] });
    expect(other.data).toBeNull();
    expect(other.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'scope' });
    expect(JSON.stringify(other)).not.toMatch(/armadillo|stack/i);
  });

  it('names the field of bad input', async () => {
    for (const [variables, field] of [
      [{ week: '2026-W60' }, 'week'],
      [{ week: 'last week' }, 'week'],
      [
        {
          scope: [
            { key: 'region', value: 'Nevada' },
            { key: 'region', value: 'Texas' },
          ],
        },
        'scope[1].key',
      ],
      [{ scope: [{ key: 'bad key!', value: 'x' }] }, 'scope[0].key'],
    ] as const) {
      const res = await app.gql(REPORT, variables);
      expect(res.errors?.[0].extensions, JSON.stringify(variables)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });
});

describe('benchmarks', () => {
  it('lists published figures with their sources, and compares nps with one', async () => {
    const { benchmarks } = await data(app.gql, `{ benchmarks(industry: "b2b saas") { industry region year statistic value source url } }`);
    expect(benchmarks).toEqual([expect.objectContaining({ industry: 'B2B SaaS', region: 'Global', year: 2024, value: 58 })]);
    expect(benchmarks[0].source).toMatch(/npsBench/);
    const all = (await data(app.gql, `{ benchmarks { industry source url } }`)).benchmarks as { source: string; url: string }[];
    expect(all.length).toBeGreaterThan(1);
    for (const b of all) expect(b.url).toMatch(/^https:\/\//);
    const { nps } = await data(
      manager,
      `{ nps { nps benchmark(industry: "Airlines") { industry value source year } none: benchmark { value } } }`,
    );
    expect(nps.benchmark).toMatchObject({ industry: 'Airlines', value: 31, year: 2024 });
    // No VERBATIM_BENCHMARK_INDUSTRY in this app: no default comparison.
    expect(nps.none).toBeNull();
    expect((await data(app.gql, `{ benchmarks(industry: "Underwater basket weaving") { value } }`)).benchmarks).toEqual([]);
  });
});

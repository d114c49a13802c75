/**
 * Insight queries through GraphQL HTTP against the real MongoDB-compatible server: impact figures
 * of a hand-computed fixture, filters, trend buckets, segment ordering, emerging themes, and
 * rollups that stay exact when a response is recorded twice or re-analysed with other themes.
 *
 * Analysed responses are written straight through the repositories and recorded into the rollups
 * the way the analysis pipeline's hook does (the pipeline itself is tested on its own). Each
 * group of tests uses its own year and filters on it, so groups do not see each other's data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { connectDatabase, type Database } from '../../models/database.js';
import type { ResponseEntity, StoredThemeMatch } from '../../models/response/response.entity.js';
import { categoryOf, weightOf } from '../../src/domain/nps.js';
import { periodKeys } from '../../src/domain/periods.js';
import { createLogger } from '../../src/logger.js';
import { encodeEntry, entryOf } from '../../src/services/insights/rollups/entry.js';
import { RollupStore } from '../../src/services/insights/rollups/rollup-store.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { testMongoUri } from '../helpers/services.js';

const BREAKDOWN = `query($filter: ResponseFilter) {
  themeBreakdown(filter: $filter) {
    theme { key label } mentions share nps impact npsWithout averageScore promoters passives detractors smallSample
    sentiment { positive neutral negative }
    examples { id comment sentiment nearDuplicates evidence { start end text } }
    change { previousMentions mentions previousNps nps shareSignificant npsSignificant period { from to } previousPeriod { from to } }
  }
}`;
const DRIVERS = `query($filter: ResponseFilter) {
  drivers(filter: $filter) { source overall { nps responses } detraction { theme { key } impact significant } promotion { theme { key } impact } }
}`;
const TREND = `query($filter: ResponseFilter, $interval: TrendInterval!, $groupBy: TrendGroupBy) {
  npsTrend(filter: $filter, interval: $interval, groupBy: $groupBy) {
    source series { group responses points { period start end nps responses promoters passives detractors marginOfError } }
    total { nps responses promoters passives detractors marginOfError }
  }
}`;
const SEGMENTS = `query($filter: ResponseFilter, $attribute: String) {
  segments(filter: $filter, attribute: $attribute) {
    overall { nps responses }
    byAttribute { dimension segments { value nps responses share topThemes { theme { key } mentions } } happiest { value } leastSatisfied { value } }
    byTouchpoint { segments { value nps responses } happiest { value } leastSatisfied { value } }
  }
}`;
const EMERGING = `query($filter: ResponseFilter) {
  emergingThemes(filter: $filter, minCount: 3) {
    sampled candidates { phrase count examples { id comment } suggestion { key label description keywords examples } }
  }
}`;

let app: TestApp;
let db: Database;
let rollups: RollupStore;
let seq = 0;

type Sentiment = 'positive' | 'neutral' | 'negative';

interface Spec {
  score: number;
  themes?: [string, Sentiment][];
  at: string;
  touchpoint?: string | null;
  attributes?: Record<string, string>;
  comment?: string;
  analysed?: boolean;
}

function themeMatches(themes: [string, Sentiment][], comment: string): StoredThemeMatch[] {
  return themes.map(([key, label]) => {
    const start = Math.max(0, comment.indexOf(key));
    return {
      key,
      label: key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()),
      confidence: 0.9,
      sentiment: { label, score: label === 'positive' ? 0.6 : label === 'negative' ? -0.6 : 0, confidence: 0.8 },
      evidence: [{ start, end: start + key.length, text: comment.slice(start, start + key.length) }],
    };
  });
}

function analysedResponse(spec: Spec): Omit<ResponseEntity, 'createdAt' | 'updatedAt'> {
  const respondedAt = new Date(spec.at);
  const themes = spec.themes ?? [];
  const comment = spec.comment ?? (themes.length ? `About ${themes.map(([k]) => k).join(' and ')}.` : 'Fine.');
  const category = categoryOf(spec.score);
  const attributes = Object.entries(spec.attributes ?? {}).map(([key, value]) => ({ key, value }));
  const analysed = spec.analysed ?? true;
  return {
    _id: new Types.ObjectId(),
    externalId: `insights-${++seq}`,
    score: spec.score,
    comment,
    category,
    npsWeight: weightOf(category),
    respondedAt,
    receivedAt: respondedAt,
    period: periodKeys(respondedAt),
    touchpoint: spec.touchpoint === undefined ? 'renewal' : spec.touchpoint,
    channel: null,
    attributes,
    attributeTags: attributes.map((a) => `${a.key}=${a.value}`),
    customerExternalId: null,
    analysisStatus: analysed ? 'DONE' : 'PENDING',
    analysisRevision: 0,
    analysis: analysed
      ? {
          engine: 'test',
          taxonomyVersion: 1,
          language: { code: 'eng', supported: true },
          truncated: false,
          sentiment: { label: 'neutral', score: 0, confidence: 0.5 },
          themes: themeMatches(themes, comment),
          keyPhrases: [],
          churnSignals: [],
          churnRisk: null,
          analyzedAt: new Date(respondedAt.getTime() + 1000),
        }
      : null,
    themeKeys: analysed ? themes.map(([k]) => k) : [],
    analysisError: null,
    analysisAttempts: analysed ? 1 : 0,
    requestId: null,
  };
}

/** Stores responses and records them into the rollups, as the pipeline's after-analysis hook does. */
async function store(specs: Spec[]): Promise<ResponseEntity[]> {
  const docs = specs.map(analysedResponse) as ResponseEntity[];
  await db.connection.collection('responses').insertMany(docs.map((d) => ({ ...d, createdAt: new Date(), updatedAt: new Date() })));
  await rollups.record(docs);
  return docs;
}

async function query<T = any>(q: string, variables: Record<string, unknown>): Promise<T> {
  const result = await app.gql<T>(q, variables);
  expect(result.errors).toBeUndefined();
  return result.data as T;
}

const year = (y: number) => ({ from: `${y}-01-01T00:00:00.000Z`, to: `${y + 1}-01-01T00:00:00.000Z` });

beforeAll(async () => {
  app = await startTestApp('insights', { roles: ['api'] });
  db = await connectDatabase({ uri: testMongoUri('insights') });
  rollups = new RollupStore({ rollups: db.rollups, log: createLogger('silent') });
});

afterAll(async () => {
  await rollups?.close();
  await db?.close();
  await app?.stop();
});

describe('themeBreakdown and drivers on a hand-computed fixture', () => {
  // Overall NPS −20 (P3 Pa2 D5). Impacts: billing −34.29, support −20, pricing −3.33, ease_of_use +30.
  const FIXTURE: Spec[] = [
    { score: 10, themes: [['ease_of_use', 'positive']], at: '2021-03-01T10:00:00Z', attributes: { region: 'emea' } },
    {
      score: 9,
      themes: [
        ['ease_of_use', 'positive'],
        ['pricing', 'negative'],
      ],
      at: '2021-03-02T10:00:00Z',
      attributes: { region: 'emea' },
    },
    { score: 9, at: '2021-03-03T10:00:00Z', attributes: { region: 'emea' } },
    {
      score: 8,
      themes: [['pricing', 'negative']],
      at: '2021-03-04T10:00:00Z',
      touchpoint: 'support_closed',
      attributes: { region: 'emea' },
    },
    {
      score: 7,
      themes: [['support', 'neutral']],
      at: '2021-03-05T10:00:00Z',
      touchpoint: 'support_closed',
      attributes: { region: 'emea' },
    },
    {
      score: 6,
      themes: [
        ['pricing', 'negative'],
        ['support', 'negative'],
      ],
      at: '2021-04-06T10:00:00Z',
      attributes: { region: 'apac' },
    },
    { score: 4, themes: [['billing', 'negative']], at: '2021-04-07T10:00:00Z', attributes: { region: 'apac' } },
    {
      score: 3,
      themes: [
        ['billing', 'negative'],
        ['pricing', 'negative'],
      ],
      at: '2021-04-08T10:00:00Z',
      touchpoint: 'support_closed',
      attributes: { region: 'apac' },
    },
    { score: 2, themes: [['billing', 'negative']], at: '2021-04-09T10:00:00Z', attributes: { region: 'apac' } },
    { score: 0, themes: [['support', 'negative']], at: '2021-04-10T10:00:00Z', attributes: { region: 'apac' } },
  ];
  let fixture: ResponseEntity[];

  beforeAll(async () => {
    fixture = await store(FIXTURE);
  });

  it('matches the hand-computed impacts, NPS and sentiment (no filter: from the rollups)', async () => {
    const { themeBreakdown } = await query(BREAKDOWN, {});
    const byKey = Object.fromEntries(themeBreakdown.map((t: any) => [t.theme.key, t]));
    expect(themeBreakdown.map((t: any) => t.theme.key)).toEqual(['pricing', 'billing', 'support', 'ease_of_use']);
    expect(byKey.pricing).toMatchObject({ mentions: 4, share: 0.4, nps: -25, npsWithout: -16.67, impact: -3.33, averageScore: 6.5 });
    expect(byKey.pricing).toMatchObject({
      promoters: 1,
      passives: 1,
      detractors: 2,
      smallSample: true,
      sentiment: { positive: 0, neutral: 0, negative: 4 },
    });
    expect(byKey.billing).toMatchObject({ mentions: 3, nps: -100, npsWithout: 14.29, impact: -34.29 });
    expect(byKey.support).toMatchObject({ mentions: 3, nps: -66.67, impact: -20, sentiment: { positive: 0, neutral: 1, negative: 2 } });
    expect(byKey.ease_of_use).toMatchObject({ mentions: 2, nps: 100, impact: 30, theme: { label: 'Ease of use' } });
  });

  it('gives example verbatims with the evidence spans of the theme', async () => {
    const { themeBreakdown } = await query(BREAKDOWN, { filter: year(2021) });
    const billing = themeBreakdown.find((t: any) => t.theme.key === 'billing');
    // Three mentions; two have the same text ("About billing."), shown once with one near-duplicate.
    expect(billing.examples).toHaveLength(2);
    expect(billing.examples.map((e: any) => e.nearDuplicates).sort()).toEqual([0, 1]);
    const ids = fixture.filter((r) => r.themeKeys.includes('billing')).map((r) => String(r._id));
    for (const example of billing.examples) {
      expect(ids).toContain(example.id);
      expect(example.sentiment).toBe('NEGATIVE');
      const [span] = example.evidence;
      expect(example.comment.slice(span.start, span.end)).toBe(span.text);
      expect(span.text).toBe('billing');
    }
  });

  it('ranks detraction and promotion drivers', async () => {
    const { drivers } = await query(DRIVERS, { filter: year(2021) });
    expect(drivers.source).toBe('ROLLUP');
    expect(drivers.overall).toEqual({ nps: -20, responses: 10 });
    expect(drivers.detraction.map((d: any) => [d.theme.key, d.impact])).toEqual([
      ['billing', -34.29],
      ['support', -20],
      ['pricing', -3.33],
    ]);
    expect(drivers.promotion.map((d: any) => [d.theme.key, d.impact])).toEqual([['ease_of_use', 30]]);
  });

  it('applies filters: attribute, touchpoint, category, theme, partial days and comment search', async () => {
    const mentions = async (filter: Record<string, unknown>) =>
      Object.fromEntries(
        (await query(BREAKDOWN, { filter: { ...year(2021), ...filter } })).themeBreakdown.map((t: any) => [
          t.theme.key,
          [t.mentions, t.impact],
        ]),
      );
    // emea = #1–#5: P3 Pa2 → NPS 60; pricing (#2 P, #4 Pa): NPS 50, without (#1 P, #3 P, #5 Pa) 66.67.
    expect(await mentions({ attributes: [{ key: 'region', value: 'emea' }] })).toEqual({
      pricing: [2, -6.67],
      ease_of_use: [2, 26.67],
      support: [1, -15],
    });
    // support_closed = #4 (8), #5 (7), #8 (3): NPS −33.33; without pricing only #5 (passive) → 0.
    expect(await mentions({ touchpoints: ['support_closed'] })).toEqual({
      pricing: [2, -33.33],
      support: [1, 16.67],
      billing: [1, -33.33],
    });
    expect(Object.keys(await mentions({ categories: ['PROMOTER'] })).sort()).toEqual(['ease_of_use', 'pricing']);
    // Responses mentioning billing (ledger path): #7, #8, #9 — all detractors, so pricing (#8) has no impact.
    expect(await mentions({ themes: ['billing'] })).toEqual({ billing: [3, null], pricing: [1, 0] });
    // From 2021-04-07 12:00 (after #7) to 2021-04-09 12:00 (after #9): #8 and #9.
    expect(await mentions({ from: '2021-04-07T12:00:00Z', to: '2021-04-09T12:00:00Z' })).toEqual({ billing: [2, null], pricing: [1, 0] });
    // Comment search scans the responses: #2, #4, #6 and #8 say "pricing".
    expect((await mentions({ search: 'PRICING' })).pricing).toEqual([4, null]);
  });

  it('compares with the previous period of equal length', async () => {
    // April 2021 against March 2021 (both 30/31 days: the previous period ends where April starts).
    const { themeBreakdown } = await query(BREAKDOWN, { filter: { from: '2021-04-01T00:00:00Z', to: '2021-05-01T00:00:00Z' } });
    const pricing = themeBreakdown.find((t: any) => t.theme.key === 'pricing');
    expect(pricing.change.period).toEqual({ from: '2021-04-01T00:00:00.000Z', to: '2021-05-01T00:00:00.000Z' });
    expect(pricing.change.previousPeriod).toEqual({ from: '2021-03-02T00:00:00.000Z', to: '2021-04-01T00:00:00.000Z' });
    // April: #6 (D), #8 (D) → NPS −100; March from the 2nd: #2 (P), #4 (Pa) → +50. Two mentions each: too few to call significant.
    expect(pricing.change).toMatchObject({ previousMentions: 2, mentions: 0, previousNps: 50, nps: -150 });
    expect(pricing.change.npsSignificant).toBe(false);
    expect(pricing.change.shareSignificant).toBe(false);
  });
});

describe('npsTrend', () => {
  beforeAll(async () => {
    await store([
      { score: 10, at: '2022-01-03T08:00:00Z', touchpoint: 'onboarding', attributes: { plan: 'pro' } },
      { score: 2, at: '2022-01-03T09:00:00Z', touchpoint: 'renewal', attributes: { plan: 'free' } },
      { score: 9, at: '2022-01-09T23:59:00Z', touchpoint: 'onboarding', attributes: { plan: 'pro' } },
      { score: 7, at: '2022-01-10T00:00:00Z', touchpoint: 'renewal', attributes: { plan: 'free' } },
      { score: 0, at: '2022-02-15T12:00:00Z', touchpoint: 'renewal', attributes: { plan: 'free' } },
      { score: 10, at: '2022-04-01T12:00:00Z', touchpoint: 'onboarding', attributes: { plan: 'pro' }, analysed: false },
    ]);
  });

  it('buckets by ISO week with zero-filled gaps and margins of error', async () => {
    const { npsTrend } = await query(TREND, { filter: { from: '2022-01-03T00:00:00Z', to: '2022-01-24T00:00:00Z' }, interval: 'WEEK' });
    expect(npsTrend.source).toBe('ROLLUP');
    expect(npsTrend.series).toHaveLength(1);
    const [series] = npsTrend.series;
    expect(series.group).toBeNull();
    expect(series.points.map((p: any) => [p.period, p.responses, p.nps])).toEqual([
      ['2022-W01', 3, 33.33],
      ['2022-W02', 1, 0],
      ['2022-W03', 0, null],
    ]);
    expect(series.points[0]).toMatchObject({
      start: '2022-01-03T00:00:00.000Z',
      end: '2022-01-10T00:00:00.000Z',
      promoters: 2,
      detractors: 1,
    });
    expect(series.points[0].marginOfError).toBeGreaterThan(0);
  });

  it('buckets by month and quarter, counting responses not analysed yet', async () => {
    const months = (await query(TREND, { filter: year(2022), interval: 'MONTH' })).npsTrend.series[0].points;
    expect(months.map((p: any) => [p.period, p.responses])).toEqual([
      ['2022-01', 4],
      ['2022-02', 1],
      ['2022-03', 0],
      ['2022-04', 1],
      ['2022-05', 0],
      ['2022-06', 0],
      ['2022-07', 0],
      ['2022-08', 0],
      ['2022-09', 0],
      ['2022-10', 0],
      ['2022-11', 0],
      ['2022-12', 0],
    ]);
    const quarterly = (await query(TREND, { filter: year(2022), interval: 'QUARTER' })).npsTrend;
    // The headline figure of the year, from the same read: every response the trend counts.
    expect(quarterly.total).toMatchObject({ responses: 6, promoters: 3, passives: 1, detractors: 2, nps: 16.67 });
    const quarters = quarterly.series[0].points;
    expect(quarters.map((p: any) => [p.period, p.responses, p.nps])).toEqual([
      ['2022-Q1', 5, 0],
      ['2022-Q2', 1, 100],
      ['2022-Q3', 0, null],
      ['2022-Q4', 0, null],
    ]);
  });

  it('groups by touchpoint or by attribute, and by day within a partial range', async () => {
    const byTouchpoint = (await query(TREND, { filter: year(2022), interval: 'QUARTER', groupBy: { touchpoint: true } })).npsTrend.series;
    const grouped = (await query(TREND, { filter: year(2022), interval: 'QUARTER', groupBy: { touchpoint: true } })).npsTrend;
    expect(grouped.total.responses).toBe(6);
    expect(byTouchpoint.map((s: any) => [s.group, s.responses])).toEqual([
      ['onboarding', 3],
      ['renewal', 3],
    ]);
    const byPlan = (await query(TREND, { filter: year(2022), interval: 'QUARTER', groupBy: { attribute: 'plan' } })).npsTrend.series;
    expect(byPlan.find((s: any) => s.group === 'free').points[0]).toMatchObject({ responses: 3, nps: -66.67 });
    const days = (await query(TREND, { filter: { from: '2022-01-03T08:30:00Z', to: '2022-01-10T00:00:01Z' }, interval: 'DAY' })).npsTrend
      .series[0].points;
    expect(days.filter((p: any) => p.responses > 0).map((p: any) => [p.period, p.responses])).toEqual([
      ['2022-01-03', 1],
      ['2022-01-09', 1],
      ['2022-01-10', 1],
    ]);
    expect(days).toHaveLength(8);
  });

  it('rejects grouping by two dimensions', async () => {
    const result = await app.gql(TREND, { interval: 'MONTH', groupBy: { touchpoint: true, attribute: 'plan' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('segments', () => {
  beforeAll(async () => {
    const specs: Spec[] = [];
    // north: NPS +40 over 35 responses; south: −40 over 35; west: +100 over 2 (small sample).
    for (let i = 0; i < 35; i++) {
      specs.push({
        score: i < 21 ? 10 : i < 28 ? 8 : 3,
        themes: i < 21 ? [['ease_of_use', 'positive']] : [],
        at: `2023-05-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`,
        touchpoint: 'onboarding',
        attributes: { region: 'north' },
      });
      specs.push({
        score: i < 7 ? 9 : i < 14 ? 7 : 1,
        themes: i >= 14 ? [['billing', 'negative']] : [],
        at: `2023-06-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`,
        touchpoint: 'renewal',
        attributes: { region: 'south' },
      });
    }
    specs.push({ score: 10, at: '2023-07-01T10:00:00Z', touchpoint: 'checkout', attributes: { region: 'west' } });
    specs.push({ score: 10, at: '2023-07-02T10:00:00Z', touchpoint: 'checkout', attributes: { region: 'west' } });
    await store(specs);
  });

  it('orders attribute values by NPS and names the happiest and least satisfied among trusted samples', async () => {
    const { segments } = await query(SEGMENTS, { filter: year(2023), attribute: 'region' });
    expect(segments.overall.responses).toBe(72);
    expect(segments.byAttribute.dimension).toBe('region');
    expect(segments.byAttribute.segments.map((s: any) => [s.value, s.nps, s.responses])).toEqual([
      ['west', 100, 2],
      ['north', 40, 35],
      ['south', -40, 35],
    ]);
    expect(segments.byAttribute.happiest.value).toBe('north');
    expect(segments.byAttribute.leastSatisfied.value).toBe('south');
    const south = segments.byAttribute.segments.find((s: any) => s.value === 'south');
    expect(south.topThemes).toEqual([{ theme: { key: 'billing' }, mentions: 21 }]);
  });

  it('orders touchpoints too, and narrows with the filter', async () => {
    const { segments } = await query(SEGMENTS, {
      filter: {
        ...year(2023),
        attributes: [
          { key: 'region', value: 'north' },
          { key: 'region', value: 'south' },
        ],
      },
      attribute: 'region',
    });
    expect(segments.byTouchpoint.segments.map((s: any) => [s.value, s.nps])).toEqual([
      ['onboarding', 40],
      ['renewal', -40],
    ]);
    expect(segments.byAttribute.segments.map((s: any) => s.value)).toEqual(['north', 'south']);
    expect(segments.byTouchpoint.happiest.value).toBe('onboarding');
  });
});

describe('rollups stay exact', () => {
  const filter = year(2024);
  const themeCounts = async () =>
    Object.fromEntries((await query(BREAKDOWN, { filter })).themeBreakdown.map((t: any) => [t.theme.key, [t.mentions, t.nps]]));

  it('when a response is recorded again (retries, duplicate jobs)', async () => {
    const docs = await store([
      { score: 2, themes: [['billing', 'negative']], at: '2024-02-01T10:00:00Z' },
      { score: 9, themes: [['onboarding', 'positive']], at: '2024-02-01T11:00:00Z' },
    ]);
    await Promise.all([rollups.record(docs), rollups.record(docs), rollups.record([docs[0]])]);
    expect(await themeCounts()).toEqual({ billing: [1, -100], onboarding: [1, 100] });
    const { drivers } = await query(DRIVERS, { filter });
    expect(drivers.overall.responses).toBe(2);
  });

  it('when a response is re-analysed with different themes, and a stale write arrives late', async () => {
    const [doc] = await store([{ score: 3, themes: [['billing', 'negative']], at: '2024-02-02T10:00:00Z' }]);
    expect((await themeCounts()).billing).toEqual([2, -100]);

    // A taxonomy change re-analyses it: now it is about pricing, not billing.
    const reanalysed: ResponseEntity = {
      ...doc,
      analysisRevision: 1,
      themeKeys: ['pricing'],
      analysis: { ...doc.analysis!, themes: themeMatches([['pricing', 'negative']], doc.comment!), analyzedAt: new Date() },
    };
    await db.connection.collection('responses').replaceOne({ _id: doc._id }, reanalysed);
    await rollups.record([reanalysed]);
    expect(await themeCounts()).toEqual({ billing: [1, -100], pricing: [1, -100], onboarding: [1, 100] });

    // The first analysis's job retried late: an older version never replaces a newer one.
    await rollups.record([doc]);
    expect(await themeCounts()).toEqual({ billing: [1, -100], pricing: [1, -100], onboarding: [1, 100] });
    const { themeBreakdown } = await query(BREAKDOWN, { filter });
    const billingExamples = themeBreakdown.find((t: any) => t.theme.key === 'billing').examples.map((e: any) => e.id);
    expect(billingExamples).not.toContain(String(doc._id));

    // Trend, ledger-served and scan-served figures agree with the cached ones.
    const { npsTrend } = await query(TREND, { filter, interval: 'MONTH' });
    expect(npsTrend.series[0].responses).toBe(3);
    const ledger = (await query(BREAKDOWN, { filter: { ...filter, themes: ['billing', 'pricing', 'onboarding'] } })).themeBreakdown;
    expect(Object.fromEntries(ledger.map((t: any) => [t.theme.key, t.mentions]))).toEqual({ billing: 1, pricing: 1, onboarding: 1 });
  });

  it('when a day fills up across many writes (caches rebuilt, never double counted)', async () => {
    const day = Array.from({ length: 40 }, (_, i) => ({
      score: i % 11,
      themes: [['billing', 'negative']] as [string, Sentiment][],
      at: `2024-03-01T${String(i % 24).padStart(2, '0')}:00:00Z`,
    }));
    await store(day.slice(0, 20));
    const before = (await themeCounts()).billing[0];
    await Promise.all([store(day.slice(20, 30)), store(day.slice(30))]);
    expect((await themeCounts()).billing[0]).toBe(before + 20);
  });
});

describe('a writer that dies between the ledger write and the clock bump', () => {
  it('is repaired by the sweep, from its journal entry', async () => {
    const filter = { from: '2024-05-01T00:00:00Z', to: '2024-05-02T00:00:00Z' };
    const mentions = async () =>
      (await query(BREAKDOWN, { filter })).themeBreakdown.find((t: any) => t.theme.key === 'delivery')?.mentions ?? 0;
    await store([{ score: 4, themes: [['delivery', 'negative']], at: '2024-05-01T09:00:00Z' }]);
    expect(await mentions()).toBe(1);

    // What a writer does before dying: journal, then the ledger entry — and no clock bump.
    const lost = analysedResponse({ score: 2, themes: [['delivery', 'negative']], at: '2024-05-01T10:00:00Z' }) as ResponseEntity;
    await db.connection.collection('responses').insertOne(lost);
    const entry = entryOf(lost);
    await db.rollups.openJournal(['2024-05-01'], new Date());
    const refused = await db.rollups.insertEntries('2024-05', [
      { day: '2024-05-01', id: entry.id, v: entry.version, e: encodeEntry(entry) },
    ]);
    expect(refused.size).toBe(0);
    // The day's cache still carries the clock it was built from, so it is still served.
    expect(await mentions()).toBe(1);

    // A minute later its journal entry is stale; any process's sweep (readers run one every 10 s) repairs the clock.
    const aMinuteLater = new RollupStore({ rollups: db.rollups, log: createLogger('silent'), now: () => new Date(Date.now() + 60_000) });
    expect(await aMinuteLater.sweep()).toBe(1);
    expect(await mentions()).toBe(2);
    expect(await db.rollups.staleJournals(new Date())).toEqual([]);
  });
});

describe('emergingThemes', () => {
  beforeAll(async () => {
    const comments = [
      'The gift card balance vanished after checkout',
      'Why is the gift card so hard to redeem?',
      'I could not use my gift card online',
      'Gift card codes are rejected at the till',
      'Please fix the gift card page',
      'The invoice was wrong again',
      'Support answered quickly',
    ];
    await store(
      comments.map((comment, i) => ({
        score: 3 + (i % 4),
        comment,
        at: `2020-06-${String(10 + i).padStart(2, '0')}T10:00:00Z`,
        analysed: false,
      })),
    );
  });

  it('suggests a theme for recent verbatims the taxonomy does not cover', async () => {
    const { emergingThemes } = await query(EMERGING, { filter: year(2020) });
    expect(emergingThemes.sampled).toBe(7);
    const gift = emergingThemes.candidates.find((c: any) => c.phrase.includes('gift card'));
    expect(gift).toBeDefined();
    // Five verbatims say "gift card"; the engine may fold one ("gift card codes") into a longer phrase.
    expect(gift.count).toBeGreaterThanOrEqual(4);
    expect(gift.examples.length).toBeGreaterThan(0);
    for (const e of gift.examples) expect(e.comment.toLowerCase()).toContain('gift card');
    expect(gift.suggestion).toMatchObject({ key: 'gift_card', label: 'Gift card', keywords: expect.arrayContaining(['gift card']) });
    expect(gift.suggestion.description).toContain(`${gift.count} of 7`);
    expect(gift.suggestion.examples.length).toBeGreaterThan(0);
    // Verbatims about themes the taxonomy has (billing, support) are not suggested again.
    expect(emergingThemes.candidates.some((c: any) => /invoice|support/.test(c.phrase))).toBe(false);
  });

  it('samples only the newest matching verbatims', async () => {
    const { emergingThemes } = await query(EMERGING, { filter: { from: '2020-06-14T00:00:00Z', to: '2021-01-01T00:00:00Z' } });
    expect(emergingThemes.sampled).toBe(3);
    const limited = (
      await app.gql(`query { emergingThemes(filter: { from: "2020-01-01T00:00:00Z", to: "2021-01-01T00:00:00Z" }, sample: 2) { sampled } }`)
    ).data as any;
    expect(limited.emergingThemes.sampled).toBe(2);
  });
});

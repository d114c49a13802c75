/**
 * The insight caches the app's first pages read: warmed when the API starts (before any query,
 * including the caches of a scoped key's attribute, which still show that key only its scope),
 * and a filter-bar `segments(themes: 0)` that reads no theme rows at all.
 *
 * Responses are recorded into the rollups the way the after-analysis hook does; the queries read
 * nothing else (no filter here needs the responses themselves).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { connectDatabase, type Database } from '../../models/database.js';
import type { CacheDoc } from '../../models/rollup/rollup.entity.js';
import type { EntrySource } from '../../models/rollup/insight-responses.repository.js';
import { createLogger } from '../../src/logger.js';
import { RollupStore } from '../../src/services/insights/rollups/rollup-store.js';
import { startTestApp, type GqlResult, type TestApp } from '../helpers/app.js';
import { testMongoUri } from '../helpers/services.js';

const MONTHS = ['2025-03', '2025-04'];
const RANGE = { from: '2025-03-01T00:00:00.000Z', to: '2025-05-01T00:00:00.000Z' };
const TREND = `query($filter: ResponseFilter) { npsTrend(filter: $filter, interval: MONTH) { total { responses nps } } }`;

/** 40 responses over two months: plan `pro` (promoters) or `free` (detractors), two regions, one theme each. */
function responses(): EntrySource[] {
  return Array.from({ length: 40 }, (_, i) => {
    const pro = i % 2 === 0;
    const respondedAt = new Date(`${MONTHS[i % 2]}-${String(1 + (i % 27)).padStart(2, '0')}T10:00:00Z`);
    return {
      _id: new Types.ObjectId(),
      score: pro ? 10 : 2,
      touchpoint: i % 3 === 0 ? 'onboarding' : 'renewal',
      attributeTags: [`plan=${pro ? 'pro' : 'free'}`, `region=${i % 4 < 2 ? 'north' : 'south'}`],
      respondedAt,
      comment: pro ? 'Support was quick.' : 'Billing is confusing.',
      analysisRevision: 0,
      analysisStatus: 'DONE',
      analysis: {
        analyzedAt: respondedAt,
        themes: [{ key: pro ? 'support' : 'billing', confidence: 0.9, sentiment: { label: pro ? 'positive' : 'negative' } }],
      },
    };
  });
}

async function setUp(name: string): Promise<{ db: Database; close: () => Promise<void> }> {
  const db = await connectDatabase({ uri: testMongoUri(name) });
  const rollups = new RollupStore({ rollups: db.rollups, log: createLogger('silent') });
  await rollups.record(responses());
  await rollups.close();
  return { db, close: () => db.close() };
}

const caches = (db: Database, collection: string) =>
  db.connection
    .collection<CacheDoc>(`rollup_cache_${collection}`)
    .find({}, { projection: { rows: 0 } })
    .toArray();

async function data(result: Promise<GqlResult>): Promise<Record<string, any>> {
  const { data, errors } = await result;
  expect(errors).toBeUndefined();
  return data ?? {};
}

describe('insight caches warmed at start', () => {
  let db: Database;
  let close: () => Promise<void>;
  let app: TestApp | null = null;
  let managerKey: string;

  beforeAll(async () => {
    ({ db, close } = await setUp('insight-cache-warming'));
    // A scoped key made on a run without warming, so the warming run finds it among the keys.
    const cold = await startTestApp('insight-cache-warming', { roles: ['api'], env: { VERBATIM_WARM_INSIGHT_CACHES: 'false' } });
    try {
      const created = await data(
        cold.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
          input: { name: 'pro plan manager', role: 'MANAGER', scope: [{ key: 'plan', value: 'pro' }] },
        }),
      );
      managerKey = created.createApiKey.key;
      expect(await caches(db, 'base')).toEqual([]);
    } finally {
      await cold.stop();
    }
  });

  afterAll(async () => {
    await app?.stop();
    await close?.();
  });

  it('builds the core, configured and scoped attributes’ month caches before the first query', async () => {
    app = await startTestApp('insight-cache-warming', { roles: ['api'] });
    const expected = ['base', 'themes', 'base__region', 'themes__region', 'base__plan', 'themes__plan'];
    const monthIds = (docs: CacheDoc[]) => docs.map((d) => d._id).filter((id) => id.startsWith('m|'));
    await app.warmed;
    // No query has been sent: only the warming can have built these.
    for (const collection of expected) expect(monthIds(await caches(db, collection)), collection).toHaveLength(MONTHS.length);
    expect(monthIds(await caches(db, 'base__plan')).sort()).toEqual(MONTHS.map((m) => `m|${m}|base@plan`));

    // The scoped key reads the warmed caches (none rebuilt) and sees only its plan.
    const before = await caches(db, 'base__plan');
    const { npsTrend } = await data(app.as(managerKey)(TREND, { filter: RANGE }));
    expect(npsTrend.total).toEqual({ responses: 20, nps: 100 });
    expect(await caches(db, 'base__plan')).toEqual(before);
    const all = await data(app.gql(TREND, { filter: RANGE }));
    expect(all.npsTrend.total).toEqual({ responses: 40, nps: 0 });
  });
});

describe('the filter bar’s segment values', () => {
  let db: Database;
  let close: () => Promise<void>;
  let app: TestApp;

  beforeAll(async () => {
    ({ db, close } = await setUp('insight-filter-values'));
    app = await startTestApp('insight-filter-values', { roles: ['api'], env: { VERBATIM_WARM_INSIGHT_CACHES: 'false' } });
  });

  afterAll(async () => {
    await app?.stop();
    await close?.();
  });

  it('come from base rows alone with `themes: 0`, with the same figures as with themes', async () => {
    const SEGMENTS = `query($themes: Int) { segments(attribute: "region", themes: $themes) {
      byTouchpoint { segments { value nps responses } } byAttribute { segments { value nps responses topThemes { theme { key } } } } } }`;
    const light = await data(app.gql(SEGMENTS, { themes: 0 }));
    // Only base caches were built: no theme row was read or summed.
    expect((await caches(db, 'base')).length).toBeGreaterThan(0);
    expect((await caches(db, 'base__region')).length).toBeGreaterThan(0);
    expect(await caches(db, 'themes')).toEqual([]);
    expect(await caches(db, 'themes__region')).toEqual([]);

    const full = await data(app.gql(SEGMENTS, { themes: 3 }));
    expect(light.segments.byTouchpoint).toEqual(full.segments.byTouchpoint);
    const figures = (s: any) => s.segments.byAttribute.segments.map(({ value, nps, responses }: any) => ({ value, nps, responses }));
    expect(figures(light)).toEqual(figures(full));
    expect(figures(light).map((s: { responses: number }) => s.responses)).toEqual([20, 20]);
    expect(light.segments.byAttribute.segments.every((s: any) => s.topThemes.length === 0)).toBe(true);
  });
});

/**
 * Rollups stored in the former layout (one day's entries in 8 shard documents,
 * `rollup_ledger_YYYYMM`) are moved into entry documents when the service starts: the insight
 * queries then count them exactly, a newer entry already in the new layout wins over its older
 * copy in a shard, an unreadable shard is skipped, and the old collections are dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { connectDatabase, type Database } from '../../models/database.js';
import { categoryOf } from '../../src/domain/nps.js';
import { createLogger } from '../../src/logger.js';
import { encodeEntry, entryVersion, type Entry } from '../../src/services/insights/rollups/entry.js';
import { RollupStore } from '../../src/services/insights/rollups/rollup-store.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { testMongoUri } from '../helpers/services.js';

const NAME = 'rollup-migration';
const TREND = `query($filter: ResponseFilter) {
  npsTrend(filter: $filter, interval: MONTH) { source series { points { period responses promoters detractors } } }
}`;
const BREAKDOWN = `query($filter: ResponseFilter) { themeBreakdown(filter: $filter, examples: 0) { theme { key } mentions } }`;
const FILTER = { from: '2023-01-01T00:00:00.000Z', to: '2024-01-01T00:00:00.000Z' };

function entry(score: number, day: string, themes: string[], analyzedAt = new Date(`${day}T12:00:00Z`)): Entry {
  return {
    id: new Types.ObjectId().toHexString(),
    version: entryVersion(0, analyzedAt),
    score,
    category: categoryOf(score),
    touchpoint: 'renewal',
    tags: ['region=emea'],
    themes: themes.map((key) => ({ key, sentiment: 'n', confidence: 0.9 })),
    ts: new Date(`${day}T10:00:00Z`).getTime(),
    comment: `About ${themes.join(' and ')}`,
  };
}

/** What the former writer stored: per day, entries spread over shards `${day}~${n}`. */
function legacyShards(entries: Entry[]): { _id: string; day: string; e: Record<string, string>; rev: number }[] {
  const shards = new Map<string, { _id: string; day: string; e: Record<string, string>; rev: number }>();
  entries.forEach((e, i) => {
    const day = new Date(e.ts).toISOString().slice(0, 10);
    const id = `${day}~${i % 8}`;
    const shard = shards.get(id) ?? { _id: id, day, e: {}, rev: 1 };
    shard.e[e.id] = encodeEntry(e);
    shards.set(id, shard);
  });
  return [...shards.values()];
}

describe('migrating the shard ledger on start', () => {
  let db: Database;
  let app: TestApp;
  const march = Array.from({ length: 30 }, (_, i) =>
    entry(i % 11, `2023-03-${String(1 + (i % 3)).padStart(2, '0')}`, i % 2 ? ['billing'] : ['support']),
  );
  const june = [entry(10, '2023-06-10', ['ease_of_use']), entry(2, '2023-06-11', ['billing'])];
  // Re-analysed after the old writer stored it: the newer copy (another theme) must win.
  const reanalysed = {
    ...june[1],
    version: entryVersion(1, new Date('2023-07-01T00:00:00Z')),
    themes: [{ key: 'pricing', sentiment: 'n' as const, confidence: 0.8 }],
  };

  beforeAll(async () => {
    db = await connectDatabase({ uri: testMongoUri(NAME) });
    const client = db.connection.db!;
    await client.collection('rollup_ledger_202303').insertMany(legacyShards(march) as never[]);
    await client
      .collection('rollup_ledger_202306')
      .insertMany([...legacyShards(june), { _id: '2023-06-12~0', day: '2023-06-12', e: 'not an object', rev: 1 }] as never[]);
    // As a writer of the new layout does: the entry, then its day's clock.
    await db.rollups.insertEntries('2023-06', [
      { day: '2023-06-11', id: reanalysed.id, v: reanalysed.version, e: encodeEntry(reanalysed) },
    ]);
    await db.rollups.bumpDays(['2023-06-11']);
    app = await startTestApp(NAME, { roles: ['api'] });
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await db?.close();
  });

  it('counts every migrated entry once, the newest version winning', async () => {
    const trend = await app.gql(TREND, { filter: FILTER });
    expect(trend.errors).toBeUndefined();
    const points = (
      trend.data!.npsTrend.series[0].points as { period: string; responses: number; promoters: number; detractors: number }[]
    ).filter((p) => p.responses > 0);
    const count = (list: Entry[], from: number, to: number) => list.filter((e) => e.score >= from && e.score <= to).length;
    expect(points).toEqual([
      { period: '2023-03', responses: 30, promoters: count(march, 9, 10), detractors: count(march, 0, 6) },
      { period: '2023-06', responses: 2, promoters: 1, detractors: 1 },
    ]);

    const breakdown = await app.gql(BREAKDOWN, { filter: FILTER });
    expect(breakdown.errors).toBeUndefined();
    const mentions = Object.fromEntries(
      (breakdown.data!.themeBreakdown as { theme: { key: string }; mentions: number }[]).map((t) => [t.theme.key, t.mentions]),
    );
    expect(mentions).toEqual({ billing: 15, support: 15, ease_of_use: 1, pricing: 1 });
  });

  it('drops the old collections, and a second run has nothing to move', async () => {
    const names = (await db.connection.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names.filter((n) => n.startsWith('rollup_ledger_'))).toEqual([]);
    expect(await new RollupStore({ rollups: db.rollups, log: createLogger('silent') }).migrate()).toBe(0);
  });
});

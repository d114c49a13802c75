/**
 * Day buckets on the real database: a day's ids are spread over shard documents (so no day nears the
 * 16 MB a document holds), read back whole, removed, and an emptied day leaves the registry; the one
 * unsharded bucket a day had in older versions is still read and emptied.
 */
import { describe, expect, it } from 'vitest';
import { DayBuckets } from '../../models/programme/day-buckets.js';
import { programmeModels } from '../../models/programme/programme.schema.js';
import { useTestDatabase } from '../helpers/database.js';

const NAME = 'day-buckets';

const database = useTestDatabase(NAME);

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);

describe('day buckets', () => {
  it("spread a day's ids over shard documents, read them back whole, and drop a day once it is empty", async () => {
    const db = database();
    const model = programmeModels(db.connection).dayBuckets;
    const buckets = new DayBuckets(model, 'shard-test');
    const day1 = ids('a', 2_000);
    const day2 = ids('b', 10);
    await buckets.add(
      new Map([
        ['2026-12-01', day1],
        ['2026-12-02', day2],
      ]),
    );
    // Adding again changes nothing (a replay).
    await buckets.add(new Map([['2026-12-01', day1.slice(0, 100)]]));

    const shards = await model.find({ _id: { $regex: '^shard-test:2026-12-01:' } }).lean();
    expect(shards).toHaveLength(16);
    expect(shards.reduce((n, s) => n + (s.ids?.length ?? 0), 0)).toBe(2_000);
    // Spread evenly: no shard holds more than twice its share.
    expect(Math.max(...shards.map((s) => s.ids?.length ?? 0))).toBeLessThan((2 * 2_000) / 16);

    const read = await buckets.readUpTo('2026-12-01');
    expect([...read.keys()]).toEqual(['2026-12-01']);
    expect([...read.get('2026-12-01')!].sort()).toEqual(day1);

    await buckets.remove(new Map([['2026-12-01', day1.slice(0, 1_990)]]));
    expect([...(await buckets.readUpTo('2026-12-02')).entries()].map(([d, v]) => [d, v.length])).toEqual([
      ['2026-12-01', 10],
      ['2026-12-02', 10],
    ]);
    await buckets.remove(new Map([['2026-12-01', day1.slice(1_990)]]));
    // The read that finds the day empty drops it from the registry and deletes its documents.
    expect([...(await buckets.readUpTo('2026-12-02')).keys()]).toEqual(['2026-12-02']);
    expect(await buckets.days()).toEqual(['2026-12-02']);
    expect(await model.countDocuments({ _id: { $regex: '^shard-test:2026-12-01' } })).toBe(0);
  });

  it('read and empty the unsharded bucket of an older version', async () => {
    const db = database();
    const model = programmeModels(db.connection).dayBuckets;
    await model.insertMany([
      { _id: 'legacy-test:2026-11-30', ids: ['old-1', 'old-2'] },
      { _id: 'legacy-test:days', days: ['2026-11-30'] },
    ]);
    const buckets = new DayBuckets(model, 'legacy-test');
    await buckets.add(new Map([['2026-11-30', ['new-1']]]));
    expect([...(await buckets.readUpTo('2026-11-30')).get('2026-11-30')!].sort()).toEqual(['new-1', 'old-1', 'old-2']);

    await buckets.remove(new Map([['2026-11-30', ['old-1', 'old-2', 'new-1']]]));
    expect((await buckets.readUpTo('2026-11-30')).size).toBe(0);
    expect(await buckets.days()).toEqual([]);
    expect(await model.countDocuments({ _id: { $regex: '^legacy-test:2026' } })).toBe(0);
  });
});

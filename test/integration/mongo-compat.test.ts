/**
 * The MongoDB subset Verbatim relies on (docs/ferretdb.md), checked directly with mongoose against
 * the harness's server: FerretDB on this machine, MongoDB where MONGODB_URI points at one. It pins
 * down the gaps the code works around, so a FerretDB upgrade or a patch regression shows up here
 * rather than as a hung pipeline test.
 */
import mongoose, { Schema, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testMongoUri } from '../helpers/services.js';

interface Doc {
  _id: string;
  n: number;
  category?: string;
  tags?: string[];
}

describe('MongoDB-compatible server', () => {
  let conn: Connection;
  let Docs: mongoose.Model<Doc>;

  beforeAll(async () => {
    conn = await mongoose.createConnection(testMongoUri('mongo-compat')).asPromise();
    Docs = conn.model<Doc>('Doc', new Schema<Doc>({ _id: String, n: Number, category: String, tags: [String] }, { versionKey: false }));
    await Docs.syncIndexes();
  });

  afterAll(async () => {
    await conn?.dropDatabase().catch(() => undefined);
    await conn?.close();
  });

  it('runs one update command of 1,000 statements on existing documents to the end', async () => {
    // Stock FerretDB 1.24 held every matched statement's SQLite connection until the command
    // returned, so the 101st statement waited forever for one of the pool's 100 (patch 3).
    const ids = Array.from({ length: 1000 }, (_, i) => `bulk-${i}`);
    await Docs.insertMany(
      ids.map((_id, n) => ({ _id, n })),
      { ordered: false },
    );
    const result = await Docs.bulkWrite(
      ids.map((_id) => ({ updateOne: { filter: { _id }, update: { $inc: { n: 1 } } } })),
      { ordered: false },
    );
    expect(result.modifiedCount).toBe(1000);
    const replaced = await Docs.bulkWrite(
      ids.slice(0, 300).map((_id) => ({ replaceOne: { filter: { _id }, replacement: { n: -1 }, upsert: true } })),
      { ordered: false },
    );
    expect(replaced.matchedCount).toBe(300);
    expect(await Docs.countDocuments({ n: -1 })).toBe(300);
    // The server still answers other requests afterwards: no connection was left behind.
    expect(await Docs.findById('bulk-999').lean()).toMatchObject({ n: 1000 });
  });

  it('runs a bulk write of updates by distinct ids with per-statement conditions, upserts and counts', async () => {
    // On FerretDB such a command is read with one query and written in one transaction (patch 9):
    // every statement must still see its own filter, and upserts keep their statement's index.
    await Docs.insertMany(
      Array.from({ length: 6 }, (_, n) => ({ _id: `by-id-${n}`, n, tags: [] })),
      { ordered: false },
    );
    const result = await Docs.bulkWrite(
      [
        { updateOne: { filter: { _id: 'by-id-0', n: 0 }, update: { $set: { n: 10 }, $push: { tags: 'a' } } } },
        { updateOne: { filter: { _id: 'by-id-1', n: 99 }, update: { $set: { n: 11 } } } }, // condition fails
        { updateOne: { filter: { _id: 'by-id-missing' }, update: { $set: { n: 12 } } } }, // no such document
        { updateOne: { filter: { _id: 'by-id-new' }, update: { $set: { n: 13 } }, upsert: true } },
        { updateOne: { filter: { _id: 'by-id-2', tags: { $nin: ['b'] } }, update: { $push: { tags: 'b' } } } },
        { updateOne: { filter: { _id: 'by-id-3' }, update: { $set: { n: 3 } } } }, // matched, unchanged
      ],
      { ordered: false },
    );
    expect(result.matchedCount).toBe(3);
    expect(result.modifiedCount).toBe(2);
    expect(result.upsertedCount).toBe(1);
    expect(result.upsertedIds).toEqual({ 3: 'by-id-new' });
    const stored = await Docs.find({ _id: { $regex: /^by-id-/ } })
      .sort({ _id: 1 })
      .lean();
    expect(stored.map(({ _id, n, tags }) => [_id, n, tags ?? []])).toEqual([
      ['by-id-0', 10, ['a']],
      ['by-id-1', 1, []],
      ['by-id-2', 2, ['b']],
      ['by-id-3', 3, []],
      ['by-id-4', 4, []],
      ['by-id-5', 5, []],
      ['by-id-new', 13, []],
    ]);

    // Concurrent bulk writes of the same documents: each increment counts once.
    const ids = Array.from({ length: 100 }, (_, i) => `by-id-many-${i}`);
    await Docs.insertMany(
      ids.map((_id) => ({ _id, n: 0 })),
      { ordered: false },
    );
    await Promise.all(
      Array.from({ length: 8 }, () => Docs.bulkWrite(ids.map((_id) => ({ updateOne: { filter: { _id }, update: { $inc: { n: 1 } } } })))),
    );
    expect(await Docs.countDocuments({ _id: { $in: ids }, n: 8 })).toBe(100);
  });

  it('finds, updates and deletes by `_id: { $in }` beside other keys, served by the _id index on FerretDB', async () => {
    const ids = Array.from({ length: 400 }, (_, i) => `in-${i}`);
    await Docs.insertMany(
      ids.map((_id, n) => ({ _id, n })),
      { ordered: false },
    );
    const wanted = ids.filter((_, i) => i % 4 === 0);
    const found = await Docs.find({ _id: { $in: [...wanted, 'in-missing'] }, n: { $lt: 200 } })
      .sort({ n: 1 })
      .lean();
    expect(found.map((d) => d._id)).toEqual(wanted.filter((_, i) => i * 4 < 200));
    expect((await Docs.updateMany({ _id: { $in: wanted } }, { $inc: { n: 1000 } })).modifiedCount).toBe(100);
    expect((await Docs.deleteMany({ _id: { $in: wanted }, n: { $gte: 1000 } })).deletedCount).toBe(100);
    expect(await Docs.countDocuments({ _id: { $in: ids } })).toBe(300);
    // FerretDB reports whether SQLite got the filter (patch 4); MongoDB has no such field.
    const plan = (await Docs.find({ _id: { $in: ids.slice(1, 3) } }).explain()) as { filterPushdown?: boolean };
    if ('filterPushdown' in plan) expect(plan.filterPushdown).toBe(true);
  });

  it('matches top-level string and ObjectId equality and `$in` exactly as MongoDB does (SQLite pre-filters them on FerretDB)', async () => {
    // Patch 10 lets SQLite filter these on the JSON text; FerretDB filters again, so every case
    // MongoDB matches (array elements, other keys, values the patch leaves alone) must still match.
    const Refs = conn.model<{ _id: string; kind?: unknown; ref?: unknown; n: number }>(
      'Ref',
      new Schema({ _id: String, kind: Schema.Types.Mixed, ref: Schema.Types.Mixed, n: Number }, { versionKey: false }),
    );
    const a = new mongoose.Types.ObjectId();
    const b = new mongoose.Types.ObjectId();
    await Refs.insertMany([
      { _id: 'f-1', kind: 'PENDING', ref: a, n: 1 },
      { _id: 'f-2', kind: 'DONE', ref: b, n: 2 },
      { _id: 'f-3', kind: ['DONE', 'PENDING'], ref: [a, b], n: 3 },
      { _id: 'f-4', kind: 'a "quoted" <kind>', ref: a.toHexString(), n: 4 },
      { _id: 'f-5', n: 5 },
      { _id: 'f-6', kind: { nested: 'PENDING' }, ref: null, n: 6 },
    ]);
    const ids = async (filter: Record<string, unknown>) => (await Refs.find(filter).sort({ n: 1 }).lean()).map((d) => d._id);
    expect(await ids({ kind: 'PENDING' })).toEqual(['f-1', 'f-3']);
    expect(await ids({ kind: 'PENDING', n: { $gt: 1 } })).toEqual(['f-3']);
    expect(await ids({ kind: { $in: ['DONE', 'OTHER'] } })).toEqual(['f-2', 'f-3']);
    expect(await ids({ kind: 'a "quoted" <kind>' })).toEqual(['f-4']);
    expect(await ids({ ref: a })).toEqual(['f-1', 'f-3']);
    expect(await ids({ ref: { $in: [b] } })).toEqual(['f-2', 'f-3']);
    // A string with an ObjectId's hex is not that ObjectId.
    expect(await ids({ ref: a.toHexString() })).toEqual(['f-4']);
    expect(await ids({ _id: { $in: ['f-1', 'f-2', 'f-3'] }, kind: 'DONE' })).toEqual(['f-2', 'f-3']);
    expect(await ids({ kind: { $in: ['PENDING', null] } })).toEqual(['f-1', 'f-3', 'f-5']);
    expect(await Refs.countDocuments({ kind: 'DONE' })).toBe(2);
    const grouped = await Refs.aggregate<{ _id: unknown; count: number }>([
      { $match: { kind: { $in: ['PENDING', 'DONE'] } } },
      { $group: { _id: null, count: { $sum: 1 } } },
    ]);
    expect(grouped[0].count).toBe(3);
    expect((await Refs.updateMany({ kind: 'PENDING' }, { $inc: { n: 10 } })).modifiedCount).toBe(2);
    expect((await Refs.deleteMany({ ref: b })).deletedCount).toBe(2);
    expect(await ids({})).toEqual(['f-4', 'f-5', 'f-6', 'f-1']);
  });

  it('supports the upserts, conditional updates, unordered inserts and counts the code uses', async () => {
    const upserted = await Docs.findOneAndUpdate({ _id: 'u-1' }, { $setOnInsert: { n: 1 } }, { upsert: true, new: true }).lean();
    expect(upserted).toMatchObject({ _id: 'u-1', n: 1 });
    // Compare-and-set: only the writer that saw n = 1 wins.
    const first = await Docs.updateOne({ _id: 'u-1', n: 1 }, { $set: { n: 2 } });
    const second = await Docs.updateOne({ _id: 'u-1', n: 1 }, { $set: { n: 3 } });
    expect([first.modifiedCount, second.modifiedCount]).toEqual([1, 0]);

    // A duplicate _id in an unordered insert fails alone; the rest are stored.
    const err = await Docs.insertMany(
      [
        { _id: 'c-1', n: 0, category: 'PROMOTER' },
        { _id: 'u-1', n: 0 },
        { _id: 'c-2', n: 0, category: 'DETRACTOR' },
        { _id: 'c-3', n: 0, category: 'PROMOTER', tags: ['region=Nevada'] },
      ],
      { ordered: false },
    ).catch((e: unknown) => e as { writeErrors?: unknown[] });
    expect((err as { writeErrors?: unknown[] }).writeErrors).toHaveLength(1);

    const byCategory = await Docs.aggregate<{ _id: string; count: number }>([
      { $match: { category: { $in: ['PROMOTER', 'DETRACTOR'] } } },
      { $group: { _id: '$category', count: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ]);
    expect(byCategory).toEqual([
      { _id: 'DETRACTOR', count: 1 },
      { _id: 'PROMOTER', count: 2 },
    ]);
    expect(await Docs.countDocuments({ tags: { $in: ['region=Nevada'] } })).toBe(1);
  });

  it('updates one document atomically: concurrent updates neither undo each other nor both pass one condition', async () => {
    // Stock FerretDB 1.24 read the document, changed it in Go and wrote it back whole with nothing
    // in between, so the later of two concurrent updates put back what the earlier one changed
    // (patch 5). Each update here goes out on its own, over the connection pool, all at once.
    await Docs.create({ _id: 'atomic-inc', n: 0 });
    await Promise.all(Array.from({ length: 200 }, () => Docs.updateOne({ _id: 'atomic-inc' }, { $inc: { n: 1 } })));
    expect(await Docs.findById('atomic-inc').lean()).toMatchObject({ n: 200 });

    // A conditional update is a compare-and-set: of 50 writers expecting n = 0, exactly one wins.
    await Docs.create({ _id: 'atomic-cas', n: 0 });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => Docs.updateOne({ _id: 'atomic-cas', n: 0 }, { $set: { n: i + 1 } })),
    );
    expect(results.filter((r) => r.matchedCount === 1)).toHaveLength(1);
    // Two fields updated by different writers at once both stay.
    await Docs.create({ _id: 'atomic-fields', n: 0, tags: [] });
    await Promise.all([
      ...Array.from({ length: 50 }, () => Docs.updateOne({ _id: 'atomic-fields' }, { $inc: { n: 1 } })),
      ...Array.from({ length: 50 }, (_, i) => Docs.updateOne({ _id: 'atomic-fields' }, { $push: { tags: `t${i}` } })),
    ]);
    const both = await Docs.findById('atomic-fields').lean();
    expect(both).toMatchObject({ n: 50 });
    expect(both?.tags).toHaveLength(50);
  });

  it('runs an aggregation that starts without $match (no filter at all) and keeps serving', async () => {
    // The `_id` pushdown patch once dereferenced the missing filter: the whole FerretDB panicked.
    const groups = await Docs.aggregate<{ _id: null; count: number }>([{ $group: { _id: null, count: { $sum: 1 } } }]);
    expect(groups).toHaveLength(1);
    expect(groups[0].count).toBeGreaterThan(0);
    expect(await Docs.countDocuments({})).toBe(groups[0].count);
  });
});

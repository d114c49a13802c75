/** Reads and writes of the rollup collections, all addressed by `_id` (see rollup.schema.ts). */
import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongoose';
import { chunks, duplicateKeyIndexes, isDuplicateKeyError } from '../bulk.js';
import type { CacheDoc, ClockDoc, EncodedEntry, EntryDoc, ExamplesDoc, LegacyLedgerShardDoc, MetaDoc } from './rollup.entity.js';
import { CACHE_COLLECTION_PREFIX, ENTRY_COLLECTION_PREFIX, LEGACY_LEDGER_COLLECTION_PREFIX, type RollupModels } from './rollup.schema.js';

/** An entry to set: its day, response id, version and encoded body. */
export interface NewEntryDoc {
  day: string;
  id: string;
  v: string;
  e: EncodedEntry;
}

/** `${day}|${responseId}`: `|` sorts before `}`, so a day's entries are the range [`day|`, `day}`). */
const entryId = (day: string, id: string): string => `${day}|${id}`;

const monthOfDay = (day: string): string => day.slice(0, 7);

/**
 * Up to `oneByOneUpTo` ids are read with one `_id` lookup each (in parallel), more with one `$in`.
 * Same cost on MongoDB; on FerretDB a lookup is a fast C-level pass over the table while `$in`
 * decodes every document, so few lookups win on big collections and `$in` wins for many ids.
 */
async function findByIds<T>(collection: Collection, ids: readonly string[], oneByOneUpTo = 3): Promise<T[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  if (unique.length <= oneByOneUpTo) {
    const docs = await Promise.all(unique.map((id) => collection.findOne({ _id: id as never })));
    return docs.filter((d) => d !== null) as unknown as T[];
  }
  return (await collection.find({ _id: { $in: unique as never[] } }).toArray()) as unknown as T[];
}

export class RollupRepository {
  constructor(private readonly models: RollupModels) {}

  // Raw driver collections: dynamic dotted paths (`d.<day>`) must not go through mongoose casting.
  /** The entries of one month (`2026-03` → `rollup_entries_202603`): a write or a range read only touches its months. */
  private entries(month: string) {
    return this.models.connection.collection(`${ENTRY_COLLECTION_PREFIX}${month.replace('-', '')}`);
  }
  private get clocks() {
    return this.models.clocks.collection;
  }
  private get examples() {
    return this.models.examples.collection;
  }
  private get journal() {
    return this.models.journal.collection;
  }
  private get meta() {
    return this.models.meta.collection;
  }
  /** `name`: the part after `rollup_cache_` (validated by the caller: letters, digits, `_`, `-`). */
  private cache(name: string) {
    return this.models.connection.collection(`${CACHE_COLLECTION_PREFIX}${name}`);
  }

  /**
   * Inserts entries of one month (the usual case: an entry not stored yet). Returns the indexes of
   * those refused because their `_id` is already stored; the caller replaces them with
   * `replaceOlderEntries`.
   */
  async insertEntries(month: string, part: readonly NewEntryDoc[]): Promise<Set<number>> {
    const docs = part.map(({ day, id, v, e }) => ({ _id: entryId(day, id), v, e }));
    try {
      await this.entries(month).insertMany(docs as never[], { ordered: false });
      return new Set();
    } catch (err) {
      const refused = duplicateKeyIndexes(err, docs.length);
      if (!refused) throw err;
      return refused;
    }
  }

  /**
   * Replaces stored entries of one day whose version is older than the given one (a newer version
   * always wins; the same version is the same state). True when any entry changed.
   */
  async replaceOlderEntries(day: string, part: readonly NewEntryDoc[]): Promise<boolean> {
    const ops = part.map(({ id, v, e }) => ({
      updateOne: { filter: { _id: entryId(day, id) as never, v: { $lt: v } }, update: { $set: { v, e } } },
    }));
    const result = await this.entries(monthOfDay(day)).bulkWrite(ops, { ordered: false });
    return result.modifiedCount > 0;
  }

  /**
   * Visits every entry of the given days: one `_id` range per day, one query per month, streamed
   * (a day of 200,000 entries is never held as one array here).
   */
  async visitEntries(days: readonly string[], visit: (day: string, id: string, encoded: EncodedEntry) => void): Promise<void> {
    const byMonth = new Map<string, string[]>();
    for (const day of new Set(days)) byMonth.set(monthOfDay(day), [...(byMonth.get(monthOfDay(day)) ?? []), day]);
    for (const [month, monthDays] of byMonth) {
      const ranges = monthDays.map((day) => ({ _id: { $gte: `${day}|`, $lt: `${day}}` } }));
      const filter = ranges.length === 1 ? ranges[0] : { $or: ranges };
      const cursor = this.entries(month).find(filter as never, { projection: { v: 0 }, batchSize: 5_000 });
      try {
        for await (const doc of cursor) {
          const { _id, e } = doc as unknown as EntryDoc;
          visit(_id.slice(0, 10), _id.slice(11), e);
        }
      } finally {
        await cursor.close();
      }
    }
  }

  /** Collections of the former shard ledger still present (the migration reads and drops them). */
  async legacyLedgerCollections(): Promise<string[]> {
    const db = this.models.connection.db;
    if (!db) return [];
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    return names.filter((name) => name.startsWith(LEGACY_LEDGER_COLLECTION_PREFIX)).sort();
  }

  /** Visits the shard documents of one legacy ledger collection, one at a time. */
  async visitLegacyShards(collection: string, visit: (shard: LegacyLedgerShardDoc) => Promise<void>): Promise<void> {
    const cursor = this.models.connection.collection(collection).find({}, { batchSize: 1 });
    try {
      for await (const doc of cursor) await visit(doc as unknown as LegacyLedgerShardDoc);
    } finally {
      await cursor.close();
    }
  }

  async dropLegacyLedger(collection: string): Promise<void> {
    if (!collection.startsWith(LEGACY_LEDGER_COLLECTION_PREFIX)) throw new Error(`not a legacy ledger collection: ${collection}`);
    await this.models.connection
      .collection(collection)
      .drop()
      .catch((err: unknown) => {
        // Another process finished the same migration first.
        if ((err as { codeName?: string }).codeName !== 'NamespaceNotFound') throw err;
      });
  }

  /** Bumps the change counter of each day (one write per month). */
  async bumpDays(days: Iterable<string>): Promise<void> {
    const byMonth = new Map<string, Record<string, number>>();
    for (const day of days) {
      const inc = byMonth.get(monthOfDay(day)) ?? {};
      inc[`d.${day}`] = 1;
      byMonth.set(monthOfDay(day), inc);
    }
    if (byMonth.size === 0) return;
    for (const part of chunks([...byMonth])) {
      await this.clocks.bulkWrite(
        part.map(([month, inc]) => ({ updateOne: { filter: { _id: month as never }, update: { $inc: inc }, upsert: true } })),
        { ordered: false },
      );
    }
  }

  /** Every month's clock: one small document per month with data. */
  async allClocks(): Promise<ClockDoc[]> {
    return (await this.clocks.find({}).toArray()) as unknown as ClockDoc[];
  }

  async getCaches(collection: string, ids: readonly string[]): Promise<CacheDoc[]> {
    return findByIds<CacheDoc>(this.cache(collection), ids);
  }

  async putCaches(collection: string, docs: readonly CacheDoc[]): Promise<void> {
    if (docs.length === 0) return;
    for (const part of chunks(docs)) {
      try {
        await this.cache(collection).bulkWrite(
          part.map((doc) => ({ replaceOne: { filter: { _id: doc._id as never }, replacement: doc, upsert: true } })),
          { ordered: false },
        );
      } catch (err) {
        // Two readers rebuilding the same cache race on the upsert's insert; the loser's copy is
        // not needed (a cache is checked against the clocks on every read).
        if (!duplicateKeyIndexes(err, part.length)) throw err;
      }
    }
  }

  /** Drops every cache collection (they are rebuilt from the ledger when next read). */
  async clearCaches(): Promise<void> {
    const db = this.models.connection.db;
    if (!db) return; // not connected yet: there is nothing to drop
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      if (name.startsWith(CACHE_COLLECTION_PREFIX)) await db.dropCollection(name);
    }
  }

  async getExampleDocs(months: readonly string[]): Promise<ExamplesDoc[]> {
    return findByIds<ExamplesDoc>(this.examples, months);
  }

  /** Creates or compare-and-sets a month's examples; false when someone wrote in between. */
  async putExampleDoc(month: string, rev: number | null, ex: string): Promise<boolean> {
    if (rev === null) {
      try {
        await this.examples.insertOne({ _id: month, ex, rev: 1 } as never);
        return true;
      } catch (err) {
        if (isDuplicateKeyError(err)) return false;
        throw err;
      }
    }
    const result = await this.examples.updateOne({ _id: month as never, rev }, { $set: { ex }, $inc: { rev: 1 } });
    return result.matchedCount === 1;
  }

  async openJournal(days: string[], at: Date): Promise<string> {
    const id = randomUUID();
    await this.journal.insertOne({ _id: id, days, at } as never);
    return id;
  }

  async closeJournal(id: string): Promise<void> {
    await this.journal.deleteOne({ _id: id as never });
  }

  /** Journal entries older than `before`: writers that died between ledger write and clock bump. */
  async staleJournals(before: Date): Promise<{ _id: string; days: string[] }[]> {
    // The collection only holds writes in flight, so reading it whole is cheap.
    const all = (await this.journal.find({}).toArray()) as unknown as { _id: string; days: string[]; at: Date }[];
    return all.filter((j) => j.at < before);
  }

  async updateMeta(labels: Record<string, string>, attrKeys: string[]): Promise<void> {
    const update: Record<string, unknown> = {};
    if (Object.keys(labels).length) update.$set = Object.fromEntries(Object.entries(labels).map(([k, v]) => [`labels.${k}`, v]));
    if (attrKeys.length) update.$addToSet = { attrKeys: { $each: attrKeys } };
    if (Object.keys(update).length === 0) return;
    await this.meta.updateOne({ _id: 'meta' as never }, update, { upsert: true });
  }

  async getMeta(): Promise<MetaDoc> {
    return ((await this.meta.findOne({ _id: 'meta' as never })) as MetaDoc | null) ?? { _id: 'meta' };
  }
}

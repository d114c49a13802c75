/** Reads and writes of the rollup collections, all addressed by `_id` (see rollup.schema.ts). */
import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongoose';
import { chunks } from '../bulk.js';
import { isDuplicateKeyError } from '../response/response.repository.js';
import type { CacheDoc, ClockDoc, EncodedEntry, ExamplesDoc, LedgerShardDoc, MetaDoc } from './rollup.entity.js';
import { CACHE_COLLECTION_PREFIX, LEDGER_COLLECTION_PREFIX, type RollupModels } from './rollup.schema.js';

export const monthOfDay = (day: string): string => day.slice(0, 7);

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

  // Raw driver collections: dynamic dotted paths (`e.<id>`, `d.<day>`) must not go through mongoose casting.
  /** The ledger of one month (`2026-03` → `rollup_ledger_202603`): a write or a range read only touches its months. */
  private ledger(month: string) {
    return this.models.connection.collection(`${LEDGER_COLLECTION_PREFIX}${month.replace('-', '')}`);
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

  /** Shards by id (`${day}~${n}`). `forWrite`: the few shards a write touches (looked up one by one unless there are many). */
  async getShards(ids: readonly string[], { forWrite = false } = {}): Promise<LedgerShardDoc[]> {
    const byMonth = new Map<string, string[]>();
    for (const id of ids) byMonth.set(monthOfDay(id), [...(byMonth.get(monthOfDay(id)) ?? []), id]);
    const found = await Promise.all([...byMonth].map(([month, monthIds]) => findByIds<LedgerShardDoc>(this.ledger(month), monthIds, forWrite ? 32 : 3)));
    return found.flat();
  }

  /** Creates a shard; false when another writer created it first. */
  async insertShard(id: string, day: string, entries: Record<string, EncodedEntry>): Promise<boolean> {
    try {
      await this.ledger(monthOfDay(day)).insertOne({ _id: id, day, e: entries, rev: 1 } as never);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /** Creates shards, one round trip per month; returns the ids another writer created first. */
  async insertShards(docs: { _id: string; day: string; e: Record<string, EncodedEntry> }[]): Promise<Set<string>> {
    const taken = new Set<string>();
    const byMonth = new Map<string, typeof docs>();
    for (const d of docs) byMonth.set(monthOfDay(d.day), [...(byMonth.get(monthOfDay(d.day)) ?? []), d]);
    for (const [month, monthDocs] of byMonth) {
      try {
        await this.ledger(month).insertMany(monthDocs.map((d) => ({ ...d, rev: 1 })) as never[], { ordered: false });
      } catch (err) {
        const writeErrors = (err as { writeErrors?: { index: number; code?: number; err?: { code?: number } }[] }).writeErrors;
        if (!Array.isArray(writeErrors) || writeErrors.length === 0) throw err;
        for (const w of writeErrors) {
          if ((w.code ?? w.err?.code) !== 11000) throw err;
          taken.add(monthDocs[w.index]._id);
        }
      }
    }
    return taken;
  }

  /** Compare-and-set on the shard's revision; false when someone wrote in between. */
  async casShard(id: string, rev: number, set: Record<string, EncodedEntry>): Promise<boolean> {
    const update: Record<string, unknown> = { $inc: { rev: 1 } };
    if (Object.keys(set).length) update.$set = Object.fromEntries(Object.entries(set).map(([k, v]) => [`e.${k}`, v]));
    const result = await this.ledger(monthOfDay(id)).updateOne({ _id: id as never, rev }, update);
    return result.matchedCount === 1;
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
      await this.cache(collection).bulkWrite(
        part.map((doc) => ({ replaceOne: { filter: { _id: doc._id as never }, replacement: doc, upsert: true } })),
        { ordered: false },
      );
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

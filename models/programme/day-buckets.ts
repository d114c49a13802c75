/**
 * Ids grouped by UTC day in documents addressed by `_id`, plus one registry document per kind
 * (`<kind>:days`) listing the days that hold any. FerretDB serves only `_id` lookups from an index, so
 * "every id of the days up to D" is one registry read and one `_id: { $in }` read of a few buckets,
 * however large the collection the ids point into (the planner's due queue, the relationship cadence,
 * the released invitations awaiting expiry).
 *
 * A day's ids are spread over `SHARDS` documents (`<kind>:<YYYY-MM-DD>:<n>`, n by a hash of the id), so
 * no day's document nears the 16 MB a document may hold (a due day of ~250,000 events, or the cadence
 * day of a large customer import, would exceed it in one document), and an add rewrites a sixteenth of
 * a day. The unsharded bucket of older versions (`<kind>:<YYYY-MM-DD>`) is still read and emptied,
 * never added to.
 *
 * Adding registers the days, writes the buckets, then registers the days again: a run stopped at any
 * point leaves no filled bucket unregistered, and a reader that dropped a day as empty between the
 * first registration and the write sees it registered again. A reader drops an emptied day from the
 * registry first and deletes its buckets only if they are still empty (re-registering it otherwise), so
 * a concurrent add is never left in an unregistered bucket.
 */
import type { Model } from 'mongoose';
import { chunks } from '../bulk.js';
import { fnv1a } from '../../src/domain/hash.js';

export interface DayBucketEntity {
  _id: string;
  /** A day's bucket: its ids. */
  ids?: string[];
  /** The registry: days with a bucket. */
  days?: string[];
}

/** `YYYY-MM-DD` of a date in UTC. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Groups ids by the UTC day of their date. */
export function byDay<T>(items: readonly T[], at: (item: T) => Date, id: (item: T) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const item of items) {
    const day = utcDay(at(item));
    const ids = out.get(day);
    if (ids) ids.push(id(item));
    else out.set(day, [id(item)]);
  }
  return out;
}

/** Documents per day and kind (see the file's comment). */
const SHARDS = 16;

export class DayBuckets {
  constructor(
    private readonly model: Model<DayBucketEntity>,
    private readonly kind: string,
  ) {}

  private shardKey(day: string, id: string): string {
    return `${this.kind}:${day}:${fnv1a(id) % SHARDS}`;
  }
  /** The day's bucket of versions before the shards. */
  private legacyKey(day: string): string {
    return `${this.kind}:${day}`;
  }
  /** Every document a day's ids may be in. */
  private keysOf(day: string): string[] {
    return [this.legacyKey(day), ...Array.from({ length: SHARDS }, (_, n) => `${this.kind}:${day}:${n}`)];
  }
  private get registry(): string {
    return `${this.kind}:days`;
  }

  /** Registers the days, adds the ids to their days' buckets (idempotent), and registers the days again. */
  async add(byDay: Map<string, string[]>): Promise<void> {
    const days = [...byDay].filter(([, ids]) => ids.length > 0);
    if (days.length === 0) return;
    await this.register(days.map(([day]) => day));
    const ops = [...this.byShard(days)].map(([key, ids]) => ({
      updateOne: { filter: { _id: key }, update: { $addToSet: { ids: { $each: ids } } }, upsert: true },
    }));
    for (const part of chunks(ops)) await this.model.bulkWrite(part as never, { ordered: false });
    await this.register(days.map(([day]) => day));
  }

  /** Removes ids from their days' buckets (an emptied bucket is dropped by the next read). */
  async remove(byDay: Map<string, string[]>): Promise<void> {
    const days = [...byDay].filter(([, ids]) => ids.length > 0);
    const ops = [...this.byShard(days), ...days.map(([day, ids]) => [this.legacyKey(day), ids] as const)].map(([key, ids]) => ({
      updateOne: { filter: { _id: key }, update: { $pullAll: { ids } } },
    }));
    for (const part of chunks(ops)) await this.model.bulkWrite(part as never, { ordered: false });
  }

  /** The ids of the days grouped by the document (shard) each belongs in. */
  private byShard(days: [string, string[]][]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [day, ids] of days)
      for (const id of ids) {
        const key = this.shardKey(day, id);
        const shard = out.get(key);
        if (shard) shard.push(id);
        else out.set(key, [id]);
      }
    return out;
  }

  /** Registered days, oldest first. */
  async days(): Promise<string[]> {
    const registry = await this.model.findById(this.registry).lean<DayBucketEntity>().exec();
    return [...(registry?.days ?? [])].sort();
  }

  /** The ids of every registered day up to `lastDay` (inclusive), by day, oldest day first. */
  async readUpTo(lastDay: string): Promise<Map<string, string[]>> {
    const days = (await this.days()).filter((d) => d <= lastDay);
    if (days.length === 0) return new Map();
    const docs = await this.model
      .find({ _id: { $in: days.flatMap((d) => this.keysOf(d)) } })
      .lean<DayBucketEntity[]>()
      .exec();
    const idsOf = new Map(docs.map((d) => [d._id, d.ids ?? []]));
    const out = new Map<string, string[]>();
    const empty: string[] = [];
    for (const day of days) {
      const ids = this.keysOf(day).flatMap((key) => idsOf.get(key) ?? []);
      if (ids.length) out.set(day, ids);
      else empty.push(day);
    }
    if (empty.length) await this.drop(empty);
    return out;
  }

  private async register(days: string[]): Promise<void> {
    await this.model.updateOne({ _id: this.registry }, { $addToSet: { days: { $each: days } } }, { upsert: true }).exec();
  }

  /** Unregisters emptied days; a day whose bucket was filled again meanwhile keeps its registration. */
  private async drop(days: string[]): Promise<void> {
    await this.model.updateOne({ _id: this.registry }, { $pullAll: { days } }).exec();
    const keys = days.flatMap((d) => this.keysOf(d));
    await this.model.deleteMany({ _id: { $in: keys }, ids: { $size: 0 } }).exec();
    const left = await this.model
      .find({ _id: { $in: keys } }, { _id: 1 })
      .lean<Pick<DayBucketEntity, '_id'>[]>()
      .exec();
    const leftKeys = new Set(left.map((doc) => doc._id));
    const refilled = days.filter((d) => this.keysOf(d).some((key) => leftKeys.has(key)));
    if (refilled.length) await this.register(refilled);
  }
}

/**
 * Ids grouped by UTC day in documents addressed by `_id` (`<kind>:<YYYY-MM-DD>`), plus one registry
 * document per kind (`<kind>:days`) listing the days that hold any. FerretDB serves only `_id` lookups
 * from an index, so "every id of the days up to D" is one registry read and one `_id: { $in }` read of a
 * few buckets, however large the collection the ids point into (the planner's due queue, the
 * relationship cadence, the released invitations awaiting expiry).
 *
 * Adding registers the days, writes the buckets, then registers the days again: a run stopped at any
 * point leaves no filled bucket unregistered, and a reader that dropped a day as empty between the
 * first registration and the write sees it registered again. A reader drops an emptied day from the
 * registry first and deletes the bucket only if it is still empty (re-registering it otherwise), so a
 * concurrent add is never left in an unregistered bucket.
 */
import type { Model } from 'mongoose';
import { chunks } from '../bulk.js';

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

export class DayBuckets {
  constructor(
    private readonly model: Model<DayBucketEntity>,
    private readonly kind: string,
  ) {}

  private key(day: string): string {
    return `${this.kind}:${day}`;
  }
  private get registry(): string {
    return `${this.kind}:days`;
  }

  /** Registers the days, adds the ids to their days' buckets (idempotent), and registers the days again. */
  async add(byDay: Map<string, string[]>): Promise<void> {
    const days = [...byDay].filter(([, ids]) => ids.length > 0);
    if (days.length === 0) return;
    await this.register(days.map(([day]) => day));
    for (const part of chunks(days)) {
      const ops = part.map(([day, ids]) => ({
        updateOne: { filter: { _id: this.key(day) }, update: { $addToSet: { ids: { $each: ids } } }, upsert: true },
      }));
      await this.model.bulkWrite(ops as never, { ordered: false });
    }
    await this.register(days.map(([day]) => day));
  }

  /** Removes ids from their days' buckets (an emptied bucket is dropped by the next read). */
  async remove(byDay: Map<string, string[]>): Promise<void> {
    const days = [...byDay].filter(([, ids]) => ids.length > 0);
    for (const part of chunks(days)) {
      const ops = part.map(([day, ids]) => ({ updateOne: { filter: { _id: this.key(day) }, update: { $pullAll: { ids } } } }));
      await this.model.bulkWrite(ops as never, { ordered: false });
    }
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
      .find({ _id: { $in: days.map((d) => this.key(d)) } })
      .lean<DayBucketEntity[]>()
      .exec();
    const idsOf = new Map(docs.map((d) => [d._id, d.ids ?? []]));
    const out = new Map<string, string[]>();
    const empty: string[] = [];
    for (const day of days) {
      const ids = idsOf.get(this.key(day)) ?? [];
      if (ids.length) out.set(day, ids);
      else empty.push(day);
    }
    if (empty.length) await this.drop(empty);
    return out;
  }

  private async register(days: string[]): Promise<void> {
    await this.model.updateOne({ _id: this.registry }, { $addToSet: { days: { $each: days } } }, { upsert: true }).exec();
  }

  /** Unregisters emptied days; a bucket filled again meanwhile keeps its registration. */
  private async drop(days: string[]): Promise<void> {
    await this.model.updateOne({ _id: this.registry }, { $pullAll: { days } }).exec();
    const refilled: string[] = [];
    for (const day of days) {
      const { deletedCount } = await this.model.deleteOne({ _id: this.key(day), ids: { $size: 0 } }).exec();
      if (deletedCount === 0 && (await this.model.exists({ _id: this.key(day) }).exec())) refilled.push(day);
    }
    if (refilled.length) await this.register(refilled);
  }
}

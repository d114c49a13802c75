import { Types, type Model } from 'mongoose';
import { isDuplicateKeyError } from '../bulk.js';
import type { TargetEntity } from './target.entity.js';

export type TargetFields = Omit<TargetEntity, '_id'>;

export class TargetRepository {
  constructor(private readonly model: Model<TargetEntity>) {}

  async byKey(key: string): Promise<TargetEntity | null> {
    return this.model.findOne({ key }).lean<TargetEntity>();
  }

  async byKeys(keys: readonly string[]): Promise<TargetEntity[]> {
    if (!keys.length) return [];
    return this.model.find({ key: { $in: [...keys] } }).lean<TargetEntity[]>();
  }

  async byId(id: string): Promise<TargetEntity | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    return this.model.findById(id).lean<TargetEntity>();
  }

  /** Creates or replaces the target with this key (a concurrent first set of the same key retries as a replace). */
  async upsert(fields: TargetFields): Promise<TargetEntity> {
    const write = () =>
      this.model.findOneAndUpdate({ key: fields.key }, { $set: fields }, { upsert: true, new: true }).lean<TargetEntity>();
    try {
      return await write();
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      return await write();
    }
  }

  /** Up to `limit` targets whose scope tags hold all of `tags`, in `_id` order after `afterId`. */
  async page(tags: readonly string[], afterId: string | null, limit: number): Promise<TargetEntity[]> {
    const filter: Record<string, unknown> = tags.length ? { scopeTags: { $all: [...tags] } } : {};
    if (afterId) filter._id = { $gt: new Types.ObjectId(afterId) };
    return this.model.find(filter).sort({ _id: 1 }).limit(limit).lean<TargetEntity[]>();
  }

  async delete(id: string): Promise<boolean> {
    if (!Types.ObjectId.isValid(id)) return false;
    return (await this.model.deleteOne({ _id: id })).deletedCount === 1;
  }
}

/** API keys by the hash of their secret. The collection is small (one document per key). */
import type { ApiKeyEntity } from './apikey.entity.js';
import type { ApiKeyModel } from './apikey.schema.js';
import { isDuplicateKeyError } from '../bulk.js';

export class ApiKeyRepository {
  constructor(private readonly model: ApiKeyModel) {}

  async findByHash(hash: string): Promise<ApiKeyEntity | null> {
    return this.model.findById(hash).lean<ApiKeyEntity>().exec();
  }

  async insert(doc: ApiKeyEntity): Promise<void> {
    await this.model.collection.insertOne(doc as never);
  }

  /** Creates the key unless it exists; an existing key (even revoked) is left as it is. */
  async insertIfMissing(doc: ApiKeyEntity): Promise<void> {
    const { _id, ...rest } = doc;
    try {
      await this.model.collection.updateOne({ _id } as never, { $setOnInsert: rest }, { upsert: true });
    } catch (err) {
      // Two instances starting at once: the other one inserted it.
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  /** Newest first; a scan of a small collection. */
  async list(): Promise<ApiKeyEntity[]> {
    const docs = await this.model.find({}).lean<ApiKeyEntity[]>().exec();
    return docs.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  /** Sets revokedAt once; returns the key as stored afterwards (null when there is none). */
  async revoke(hash: string, at: Date): Promise<ApiKeyEntity | null> {
    await this.model.collection.updateOne({ _id: hash, revokedAt: null } as never, { $set: { revokedAt: at } });
    return this.findByHash(hash);
  }

  /** Revokes every live key carrying `prefix` but the one given; returns how many. */
  async revokeBootstrappedExcept(hash: string, prefix: string, at: Date): Promise<number> {
    const result = await this.model.collection.updateMany({ _id: { $ne: hash }, prefix, revokedAt: null } as never, {
      $set: { revokedAt: at },
    });
    return result.modifiedCount;
  }

  async touch(hash: string, at: Date): Promise<void> {
    await this.model.collection.updateOne({ _id: hash } as never, { $set: { lastUsedAt: at } });
  }
}

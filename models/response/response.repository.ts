/** All reads and writes of responses. Reads are lean and return plain objects. */
import type { Readable } from 'node:stream';
import { Types, mongo } from 'mongoose';
import type { NpsCounts } from '../../src/domain/nps.js';
import type { ResponseEntity } from './response.entity.js';
import { toMongoFilter, type ResponseQueryFilter } from './response.filter.js';
import type { ResponseModel } from './response.schema.js';
import { isDuplicateKeyError } from '../bulk.js';

export type NewResponse = Omit<ResponseEntity, '_id' | 'createdAt' | 'updatedAt'>;

export interface BulkInsertOutcome {
  /** Input index → stored id, for the rows that were inserted. */
  inserted: Map<number, Types.ObjectId>;
  /** Input indexes whose externalId was already stored (or repeated in the batch). */
  duplicates: number[];
  /** Input indexes that failed for another reason. */
  failed: { index: number; message: string }[];
}

/** An earlier response as the churn-risk rules read it: its score, scope and themes, not the whole analysis. */
export type EarlierResponse = Pick<ResponseEntity, '_id' | 'score' | 'respondedAt' | 'category' | 'attributes'> & {
  /** Absent or null before the response is analysed. */
  analysis?: Pick<NonNullable<ResponseEntity['analysis']>, 'themes'> | null;
};

/** The ids that are ObjectIds (strings that are not cannot name a response). */
function objectIds(ids: readonly (string | Types.ObjectId)[]): Types.ObjectId[] {
  return ids.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(String(id)));
}

export class ResponseRepository {
  constructor(private readonly model: ResponseModel) {}

  /** Inserts, or returns the response already stored under the same externalId. */
  async insertOrGet(doc: NewResponse): Promise<{ response: ResponseEntity; created: boolean }> {
    try {
      const created = await this.model.create(doc);
      return { response: created.toObject(), created: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.findByExternalId(doc.externalId);
      if (!existing) throw err;
      return { response: existing, created: false };
    }
  }

  /** Unordered bulk insert: every valid row is stored even when others collide. */
  async insertMany(docs: NewResponse[]): Promise<BulkInsertOutcome> {
    const outcome: BulkInsertOutcome = { inserted: new Map(), duplicates: [], failed: [] };
    if (docs.length === 0) return outcome;
    const withIds = docs.map((doc) => ({ ...doc, _id: new Types.ObjectId() }));
    const failedIndexes = new Set<number>();
    try {
      await this.model.collection.insertMany(withIds, { ordered: false });
    } catch (err) {
      if (!(err instanceof mongo.MongoBulkWriteError)) throw err;
      const writeErrors = [err.writeErrors].flat();
      for (const writeError of writeErrors) {
        failedIndexes.add(writeError.index);
        if (isDuplicateKeyError(writeError)) outcome.duplicates.push(writeError.index);
        else outcome.failed.push({ index: writeError.index, message: writeError.errmsg ?? 'write failed' });
      }
    }
    withIds.forEach((doc, index) => {
      if (!failedIndexes.has(index)) outcome.inserted.set(index, doc._id);
    });
    return outcome;
  }

  async findById(id: string | Types.ObjectId): Promise<ResponseEntity | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    return this.model.findById(id).lean<ResponseEntity>().exec();
  }

  async findByIds(ids: readonly (string | Types.ObjectId)[]): Promise<ResponseEntity[]> {
    const valid = objectIds(ids);
    if (valid.length === 0) return [];
    return this.model
      .find({ _id: { $in: valid } })
      .lean<ResponseEntity[]>()
      .exec();
  }

  /** What the churn-risk rules read of a customer's earlier responses (EarlierResponse), by id. */
  async findEarlierByIds(ids: readonly (string | Types.ObjectId)[]): Promise<EarlierResponse[]> {
    const valid = objectIds(ids);
    if (valid.length === 0) return [];
    return this.model
      .find({ _id: { $in: valid } })
      .select({ score: 1, respondedAt: 1, category: 1, attributes: 1, 'analysis.themes': 1 })
      .lean<EarlierResponse[]>()
      .exec();
  }

  async findByExternalId(externalId: string): Promise<ResponseEntity | null> {
    return this.model.findOne({ externalId }).lean<ResponseEntity>().exec();
  }

  /**
   * Up to `limit` matching responses, newest first, older than `afterId`: keyset-paginated on _id,
   * so a page never shifts when responses arrive while a client is paging (new ids sort before the cursor).
   */
  async page(filter: ResponseQueryFilter | null | undefined, limit: number, afterId: Types.ObjectId | null): Promise<ResponseEntity[]> {
    const query = toMongoFilter(filter);
    if (afterId) query._id = { $lt: afterId };
    return this.model.find(query).sort({ _id: -1 }).limit(limit).lean<ResponseEntity[]>().exec();
  }

  /** Every matching response, newest first, as a stream read in batches: exports never hold all rows. */
  stream(filter: ResponseQueryFilter | null | undefined, batchSize: number): Readable {
    return this.model.find(toMongoFilter(filter)).sort({ _id: -1 }).lean<ResponseEntity[]>().batchSize(batchSize).cursor();
  }

  async count(filter: ResponseQueryFilter | null | undefined): Promise<number> {
    return this.model.countDocuments(toMongoFilter(filter)).exec();
  }

  /** Promoter/passive/detractor counts of the matching responses, computed in the database. */
  async npsCounts(filter: ResponseQueryFilter | null | undefined): Promise<NpsCounts> {
    const rows = await this.model
      .aggregate<{ _id: string; n: number }>([{ $match: toMongoFilter(filter) }, { $group: { _id: '$category', n: { $sum: 1 } } }])
      .exec();
    const n = (category: string) => rows.find((r) => r._id === category)?.n ?? 0;
    return { promoters: n('PROMOTER'), passives: n('PASSIVE'), detractors: n('DETRACTOR') };
  }
}

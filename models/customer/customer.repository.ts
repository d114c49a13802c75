/**
 * Customers are upserted by externalId on ingest; each response is recorded in their history once.
 * Every write to a customer document holds its write lock (models/lock): concurrent updates of one
 * document lose writes on FerretDB 1.24, and a customer is exactly what concurrent submits share.
 */
import type { AnyBulkWriteOperation, Types } from 'mongoose';
import type { Attribute } from '../response/response.entity.js';
import { chunks } from '../bulk.js';
import { afterKey, sortDocument, type SortField } from '../keyset.js';
import { isDuplicateKeyError } from '../response/response.repository.js';
import type { CustomerChurnRisk, CustomerEntity } from './customer.entity.js';
import type { CustomerModel } from './customer.schema.js';
import type { WriteLockRepository } from '../lock/write-lock.repository.js';

/** Scores kept per customer: enough to see a trend, bounded so documents stay small. */
export const SCORE_HISTORY_LIMIT = 100;

export interface CustomerProfile {
  externalId: string;
  name?: string | null;
  email?: string | null;
  accountValue?: number | null;
  attributes: Attribute[];
}

export interface RecordedResponse {
  responseId: Types.ObjectId;
  score: number;
  respondedAt: Date;
}

/** The at-risk list's order: latest risk score, highest first (customers.schema declares its index). */
export const AT_RISK_ORDER: readonly SortField[] = [
  { field: 'churnRisk.score', direction: -1 },
  { field: '_id', direction: 1 },
];

const lockKey = (externalId: string) => `customer:${externalId}`;

export class CustomerRepository {
  constructor(
    private readonly model: CustomerModel,
    private readonly locks: WriteLockRepository,
  ) {}

  /**
   * Upserts the profile and appends the response to the score history, exactly once: the filter
   * skips a customer whose history already holds the response, and the write lock keeps
   * concurrent writers of one customer apart.
   */
  async recordResponses(entries: { profile: CustomerProfile; response: RecordedResponse }[]): Promise<void> {
    for (const part of chunks(entries)) {
      await this.locks.forEachLocked(part.map((e) => lockKey(e.profile.externalId)), async (locked) => {
        const held = new Set(locked);
        await this.writeHistory(part.filter((e) => held.has(lockKey(e.profile.externalId))));
      });
    }
  }

  /** The writes of recordResponses, for customers whose locks are held. */
  private async writeHistory(entries: { profile: CustomerProfile; response: RecordedResponse }[]): Promise<void> {
    if (entries.length === 0) return;
    const upserts: AnyBulkWriteOperation<CustomerEntity>[] = entries.map(({ profile, response }) => ({
      updateOne: {
        filter: { _id: profile.externalId, externalId: profile.externalId, 'scoreHistory.responseId': { $ne: response.responseId } },
        update: {
          ...withSet(profileFields(profile)),
          $push: { scoreHistory: { $each: [response], $slice: -SCORE_HISTORY_LIMIT } },
          $inc: { responseCount: 1 },
        },
        upsert: true,
      },
    }));
    // A first upsert can lose the insert race to a writer that does not take the lock (an older
    // version during a rolling deploy): retried once, it updates the document that now exists.
    // A duplicate key on the retry means the document exists and already holds the response.
    const retry = await duplicateKeyOps(this.model, upserts);
    if (retry.length) await duplicateKeyOps(this.model, retry);
    // "Latest" follows respondedAt, not arrival order, so late imports do not overwrite it.
    const latest: AnyBulkWriteOperation<CustomerEntity>[] = entries.map(({ profile, response }) => ({
      updateOne: {
        filter: {
          _id: profile.externalId,
          $or: [{ latestRespondedAt: null }, { latestRespondedAt: { $lte: response.respondedAt } }],
        },
        update: {
          $set: {
            latestScore: response.score,
            latestRespondedAt: response.respondedAt,
            latestResponseId: response.responseId,
            attributes: profile.attributes,
          },
        },
      },
    }));
    await this.model.bulkWrite(latest, { ordered: false });
  }

  async findByExternalId(externalId: string): Promise<CustomerEntity | null> {
    return this.model.findById(externalId).lean<CustomerEntity>().exec();
  }

  async findByExternalIds(externalIds: readonly string[]): Promise<CustomerEntity[]> {
    if (externalIds.length === 0) return [];
    return this.model.find({ externalId: { $in: [...externalIds] } }).lean<CustomerEntity[]>().exec();
  }

  /** The latest response's risk becomes the customer's (conditional: an older response never overwrites it). */
  async setChurnRisk(externalId: string, risk: CustomerChurnRisk): Promise<void> {
    await this.setIfLatest(externalId, risk.responseId, { churnRisk: risk });
  }

  /**
   * Sets fields while `responseId` is the customer's latest response. Most analysed responses are
   * not (a customer's older answers), so a point read skips them before taking the lock.
   */
  private async setIfLatest(externalId: string, responseId: Types.ObjectId, set: Partial<CustomerEntity>): Promise<void> {
    const filter = { _id: externalId, latestResponseId: responseId };
    if (!(await this.model.exists(filter).exec())) return;
    await this.locks.forEachLocked([lockKey(externalId)], async () => {
      await this.model.updateOne(filter, { $set: set }).exec();
    });
  }

  /**
   * Up to `limit` customers at or above these risk levels, highest score first, after the sort key
   * `after` (AT_RISK_ORDER): a keyset page the database sorts and limits on the index declared for it.
   */
  async pageAtRisk(levels: string[], after: readonly (string | number)[] | null, limit: number): Promise<CustomerEntity[]> {
    const filter = { 'churnRisk.level': { $in: levels } };
    return this.model
      .find(after ? { $and: [filter, afterKey(AT_RISK_ORDER, after)] } : filter)
      .sort(sortDocument(AT_RISK_ORDER))
      .limit(limit)
      .lean<CustomerEntity[]>()
      .exec();
  }

  async setLatestSentiment(externalId: string, responseId: Types.ObjectId, sentiment: string): Promise<void> {
    await this.setIfLatest(externalId, responseId, { latestSentiment: sentiment });
  }
}

/** Runs an unordered bulk write; returns the operations that failed on a duplicate key (others throw). */
async function duplicateKeyOps(
  model: CustomerModel,
  ops: AnyBulkWriteOperation<CustomerEntity>[],
): Promise<AnyBulkWriteOperation<CustomerEntity>[]> {
  try {
    await model.bulkWrite(ops, { ordered: false });
    return [];
  } catch (err) {
    const writeErrors = (err as { writeErrors?: { index: number; code?: number; err?: { code?: number } }[] }).writeErrors;
    if (Array.isArray(writeErrors) && writeErrors.length > 0 && writeErrors.every((w) => (w.code ?? w.err?.code) === 11000)) {
      return writeErrors.map((w) => ops[w.index]);
    }
    if (isDuplicateKeyError(err) && ops.length === 1) return ops;
    throw err;
  }
}

/** MongoDB before 5.0 rejects an empty `$set`; leave it out instead. */
function withSet<T extends object>(fields: T): { $set?: T } {
  return Object.keys(fields).length > 0 ? { $set: fields } : {};
}

/** Only the profile fields the submit carried: an omitted name never erases a known one. */
function profileFields(profile: CustomerProfile): Partial<CustomerEntity> {
  const fields: Partial<CustomerEntity> = {};
  if (profile.name != null) fields.name = profile.name;
  if (profile.email != null) fields.email = profile.email;
  if (profile.accountValue != null) fields.accountValue = profile.accountValue;
  return fields;
}

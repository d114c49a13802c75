/** Customers are upserted by externalId on ingest; each response is recorded in their history once. */
import type { AnyBulkWriteOperation, Types } from 'mongoose';
import type { Attribute } from '../response/response.entity.js';
import { chunks } from '../bulk.js';
import { isDuplicateKeyError } from '../response/response.repository.js';
import type { CustomerChurnRisk, CustomerEntity } from './customer.entity.js';
import type { CustomerModel } from './customer.schema.js';

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

export class CustomerRepository {
  constructor(private readonly model: CustomerModel) {}

  /**
   * Upserts the profile and appends the response to the score history. Idempotent: the
   * filter skips a customer whose history already holds this response, and the upsert that
   * then collides on the unique externalId is the "already recorded" case.
   */
  async recordResponses(entries: { profile: CustomerProfile; response: RecordedResponse }[]): Promise<void> {
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
    for (const chunk of chunks(upserts)) {
      try {
        await this.model.bulkWrite(chunk, { ordered: false });
      } catch (err) {
        const writeErrors = (err as { writeErrors?: { code?: number }[] }).writeErrors;
        const onlyDuplicates = Array.isArray(writeErrors) && writeErrors.every((e) => e.code === 11000);
        if (!isDuplicateKeyError(err) && !onlyDuplicates) throw err;
      }
    }
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
    for (const chunk of chunks(latest)) await this.model.bulkWrite(chunk, { ordered: false });
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
    await this.model.updateOne({ _id: externalId, latestResponseId: risk.responseId }, { $set: { churnRisk: risk } }).exec();
  }

  /**
   * Customers at or above these risk levels whose latest attributes satisfy every condition (each
   * a list of pairs, as in response filters: values of one key are alternatives, keys must all
   * match), highest score first. The attribute match runs here, not in the query: FerretDB 1.24 does not
   * support `$all` of `$elemMatch`, and the level filter is a scan on it anyway.
   */
  async findAtRisk(levels: string[], conditions: { key: string; value: string }[][], limit: number): Promise<CustomerEntity[]> {
    const candidates = await this.model
      .find({ 'churnRisk.level': { $in: levels } })
      .sort({ 'churnRisk.score': -1, _id: 1 })
      .lean<CustomerEntity[]>()
      .exec();
    const matchers = conditions.map(attributeMatcher);
    return candidates.filter((c) => matchers.every((matches) => matches(c.attributes))).slice(0, limit);
  }

  async setLatestSentiment(externalId: string, responseId: Types.ObjectId, sentiment: string): Promise<void> {
    await this.model.updateOne({ _id: externalId, latestResponseId: responseId }, { $set: { latestSentiment: sentiment } }).exec();
  }
}

function attributeMatcher(pairs: { key: string; value: string }[]): (attributes: Attribute[]) => boolean {
  const wanted = new Map<string, Set<string>>();
  for (const { key, value } of pairs) wanted.set(key, (wanted.get(key) ?? new Set()).add(value));
  return (attributes) => [...wanted].every(([key, values]) => attributes.some((a) => a.key === key && values.has(a.value)));
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

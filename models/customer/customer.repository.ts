/**
 * Customers are upserted by externalId on ingest; each response is recorded in their history once.
 * Every write to a customer document holds its write lock (models/lock): concurrent updates of one
 * document lose writes on FerretDB 1.24, and a customer is exactly what concurrent submits share.
 */
import type { AnyBulkWriteOperation, Types } from 'mongoose';
import { foldByCustomer, type CustomerChange, type CustomerEntry } from './customer-batch.js';
import { chunks, duplicateKeyIndexes } from '../bulk.js';
import { afterKey, sortDocument, type SortField } from '../keyset.js';
import type { CustomerChurnRisk, CustomerEntity } from './customer.entity.js';
import type { CustomerModel } from './customer.schema.js';
import type { WriteLockRepository } from '../lock/write-lock.repository.js';

/** Scores kept per customer: enough to see a trend, bounded so documents stay small. */
const SCORE_HISTORY_LIMIT = 100;

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
   * Upserts the profiles and appends the responses to the score histories, exactly once: the
   * batch is folded per customer (a customer's responses of the batch are one upsert and one
   * "latest" write, however many there are), written in chunks of BULK_WRITE_CHUNK customers. The
   * write locks keep concurrent writers of one customer apart. A customer's responses of one call
   * are appended all or none (ingest records fresh response ids only).
   */
  async recordResponses(entries: CustomerEntry[]): Promise<void> {
    // Locks are held per chunk, not per call: a long import must not keep a customer's submits waiting.
    for (const part of chunks(foldByCustomer(entries))) {
      await this.locks.forEachLocked(
        part.map((c) => lockKey(c.externalId)),
        async (locked) => {
          const held = new Set(locked);
          await this.writeChanges(part.filter((c) => held.has(lockKey(c.externalId))));
        },
      );
    }
  }

  /**
   * The writes of recordResponses, for customers whose locks are held. One read of the chunk tells
   * which customers are new and whether the batch moves each stored one's "latest": new customers
   * are one `insertMany` (an insert is several times cheaper than an update statement on FerretDB),
   * stored ones one update each (history, profile and, when newer, latest together). The update is
   * conditional on what the read saw; a chunk where any write is refused (a writer that does not
   * take the lock, or responses already recorded) is written again by the general path.
   */
  private async writeChanges(changes: CustomerChange[]): Promise<void> {
    if (changes.length === 0) return;
    const stored = await this.model
      .find({ _id: { $in: changes.map((c) => c.externalId) } })
      .select({ latestRespondedAt: 1 })
      .lean<Pick<CustomerEntity, '_id' | 'latestRespondedAt'>[]>()
      .exec();
    const latestOf = new Map(stored.map((c) => [c._id, c.latestRespondedAt]));
    const fresh = changes.filter((c) => !latestOf.has(c.externalId));
    const known = changes.filter((c) => latestOf.has(c.externalId));

    const refused = await this.insertNew(fresh);
    const updates: AnyBulkWriteOperation<CustomerEntity>[] = known.map((c) => {
      const previous = latestOf.get(c.externalId) ?? null;
      const newer = previous === null || previous.getTime() <= c.latest.respondedAt.getTime();
      return {
        updateOne: {
          filter: {
            _id: c.externalId,
            'scoreHistory.responseId': { $nin: c.responses.map((r) => r.responseId) },
            latestRespondedAt: previous,
          },
          update: { $set: { ...c.profile, ...(newer ? latestFields(c) : {}) }, ...historyPush(c) },
        },
      };
    });
    const matched = updates.length ? (await this.model.bulkWrite(updates, { ordered: false })).matchedCount : 0;
    if (refused.length || matched < updates.length) await this.writeChecked(matched < updates.length ? [...refused, ...known] : refused);
  }

  /** Inserts customers not stored yet; returns those whose insert lost to a concurrent one. */
  private async insertNew(changes: CustomerChange[]): Promise<CustomerChange[]> {
    if (changes.length === 0) return [];
    const docs = changes.map((c) => ({
      _id: c.externalId,
      externalId: c.externalId,
      ...c.profile,
      responseCount: c.responses.length,
      scoreHistory: c.responses.slice(-SCORE_HISTORY_LIMIT),
      ...latestFields(c),
    }));
    try {
      await this.model.insertMany(docs, { ordered: false });
      return [];
    } catch (err) {
      const refused = duplicateKeyIndexes(err, docs.length);
      if (!refused) throw err;
      return changes.filter((_, i) => refused.has(i));
    }
  }

  /**
   * The general path, right whatever is stored: an upsert of profile and history that skips
   * responses already recorded, then "latest" conditional on respondedAt. Two statements per
   * customer, so only for what the fast path could not settle.
   */
  private async writeChecked(changes: CustomerChange[]): Promise<void> {
    if (changes.length === 0) return;
    const upserts: AnyBulkWriteOperation<CustomerEntity>[] = changes.map((c) => ({
      updateOne: {
        filter: { _id: c.externalId, externalId: c.externalId, 'scoreHistory.responseId': { $nin: c.responses.map((r) => r.responseId) } },
        update: { ...withSet(c.profile), ...historyPush(c) },
        upsert: true,
      },
    }));
    // A first upsert can lose the insert race to a writer that does not take the lock (an older
    // version during a rolling deploy): retried once, it updates the document that now exists.
    // A duplicate key on the retry means the document exists and already holds the responses.
    const retry = await duplicateKeyOps(this.model, upserts);
    if (retry.length) await duplicateKeyOps(this.model, retry);
    // "Latest" follows respondedAt, not arrival order, so late imports do not overwrite it.
    const latest: AnyBulkWriteOperation<CustomerEntity>[] = changes.map((c) => ({
      updateOne: {
        filter: { _id: c.externalId, $or: [{ latestRespondedAt: null }, { latestRespondedAt: { $lte: c.latest.respondedAt } }] },
        update: { $set: latestFields(c) },
      },
    }));
    await this.model.bulkWrite(latest, { ordered: false });
  }

  async findByExternalId(externalId: string): Promise<CustomerEntity | null> {
    return this.model.findById(externalId).lean<CustomerEntity>().exec();
  }

  async findByExternalIds(externalIds: readonly string[]): Promise<CustomerEntity[]> {
    if (externalIds.length === 0) return [];
    // By _id (= externalId): served from the index, one read for a whole batch.
    return this.model
      .find({ _id: { $in: [...new Set(externalIds)] } })
      .lean<CustomerEntity[]>()
      .exec();
  }

  /**
   * Each latest response's sentiment, and its churn risk when one was scored, become its customer's
   * (conditional: an older response never overwrites them). One read, lock round and update per
   * customer for both; no read when every outcome is `knownLatest` (its caller read the customer
   * after the response was recorded and saw it latest; one that was not latest then never becomes
   * it, as "latest" only moves to newer responses).
   */
  async setLatestOutcomes(
    outcomes: readonly {
      externalId: string;
      responseId: Types.ObjectId;
      sentiment: string;
      risk: CustomerChurnRisk | null;
      knownLatest?: boolean;
    }[],
  ): Promise<void> {
    await this.setIfLatest(
      outcomes.map(({ externalId, responseId, sentiment, risk, knownLatest }) => ({
        externalId,
        responseId,
        knownLatest,
        set: risk ? { latestSentiment: sentiment, churnRisk: risk } : { latestSentiment: sentiment },
      })),
    );
  }

  /**
   * Sets fields on each customer whose latest response is `responseId`. Most analysed responses
   * are not (a customer's older answers), so one read of the batch's customers (none for items
   * `knownLatest`) skips them before the locks are taken; the write stays conditional on the
   * latest response.
   */
  private async setIfLatest(
    items: readonly { externalId: string; responseId: Types.ObjectId; knownLatest?: boolean; set: Partial<CustomerEntity> }[],
  ): Promise<void> {
    if (items.length === 0) return;
    const unknown = [...new Set(items.filter((i) => !i.knownLatest).map((i) => i.externalId))];
    const latest = unknown.length
      ? await this.model
          .find({ _id: { $in: unknown } })
          .select({ latestResponseId: 1 })
          .lean<Pick<CustomerEntity, '_id' | 'latestResponseId'>[]>()
          .exec()
      : [];
    const latestOf = new Map(latest.map((c) => [c._id, c.latestResponseId]));
    const due = new Map(
      items.filter((i) => i.knownLatest || latestOf.get(i.externalId)?.equals(i.responseId)).map((i) => [i.externalId, i]),
    );
    for (const part of chunks([...due.values()])) {
      await this.locks.forEachLocked(
        part.map((i) => lockKey(i.externalId)),
        async (locked) => {
          const held = new Set(locked);
          const ops: AnyBulkWriteOperation<CustomerEntity>[] = part
            .filter((i) => held.has(lockKey(i.externalId)))
            .map((i) => ({ updateOne: { filter: { _id: i.externalId, latestResponseId: i.responseId }, update: { $set: i.set } } }));
          if (ops.length) await this.model.bulkWrite(ops, { ordered: false });
        },
      );
    }
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
    const refused = duplicateKeyIndexes(err, ops.length);
    if (!refused) throw err;
    return ops.filter((_, i) => refused.has(i));
  }
}

/** MongoDB before 5.0 rejects an empty `$set`; leave it out instead. */
function withSet<T extends object>(fields: T): { $set?: T } {
  return Object.keys(fields).length > 0 ? { $set: fields } : {};
}

function historyPush(c: CustomerChange) {
  return {
    $push: { scoreHistory: { $each: c.responses, $slice: -SCORE_HISTORY_LIMIT } },
    $inc: { responseCount: c.responses.length },
  };
}

function latestFields(c: CustomerChange): Partial<CustomerEntity> {
  const { responseId, score, respondedAt, attributes } = c.latest;
  return { latestScore: score, latestRespondedAt: respondedAt, latestResponseId: responseId, attributes };
}

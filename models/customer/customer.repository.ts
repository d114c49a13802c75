/**
 * Customers are upserted by externalId on ingest; each response is recorded in their history once.
 * Ingest's writes are conditional single statements (atomic on MongoDB and on the patched FerretDB);
 * the analysis side's "if still the latest response" writes hold the customer's write lock (models/lock).
 */
import type { AnyBulkWriteOperation, mongo, Types } from 'mongoose';
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

/** New customers per insert command: small documents, one SQLite transaction each command. */
const INSERT_CHUNK = 500;

type Collection<T extends object> = mongo.Collection<T>;

const lockKey = (externalId: string) => `customer:${externalId}`;

export class CustomerRepository {
  constructor(
    private readonly model: CustomerModel,
    private readonly locks: WriteLockRepository,
  ) {}

  /**
   * Upserts the profiles and appends the responses to the score histories, exactly once. The batch
   * is folded per customer, the customers are read once (`_id: {$in}`, a few fields), and then
   * each customer costs one statement: new ones one `insertMany`, stored ones one `updateOne` that
   * appends the history and, when the read showed the batch's latest response is newer, sets the
   * "latest" fields under that condition. A statement whose condition no longer holds (another
   * writer got there in between) is refused and redone by the unconditional two-statement path.
   *
   * No write locks: each statement is atomic on MongoDB and on the patched FerretDB (patch 5), and
   * every condition is part of its statement. The driver's collection is used, not the model:
   * mongoose's casting of the bulk updates cost more CPU than the writes (bench:ingest profile).
   */
  async recordResponses(entries: CustomerEntry[]): Promise<void> {
    const changes = foldByCustomer(entries);
    if (changes.length === 0) return;
    // One batch for the whole answer: a getMore on FerretDB costs about what the first read did.
    const stored = await this.collection
      .find({ _id: { $in: changes.map((c) => c.externalId) } }, { projection: { latestRespondedAt: 1 }, batchSize: changes.length })
      .toArray();
    const latestOf = new Map(stored.map((c) => [c._id, c.latestRespondedAt ?? null]));
    const fresh = changes.filter((c) => !latestOf.has(c.externalId));
    const known = changes.filter((c) => latestOf.has(c.externalId));
    const redo = [...(await this.insertNew(fresh)), ...(await this.appendKnown(known, latestOf))];
    for (const part of chunks(redo)) await this.writeChanges(part);
  }

  private get collection() {
    return this.model.collection as unknown as Collection<CustomerEntity>;
  }

  /** Inserts the customers not stored yet; returns those someone else inserted in between. */
  private async insertNew(changes: CustomerChange[]): Promise<CustomerChange[]> {
    const now = new Date();
    const redo: CustomerChange[] = [];
    for (const part of chunks(changes, INSERT_CHUNK)) {
      const docs: CustomerEntity[] = part.map((c) => ({
        _id: c.externalId,
        externalId: c.externalId,
        name: c.profile.name ?? null,
        email: c.profile.email ?? null,
        accountValue: c.profile.accountValue ?? null,
        responseCount: c.responses.length,
        scoreHistory: c.responses.slice(-SCORE_HISTORY_LIMIT),
        latestSentiment: null,
        churnRisk: null,
        ...latestFields(c),
        createdAt: now,
        updatedAt: now,
      }));
      const refused = await duplicateKeyIndexesOf(() => this.collection.insertMany(docs, { ordered: false }), docs.length);
      redo.push(...part.filter((_, i) => refused.has(i)));
    }
    return redo;
  }

  /**
   * One statement per stored customer: append (only if none of the batch's responses is in the
   * history yet) and, when the batch's latest is at least as recent as the stored one was, set
   * "latest" on condition that it still is. Returns the customers whose statement was refused.
   */
  private async appendKnown(changes: CustomerChange[], latestOf: ReadonlyMap<string, Date | null>): Promise<CustomerChange[]> {
    const redo: CustomerChange[] = [];
    for (const part of chunks(changes)) {
      const now = new Date();
      const ops: mongo.AnyBulkWriteOperation<CustomerEntity>[] = part.map((c) => {
        const stored = latestOf.get(c.externalId) ?? null;
        const newer = stored === null || stored.getTime() <= c.latest.respondedAt.getTime();
        return {
          updateOne: {
            filter: { ...historyFilter(c), ...(newer ? latestFilter(c) : {}) },
            update: {
              $set: { ...c.profile, ...(newer ? latestFields(c) : {}), updatedAt: now },
              $setOnInsert: { createdAt: now },
              ...historyPush(c),
            },
            // A refused condition then fails on the duplicate _id, which names the statement.
            upsert: true,
          },
        };
      });
      const refused = await duplicateKeyIndexesOf(() => this.collection.bulkWrite(ops, { ordered: false }), ops.length);
      redo.push(...part.filter((_, i) => refused.has(i)));
    }
    return redo;
  }

  /**
   * The unconditional path, for customers a concurrent writer touched: an upsert of profile and
   * history (a no-op when the responses are in it already), then "latest" conditional on respondedAt.
   */
  private async writeChanges(changes: CustomerChange[]): Promise<void> {
    if (changes.length === 0) return;
    const upserts: AnyBulkWriteOperation<CustomerEntity>[] = changes.map((c) => ({
      updateOne: { filter: historyFilter(c), update: { ...withSet(c.profile), ...historyPush(c) }, upsert: true },
    }));
    // A duplicate key means the document was inserted in between: retried once, it updates it.
    // A duplicate key on the retry means the document exists and already holds the responses.
    const retry = await duplicateKeyOps(this.model, upserts);
    if (retry.length) await duplicateKeyOps(this.model, retry);
    // "Latest" follows respondedAt, not arrival order, so late imports do not overwrite it.
    const latest: AnyBulkWriteOperation<CustomerEntity>[] = changes.map((c) => ({
      updateOne: { filter: { _id: c.externalId, ...latestFilter(c) }, update: { $set: latestFields(c) } },
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

  /** Each latest response's risk becomes its customer's (conditional: an older response never overwrites it). */
  async setChurnRisks(risks: readonly { externalId: string; risk: CustomerChurnRisk }[]): Promise<void> {
    await this.setIfLatest(risks.map(({ externalId, risk }) => ({ externalId, responseId: risk.responseId, set: { churnRisk: risk } })));
  }

  /** Each latest response's sentiment becomes its customer's (same condition). */
  async setLatestSentiments(sentiments: readonly { externalId: string; responseId: Types.ObjectId; sentiment: string }[]): Promise<void> {
    await this.setIfLatest(
      sentiments.map(({ externalId, responseId, sentiment }) => ({ externalId, responseId, set: { latestSentiment: sentiment } })),
    );
  }

  /**
   * Sets fields on each customer whose latest response is `responseId`. Most analysed responses
   * are not (a customer's older answers), so one read of the batch's customers skips them before
   * the locks are taken; the write stays conditional on the latest response.
   */
  private async setIfLatest(
    items: readonly { externalId: string; responseId: Types.ObjectId; set: Partial<CustomerEntity> }[],
  ): Promise<void> {
    if (items.length === 0) return;
    const latest = await this.model
      .find({ _id: { $in: [...new Set(items.map((i) => i.externalId))] } })
      .select({ latestResponseId: 1 })
      .lean<Pick<CustomerEntity, '_id' | 'latestResponseId'>[]>()
      .exec();
    const latestOf = new Map(latest.map((c) => [c._id, c.latestResponseId]));
    const due = new Map(items.filter((i) => latestOf.get(i.externalId)?.equals(i.responseId)).map((i) => [i.externalId, i]));
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

/** Runs an unordered write of `size` statements; returns the indexes refused on a duplicate key (other errors throw). */
async function duplicateKeyIndexesOf(write: () => Promise<unknown>, size: number): Promise<Set<number>> {
  try {
    await write();
    return new Set();
  } catch (err) {
    const refused = duplicateKeyIndexes(err, size);
    if (!refused) throw err;
    return refused;
  }
}

/** The customer, unless one of the change's responses is in its history already (exactly once). */
function historyFilter(c: CustomerChange) {
  return { _id: c.externalId, externalId: c.externalId, 'scoreHistory.responseId': { $nin: c.responses.map((r) => r.responseId) } };
}

/** Stored "latest" no more recent than the change's (on a tie the change wins: it arrived later). */
function latestFilter(c: CustomerChange) {
  return { $or: [{ latestRespondedAt: null }, { latestRespondedAt: { $lte: c.latest.respondedAt } }] };
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

function latestFields(c: CustomerChange): Pick<CustomerEntity, 'latestScore' | 'latestRespondedAt' | 'latestResponseId' | 'attributes'> {
  const { responseId, score, respondedAt, attributes } = c.latest;
  return { latestScore: score, latestRespondedAt: respondedAt, latestResponseId: responseId, attributes };
}

/**
 * Reads and writes of webhook endpoints, published events and the delivery log. Hot writes (one per
 * delivery attempt) go by deterministic `_id`; the endpoint collection is small, so scanning it is cheap.
 */
import { chunks, duplicateKeyIndexes } from '../bulk.js';
import type { DeliveryStatus, WebhookDeliveryEntity, WebhookEndpointEntity, WebhookEventEntity } from './webhook.entity.js';
import type { WebhookModels } from './webhook.schema.js';
import { afterKey, sortDocument, type SortField } from '../keyset.js';

/** The delivery log's order: newest first (an index on webhookId + createdAt serves it). */
export const DELIVERY_ORDER: readonly SortField[] = [
  { field: 'createdAt', direction: -1, date: true },
  { field: '_id', direction: -1 },
];

export type NewEndpoint = Pick<WebhookEndpointEntity, '_id' | 'url' | 'events' | 'description' | 'secret' | 'scope' | 'ownerKeyId'>;
export type EndpointPatch = Partial<Pick<WebhookEndpointEntity, 'url' | 'events' | 'description'>>;
export type NewEvent = Pick<WebhookEventEntity, '_id' | 'type' | 'occurredAt' | 'data' | 'attributes'>;
export type NewDelivery = Pick<WebhookDeliveryEntity, '_id' | 'webhookId' | 'eventId' | 'eventType'>;
export type DeliveryPatch = Partial<Omit<WebhookDeliveryEntity, '_id' | 'webhookId' | 'eventId' | 'eventType' | 'createdAt' | 'updatedAt'>>;

/** Delivery states that never change again. */
const FINISHED_DELIVERY_STATUSES: DeliveryStatus[] = ['DELIVERED', 'FAILED', 'CANCELLED'];

export class WebhookRepository {
  constructor(private readonly models: WebhookModels) {}

  // ── endpoints ──

  /** All endpoints, or those one key owns. */
  async countEndpoints(ownerKeyId?: string): Promise<number> {
    return this.models.endpoints.countDocuments(ownerKeyId === undefined ? {} : { ownerKeyId: String(ownerKeyId) }).exec();
  }

  async insertEndpoint(endpoint: NewEndpoint): Promise<WebhookEndpointEntity> {
    const created = await this.models.endpoints.create({
      ...endpoint,
      enabled: true,
      disabledReason: null,
      disabledAt: null,
      consecutiveFailures: 0,
      failingSince: null,
      lastSuccessAt: null,
    });
    return created.toObject();
  }

  async findEndpoint(id: string): Promise<WebhookEndpointEntity | null> {
    return this.models.endpoints.findById(String(id)).lean<WebhookEndpointEntity>().exec();
  }

  /** All endpoints, or those one key owns, oldest first. */
  async listEndpoints(ownerKeyId?: string): Promise<WebhookEndpointEntity[]> {
    const filter = ownerKeyId === undefined ? {} : { ownerKeyId: String(ownerKeyId) };
    return this.models.endpoints.find(filter).sort({ createdAt: 1, _id: 1 }).lean<WebhookEndpointEntity[]>().exec();
  }

  /** Enabled endpoints subscribed to one of `types`. */
  async listSubscribed(types: string[]): Promise<WebhookEndpointEntity[]> {
    return this.models.endpoints
      .find({ enabled: true, events: { $in: types } })
      .lean<WebhookEndpointEntity[]>()
      .exec();
  }

  async updateEndpoint(id: string, patch: EndpointPatch): Promise<WebhookEndpointEntity | null> {
    return this.models.endpoints.findByIdAndUpdate(String(id), { $set: patch }, { new: true }).lean<WebhookEndpointEntity>().exec();
  }

  async setSecret(id: string, secret: string): Promise<WebhookEndpointEntity | null> {
    return this.models.endpoints.findByIdAndUpdate(String(id), { $set: { secret } }, { new: true }).lean<WebhookEndpointEntity>().exec();
  }

  async deleteEndpoint(id: string): Promise<boolean> {
    const { deletedCount } = await this.models.endpoints.deleteOne({ _id: String(id) }).exec();
    return deletedCount > 0;
  }

  /** Enables the endpoint and forgets its failure streak. */
  async enable(id: string): Promise<WebhookEndpointEntity | null> {
    return this.models.endpoints
      .findByIdAndUpdate(
        String(id),
        { $set: { enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0, failingSince: null } },
        { new: true },
      )
      .lean<WebhookEndpointEntity>()
      .exec();
  }

  /** Disables an enabled endpoint; false when it was disabled (or deleted) already. */
  async disable(id: string, reason: string, at: Date): Promise<boolean> {
    const { modifiedCount } = await this.models.endpoints
      .updateOne({ _id: String(id), enabled: true }, { $set: { enabled: false, disabledReason: reason, disabledAt: at } })
      .exec();
    return modifiedCount > 0;
  }

  async recordSuccess(id: string, at: Date): Promise<void> {
    await this.models.endpoints
      .updateOne({ _id: String(id) }, { $set: { consecutiveFailures: 0, failingSince: null, lastSuccessAt: at } })
      .exec();
  }

  /** Counts one failed attempt into the endpoint's streak; returns the endpoint after it. */
  async recordFailure(id: string, at: Date): Promise<WebhookEndpointEntity | null> {
    // Two point writes instead of a pipeline update (FerretDB has none): start the streak, then count.
    await this.models.endpoints.updateOne({ _id: String(id), failingSince: null }, { $set: { failingSince: at } }).exec();
    return this.models.endpoints
      .findByIdAndUpdate(String(id), { $inc: { consecutiveFailures: 1 } }, { new: true })
      .lean<WebhookEndpointEntity>()
      .exec();
  }

  // ── events ──

  /** Stores an event once: a re-published event (same id) keeps the first copy. */
  /** Stores events once each (an id already stored — a re-run — is kept as it is), one unordered insert per chunk. */
  async insertEvents(events: NewEvent[]): Promise<void> {
    for (const part of chunks(events)) {
      try {
        await this.models.events.insertMany(part, { ordered: false });
      } catch (err) {
        if (!duplicateKeyIndexes(err, part.length)) throw err;
      }
    }
  }

  async findEvent(id: string): Promise<WebhookEventEntity | null> {
    return this.models.events.findById(String(id)).lean<WebhookEventEntity>().exec();
  }

  // ── delivery log ──

  /**
   * Forgets finished deliveries last touched before `before`, and events stored before it that no
   * unfinished delivery still needs. One pass over each collection: run it rarely (hourly).
   */
  async pruneBefore(before: Date): Promise<{ deliveries: number; events: number }> {
    const deliveries = await this.models.deliveries
      .deleteMany({ status: { $in: FINISHED_DELIVERY_STATUSES }, updatedAt: { $lt: before } })
      .exec();
    const unfinished = await this.models.deliveries
      .find({ status: { $nin: FINISHED_DELIVERY_STATUSES } }, { eventId: 1 })
      .lean<{ eventId: string }[]>()
      .exec();
    const events = await this.models.events
      .deleteMany({ createdAt: { $lt: before }, _id: { $nin: [...new Set(unfinished.map((d) => d.eventId))] } })
      .exec();
    return { deliveries: deliveries.deletedCount, events: events.deletedCount };
  }

  /** Creates the log entries that do not exist yet (existing ones keep their state). */
  async insertDeliveries(deliveries: NewDelivery[]): Promise<void> {
    for (const part of chunks(deliveries)) {
      const chunk = part.map((d) => ({
        ...d,
        status: 'PENDING',
        attempts: 0,
        lastStatusCode: null,
        lastError: null,
        lastAttemptAt: null,
        nextRetryAt: null,
        deliveredAt: null,
      }));
      try {
        await this.models.deliveries.insertMany(chunk, { ordered: false });
      } catch (err) {
        if (!duplicateKeyIndexes(err, chunk.length)) throw err;
      }
    }
  }

  /**
   * The outbox: deliveries still PENDING that were logged before `before`, oldest first. Their
   * enqueue may never have happened (Redis was down when the event was committed).
   */
  async findPendingBefore(before: Date, limit: number): Promise<Pick<WebhookDeliveryEntity, '_id' | 'webhookId' | 'eventId'>[]> {
    return this.models.deliveries
      .find({ status: 'PENDING', createdAt: { $lt: before } }, { webhookId: 1, eventId: 1 })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean<Pick<WebhookDeliveryEntity, '_id' | 'webhookId' | 'eventId'>[]>()
      .exec();
  }

  async findDelivery(id: string): Promise<WebhookDeliveryEntity | null> {
    return this.models.deliveries.findById(String(id)).lean<WebhookDeliveryEntity>().exec();
  }

  async updateDelivery(id: string, patch: DeliveryPatch, inc: { attempts?: number } = {}): Promise<void> {
    const update: Record<string, unknown> = { $set: patch };
    if (inc.attempts) update.$inc = { attempts: inc.attempts };
    await this.models.deliveries.updateOne({ _id: String(id) }, update).exec();
  }

  /** One endpoint's deliveries, newest first. */
  /** Up to `limit` deliveries of an endpoint, newest first, after the sort key `after` (DELIVERY_ORDER). */
  async listDeliveries(webhookId: string, after: readonly (string | number)[] | null, limit: number): Promise<WebhookDeliveryEntity[]> {
    const filter = { webhookId: String(webhookId) };
    return this.models.deliveries
      .find(after ? { $and: [filter, afterKey(DELIVERY_ORDER, after)] } : filter)
      .sort(sortDocument(DELIVERY_ORDER))
      .limit(limit)
      .lean<WebhookDeliveryEntity[]>()
      .exec();
  }

  async deleteDeliveriesOf(webhookId: string): Promise<void> {
    await this.models.deliveries.deleteMany({ webhookId: String(webhookId) }).exec();
  }
}

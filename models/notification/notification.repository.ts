import type { FilterQuery } from 'mongoose';
import { isDuplicateKeyError } from '../bulk.js';
import { afterKey, sortDocument, type SortField } from '../keyset.js';
import type {
  NewNotificationDelivery,
  NotificationChannel,
  NotificationDeliveryEntity,
  NotificationPreferenceEntity,
  NotificationStatus,
} from './notification.entity.js';
import type { NotificationModels } from './notification.schema.js';

export const PREFERENCE_ORDER: SortField[] = [{ field: '_id', direction: 1 }];
export const NOTIFICATION_DELIVERY_ORDER: SortField[] = [
  { field: 'createdAt', direction: -1, date: true },
  { field: '_id', direction: 1 },
];

export interface NotificationDeliveryFilter {
  recipient?: string | null;
  alertId?: string | null;
  status?: NotificationStatus | null;
}

export class NotificationRepository {
  constructor(private readonly models: NotificationModels) {}

  async upsertPreference(pref: Omit<NotificationPreferenceEntity, 'createdAt' | 'updatedAt'>): Promise<NotificationPreferenceEntity> {
    const { _id, ...fields } = pref;
    return this.models.preferences
      .findOneAndUpdate({ _id }, { $set: fields }, { upsert: true, new: true })
      .lean<NotificationPreferenceEntity>()
      .exec();
  }

  async preferences(ids: readonly string[]): Promise<NotificationPreferenceEntity[]> {
    if (!ids.length) return [];
    return this.models.preferences.find({ _id: { $in: ids } }).lean<NotificationPreferenceEntity[]>();
  }

  async preferencePage(after: (string | number)[] | null, limit: number): Promise<NotificationPreferenceEntity[]> {
    return this.models.preferences
      .find(after ? afterKey(PREFERENCE_ORDER, after) : {})
      .sort(sortDocument(PREFERENCE_ORDER))
      .limit(limit)
      .lean<NotificationPreferenceEntity[]>();
  }

  async digestPreferences(): Promise<NotificationPreferenceEntity[]> {
    return this.models.preferences.find({ mode: 'DIGEST' }).lean<NotificationPreferenceEntity[]>();
  }

  /** Inserts the rows that do not exist yet; returns the ids inserted now (a retry inserts none). */
  async insertMissing(rows: readonly NewNotificationDelivery[]): Promise<string[]> {
    const inserted: string[] = [];
    for (const row of rows) {
      try {
        await this.models.deliveries.create(row);
        inserted.push(row._id);
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    return inserted;
  }

  async delivery(id: string): Promise<NotificationDeliveryEntity | null> {
    return this.models.deliveries.findById(id).lean<NotificationDeliveryEntity>();
  }

  /** Claims a row still to send for one sender until `until`; null when it is sent, given up, or claimed by another. */
  async claim(id: string, now: Date, until: Date): Promise<NotificationDeliveryEntity | null> {
    return this.models.deliveries
      .findOneAndUpdate(
        { _id: id, status: { $in: ['PENDING', 'RETRYING'] }, $or: [{ claimedUntil: null }, { claimedUntil: { $lt: now } }] },
        { $set: { claimedUntil: until } },
        { new: true },
      )
      .lean<NotificationDeliveryEntity>();
  }

  /** A recipient who leaves DIGEST mode gets the waiting alerts one by one (the round queues PENDING rows). */
  async releaseDigestQueue(preferenceId: string): Promise<void> {
    await this.models.deliveries.updateMany({ status: 'QUEUED_FOR_DIGEST', preferenceId }, { $set: { status: 'PENDING' } });
  }

  async updateDelivery(id: string, set: Partial<NotificationDeliveryEntity>, inc: { attempts?: number } = {}): Promise<void> {
    await this.models.deliveries.updateOne({ _id: id }, { $set: set, ...(inc.attempts ? { $inc: inc } : {}) });
  }

  /** Rows still to send (PENDING), oldest first: the round re-enqueues them (jobs dedupe on the row id). */
  async pending(limit: number): Promise<NotificationDeliveryEntity[]> {
    return this.models.deliveries.find({ status: 'PENDING' }).sort({ queuedAt: 1 }).limit(limit).lean<NotificationDeliveryEntity[]>();
  }

  async countQueuedForDigest(preferenceId: string, channel: NotificationChannel, before: Date): Promise<number> {
    return this.models.deliveries.countDocuments({ status: 'QUEUED_FOR_DIGEST', preferenceId, channel, queuedAt: { $lte: before } });
  }

  /** Moves the rows queued before `before` into the digest `digestId` (idempotent). */
  async moveIntoDigest(preferenceId: string, channel: NotificationChannel, before: Date, digestId: string): Promise<void> {
    await this.models.deliveries.updateMany(
      { status: 'QUEUED_FOR_DIGEST', preferenceId, channel, queuedAt: { $lte: before } },
      { $set: { status: 'IN_DIGEST', digestId } },
    );
  }

  async inDigest(digestId: string): Promise<NotificationDeliveryEntity[]> {
    return this.models.deliveries.find({ digestId }).sort({ queuedAt: 1, _id: 1 }).lean<NotificationDeliveryEntity[]>();
  }

  async page(filter: NotificationDeliveryFilter, after: (string | number)[] | null, limit: number): Promise<NotificationDeliveryEntity[]> {
    const query: FilterQuery<NotificationDeliveryEntity> = {};
    if (filter.recipient) query.recipient = filter.recipient;
    if (filter.alertId) query.alertId = filter.alertId;
    if (filter.status) query.status = filter.status;
    return this.models.deliveries
      .find(after ? { $and: [query, afterKey(NOTIFICATION_DELIVERY_ORDER, after)] } : query)
      .sort(sortDocument(NOTIFICATION_DELIVERY_ORDER))
      .limit(limit)
      .lean<NotificationDeliveryEntity[]>();
  }
}

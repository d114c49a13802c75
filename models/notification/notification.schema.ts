import { Schema, type Connection, type Model } from 'mongoose';
import type { NotificationDeliveryEntity, NotificationPreferenceEntity } from './notification.entity.js';

const preferenceSchema = new Schema<NotificationPreferenceEntity>(
  {
    _id: { type: String, required: true },
    email: { type: String, default: null },
    slackWebhookUrl: { type: String, default: null },
    teamsWebhookUrl: { type: String, default: null },
    smsWebhookUrl: { type: String, default: null },
    phone: { type: String, default: null },
    mode: { type: String, required: true },
    digestHour: { type: Number, required: true },
    timeZone: { type: String, required: true },
  },
  { collection: 'notification_preferences', timestamps: true, versionKey: false },
);
preferenceSchema.index({ mode: 1, _id: 1 });

const deliverySchema = new Schema<NotificationDeliveryEntity>(
  {
    // Deterministic: a duplicated job or a retried raise inserts the same row once.
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    alertId: { type: String, default: null },
    recipient: { type: String, required: true },
    preferenceId: { type: String, required: true },
    channel: { type: String, required: true },
    status: { type: String, required: true },
    period: { type: String, default: null },
    digestId: { type: String, default: null },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    sentAt: { type: Date, default: null },
    queuedAt: { type: Date, required: true },
    claimedUntil: { type: Date, default: null },
  },
  { collection: 'notification_deliveries', timestamps: true, versionKey: false },
);
// The log's keyset order (newest first), the round's scans by status, a digest's rows.
deliverySchema.index({ createdAt: -1, _id: 1 });
deliverySchema.index({ status: 1, preferenceId: 1, channel: 1, queuedAt: 1 });
deliverySchema.index({ digestId: 1 });

export interface NotificationModels {
  preferences: Model<NotificationPreferenceEntity>;
  deliveries: Model<NotificationDeliveryEntity>;
}

export function notificationModels(connection: Connection): NotificationModels {
  return {
    preferences:
      (connection.models.NotificationPreference as Model<NotificationPreferenceEntity> | undefined) ??
      connection.model<NotificationPreferenceEntity>('NotificationPreference', preferenceSchema),
    deliveries:
      (connection.models.NotificationDelivery as Model<NotificationDeliveryEntity> | undefined) ??
      connection.model<NotificationDeliveryEntity>('NotificationDelivery', deliverySchema),
  };
}

import { Schema, type Connection, type Model } from 'mongoose';
import type { ReportDeliveryEntity, ReportSubscriptionEntity } from './report.entity.js';

const subscriptionSchema = new Schema<ReportSubscriptionEntity>(
  {
    recipient: { email: { type: String, required: true }, name: { type: String, default: null } },
    scope: [{ _id: false, key: String, value: String }],
    schedule: { type: String, required: true },
    weekday: { type: String, required: true },
    hour: { type: Number, required: true },
    timeZone: { type: String, required: true },
    createdByKeyId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  // Read whole by the scheduler each round: a few thousand at most, no index beyond _id.
  { collection: 'report_subscriptions', versionKey: false },
);

const deliverySchema = new Schema<ReportDeliveryEntity>(
  {
    subscriptionId: { type: Schema.Types.ObjectId, required: true },
    period: { type: String, required: true },
    scheduledFor: { type: Date, required: true },
    week: { type: String, required: true },
    recipient: { type: String, required: true },
    status: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    messageId: { type: String, default: null },
    sentAt: { type: Date, default: null },
  },
  { collection: 'report_deliveries', timestamps: true, versionKey: false },
);
// The claim: one delivery per subscription and period, whichever worker gets there first.
deliverySchema.index({ subscriptionId: 1, period: 1 }, { unique: true });
deliverySchema.index({ createdAt: -1 });

export interface ReportModels {
  subscriptions: Model<ReportSubscriptionEntity>;
  deliveries: Model<ReportDeliveryEntity>;
}

export function reportModels(connection: Connection): ReportModels {
  return {
    subscriptions:
      (connection.models.ReportSubscription as Model<ReportSubscriptionEntity> | undefined) ??
      connection.model<ReportSubscriptionEntity>('ReportSubscription', subscriptionSchema),
    deliveries:
      (connection.models.ReportDelivery as Model<ReportDeliveryEntity> | undefined) ??
      connection.model<ReportDeliveryEntity>('ReportDelivery', deliverySchema),
  };
}

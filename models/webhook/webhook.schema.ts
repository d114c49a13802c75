/** Mongoose schemas of the webhook aggregate, with their indexes. */
import { Schema, type Connection, type Model } from 'mongoose';
import type { WebhookDeliveryEntity, WebhookEndpointEntity, WebhookEventEntity } from './webhook.entity.js';

const attributeSchema = new Schema({ key: { type: String, required: true }, value: { type: String, required: true } }, { _id: false });

const webhookEndpointSchema = new Schema<WebhookEndpointEntity>(
  {
    _id: { type: String, required: true },
    url: { type: String, required: true },
    events: { type: [String], required: true },
    description: { type: String, default: null },
    scope: { type: [attributeSchema], default: [] },
    ownerKeyId: { type: String, default: null },
    secret: { type: String, required: true },
    enabled: { type: Boolean, default: true },
    disabledReason: { type: String, default: null },
    disabledAt: { type: Date, default: null },
    consecutiveFailures: { type: Number, default: 0 },
    failingSince: { type: Date, default: null },
    lastSuccessAt: { type: Date, default: null },
  },
  { collection: 'webhook_endpoints', timestamps: true, versionKey: false },
);
// One key's endpoints (the per-key cap and a non-admin's list).
webhookEndpointSchema.index({ ownerKeyId: 1 });

const webhookEventSchema = new Schema<WebhookEventEntity>(
  {
    _id: { type: String, required: true },
    type: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    data: { type: Schema.Types.Mixed, required: true },
    attributes: { type: [attributeSchema], default: [] },
  },
  // minimize: false keeps empty objects inside payloads as they were published.
  { collection: 'webhook_events', timestamps: { createdAt: true, updatedAt: false }, versionKey: false, minimize: false },
);

const webhookDeliverySchema = new Schema<WebhookDeliveryEntity>(
  {
    _id: { type: String, required: true },
    webhookId: { type: String, required: true },
    eventId: { type: String, required: true },
    eventType: { type: String, required: true },
    status: { type: String, required: true, enum: ['PENDING', 'RETRYING', 'DELIVERED', 'FAILED', 'CANCELLED'] },
    attempts: { type: Number, default: 0 },
    lastStatusCode: { type: Number, default: null },
    lastError: { type: String, default: null },
    lastAttemptAt: { type: Date, default: null },
    nextRetryAt: { type: Date, default: null },
    deliveredAt: { type: Date, default: null },
  },
  { collection: 'webhook_deliveries', timestamps: true, versionKey: false },
);
// The delivery log of one endpoint, newest first (on MongoDB; FerretDB scans, see docs/ferretdb.md).
webhookDeliverySchema.index({ webhookId: 1, createdAt: -1 });
// The outbox drain: PENDING deliveries, oldest first.
webhookDeliverySchema.index({ status: 1, createdAt: 1 });

export interface WebhookModels {
  endpoints: Model<WebhookEndpointEntity>;
  events: Model<WebhookEventEntity>;
  deliveries: Model<WebhookDeliveryEntity>;
}

export function webhookModels(connection: Connection): WebhookModels {
  return {
    endpoints:
      (connection.models.WebhookEndpoint as Model<WebhookEndpointEntity>) ??
      connection.model<WebhookEndpointEntity>('WebhookEndpoint', webhookEndpointSchema),
    events:
      (connection.models.WebhookEvent as Model<WebhookEventEntity>) ??
      connection.model<WebhookEventEntity>('WebhookEvent', webhookEventSchema),
    deliveries:
      (connection.models.WebhookDelivery as Model<WebhookDeliveryEntity>) ??
      connection.model<WebhookDeliveryEntity>('WebhookDelivery', webhookDeliverySchema),
  };
}

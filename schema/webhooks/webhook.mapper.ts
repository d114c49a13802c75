import type { WebhookDeliveryEntity, WebhookEndpointEntity } from '../../models/webhook/webhook.entity.js';
import { type WebhookDeliveryStatus, type Webhook, type WebhookDelivery } from './webhook.types.js';

/** The secret is passed only by the mutations that reveal it. */
export function toWebhook(entity: WebhookEndpointEntity, secret: string | null = null): Webhook {
  return {
    id: entity._id,
    url: entity.url,
    events: entity.events,
    description: entity.description ?? null,
    scope: (entity.scope ?? []).map(({ key, value }) => ({ key, value })),
    ownerKeyId: entity.ownerKeyId ?? null,
    secret,
    enabled: entity.enabled,
    disabledReason: entity.disabledReason ?? null,
    disabledAt: entity.disabledAt ?? null,
    consecutiveFailures: entity.consecutiveFailures ?? 0,
    failingSince: entity.failingSince ?? null,
    lastSuccessAt: entity.lastSuccessAt ?? null,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  };
}

export function toWebhookDelivery(entity: WebhookDeliveryEntity): WebhookDelivery {
  return {
    id: entity._id,
    webhookId: entity.webhookId,
    eventId: entity.eventId,
    eventType: entity.eventType,
    status: entity.status as WebhookDeliveryStatus,
    attempts: entity.attempts,
    lastStatusCode: entity.lastStatusCode ?? null,
    lastError: entity.lastError ?? null,
    lastAttemptAt: entity.lastAttemptAt ?? null,
    nextRetryAt: entity.nextRetryAt ?? null,
    deliveredAt: entity.deliveredAt ?? null,
    createdAt: entity.createdAt,
  };
}

/** Stored shapes of the webhook aggregate: endpoints, the events they are sent, and the delivery log. */
import type { Attribute } from '../response/response.entity.js';

export interface WebhookEndpointEntity {
  /** `wh_<random>`: endpoints are few, so every read goes by this id or scans the small collection. */
  _id: string;
  url: string;
  events: string[];
  description: string | null;
  /**
   * The scope of the key that created it: only events whose response carries every one of these
   * attributes are delivered here (empty: every event).
   */
  scope: Attribute[];
  /**
   * The API key that registered it: only that key (or an ADMIN) reads and changes it. Null on
   * endpoints registered before ownership existed: those are ADMIN-only.
   */
  ownerKeyId: string | null;
  /** `whsec_<base64>`; returned to the caller only when it is created (or rotated). */
  secret: string;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: Date | null;
  /** Failed delivery attempts since the last successful one (reset by a success or by `enable`). */
  consecutiveFailures: number;
  /** When the current failure streak started; null while the endpoint is healthy. */
  failingSince: Date | null;
  lastSuccessAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A published domain event, kept so delivery jobs carry ids only. `_id` is the event id (webhook-id). */
export interface WebhookEventEntity {
  _id: string;
  type: string;
  occurredAt: Date;
  data: Record<string, unknown>;
  attributes: Attribute[];
  createdAt: Date;
}

export type DeliveryStatus = 'PENDING' | 'RETRYING' | 'DELIVERED' | 'FAILED' | 'CANCELLED';

/** One event to one endpoint. `_id` is `${webhookId}:${eventId}`, so every write is a point write. */
export interface WebhookDeliveryEntity {
  _id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  nextRetryAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function deliveryId(webhookId: string, eventId: string): string {
  return `${webhookId}:${eventId}`;
}

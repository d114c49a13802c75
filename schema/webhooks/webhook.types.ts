import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Attribute } from '../common/attribute.types.js';
import { PageInfo } from '../common/page-info.js';
import { DateTime } from '../common/scalars.js';

@ObjectType({ description: 'An endpoint that receives signed webhook deliveries (Standard Webhooks) for the events it subscribes to.' })
export class Webhook {
  @Field(() => ID, { description: 'Endpoint id (`wh_…`).' })
  id!: string;

  @Field(() => String, { description: 'Where deliveries are POSTed (http or https).' })
  url!: string;

  @Field(() => [String], { description: 'Event types delivered here: alert.raised, alert.updated, alert.sla_breached, response.analyzed.' })
  events!: string[];

  @Field(() => String, { nullable: true, description: 'Free text for operators.' })
  description!: string | null;

  @Field(() => [Attribute], {
    description: 'Scope of the key that created it: only events of responses with all these attributes are delivered here.',
  })
  scope!: Attribute[];

  @Field(() => ID, {
    nullable: true,
    description:
      'Id of the API key that owns it (it and ADMIN keys may change it); null for endpoints registered before ownership, which only ADMIN keys manage.',
  })
  ownerKeyId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Signing secret (`whsec_…`). Returned only by createWebhook and rotateWebhookSecret; null everywhere else.',
  })
  secret!: string | null;

  @Field(() => Boolean, { description: 'False after sustained failure (or never delivered to until enableWebhook).' })
  enabled!: boolean;

  @Field(() => String, { nullable: true, description: 'Why the endpoint was disabled; null while enabled.' })
  disabledReason!: string | null;

  @Field(() => DateTime, { nullable: true, description: 'When the endpoint was disabled.' })
  disabledAt!: Date | null;

  @Field(() => Int, { description: 'Failed delivery attempts in a row since the last success.' })
  consecutiveFailures!: number;

  @Field(() => DateTime, { nullable: true, description: 'Start of the current failure streak; null while healthy.' })
  failingSince!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Last successful delivery.' })
  lastSuccessAt!: Date | null;

  @Field(() => DateTime, { description: 'When the endpoint was registered.' })
  createdAt!: Date;

  @Field(() => DateTime, { description: 'Last change of the endpoint.' })
  updatedAt!: Date;
}

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  RETRYING = 'RETRYING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'Where one delivery (one event to one endpoint) stands.',
  valuesConfig: {
    PENDING: { description: 'Queued, not attempted yet.' },
    RETRYING: { description: 'The last attempt failed; another is scheduled at `nextRetryAt`.' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Every attempt failed; no more retries.' },
    CANCELLED: { description: 'Stopped: the endpoint was disabled, deleted or unsubscribed.' },
  },
});

@ObjectType({ description: 'One event sent (or being sent) to one endpoint: the delivery log entry.' })
export class WebhookDelivery {
  @Field(() => ID, { description: 'Delivery id (`<webhookId>:<eventId>`).' })
  id!: string;

  @Field(() => ID, { description: 'The endpoint.' })
  webhookId!: string;

  @Field(() => String, { description: 'The event id, sent as the `webhook-id` header (the same on every attempt).' })
  eventId!: string;

  @Field(() => String, { description: 'The event type.' })
  eventType!: string;

  @Field(() => WebhookDeliveryStatus, { description: 'Where the delivery stands.' })
  status!: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'Attempts made so far.' })
  attempts!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'HTTP status of the last attempt; null when there was no answer (timeout, connection refused).',
  })
  lastStatusCode!: number | null;

  @Field(() => String, { nullable: true, description: 'What went wrong in the last attempt; null after a success.' })
  lastError!: string | null;

  @Field(() => DateTime, { nullable: true, description: 'When the last attempt finished.' })
  lastAttemptAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When the next attempt is due; null when none is scheduled.' })
  nextRetryAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When the endpoint accepted it.' })
  deliveredAt!: Date | null;

  @Field(() => DateTime, { description: 'When the delivery was queued.' })
  createdAt!: Date;
}

@ObjectType({ description: 'A page of the delivery log, newest first.' })
export class WebhookDeliveryConnection {
  @Field(() => [WebhookDelivery], { description: 'The deliveries of this page.' })
  nodes!: WebhookDelivery[];

  @Field(() => PageInfo, { description: 'Whether there are more, and the cursor to get them.' })
  pageInfo!: PageInfo;
}

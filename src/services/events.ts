/**
 * Domain events other services consume (webhooks today). Services publish through this port;
 * the webhook service implements it by enqueuing one signed delivery per subscribed endpoint.
 *
 * Publishing must be idempotent: an event's `id` is derived from what happened (e.g. the alert id
 * and its history length), so a job retry that publishes the same event again is collapsed by
 * the receiver side (delivery job ids are built from the event id and the endpoint id).
 */
import type { Attribute } from '../../models/response/response.entity.js';

export const EVENT_TYPES = [
  'alert.raised',
  'alert.updated',
  'alert.sla_breached',
  'response.analyzed',
  'report.weekly',
  'survey.due',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface DomainEvent {
  /** Stable id of this occurrence (the Standard Webhooks `webhook-id`); same event, same id. */
  id: string;
  type: EventType;
  occurredAt: Date;
  /** JSON-serialisable payload, documented per type in docs/webhooks.md. */
  data: Record<string, unknown>;
  /** Segment attributes of the response behind the event (scoped consumers filter on them). */
  attributes: Attribute[];
  /**
   * For an event bundling items of several segments (`survey.due`): the part an endpoint of a scoped
   * key may see, as an event with its own id, or null when no item is in that scope. Absent: the
   * event goes whole to a scoped endpoint when its `attributes` are in scope, else not at all.
   */
  inScopePart?: (scope: readonly Attribute[]) => DomainEvent | null;
}

export interface EventPublisher {
  publish(events: DomainEvent[]): Promise<void>;
}

/** For roles and tests that publish nothing. */
export const NO_EVENTS: EventPublisher = { publish: async () => undefined };

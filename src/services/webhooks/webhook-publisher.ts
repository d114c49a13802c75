/**
 * The webhook side of the `EventPublisher` port: each event goes to every enabled endpoint
 * subscribed to its type as one delivery job. Jobs carry ids only: the event is stored once under
 * its own id (a re-published event keeps the first copy) and the delivery job reloads it.
 *
 * A transactional outbox: the event and its PENDING delivery rows in MongoDB are the commitment.
 * Enqueueing is best effort: when Redis is down the rows stay PENDING and the worker's outbox
 * drain (webhook-outbox.ts) enqueues them later, so the caller (an alert mutation, the SLA sweep)
 * never fails after its write has committed.
 */
import type { Logger } from '../../logger.js';
import { deliveryId } from '../../../models/webhook/webhook.entity.js';
import type { WebhookRepository } from '../../../models/webhook/webhook.repository.js';
import type { DomainEvent, EventPublisher } from '../events.js';
import type { DeliveryRef, WebhookDeliveryQueue } from './ports.js';
import { inScope } from '../auth/scope.js';

export interface WebhookPublisherDeps {
  webhooks: WebhookRepository;
  queue: WebhookDeliveryQueue;
  log: Logger;
}

export class WebhookEventPublisher implements EventPublisher {
  constructor(private readonly deps: WebhookPublisherDeps) {}

  async publish(events: DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    const endpoints = await this.deps.webhooks.listSubscribed([...new Set(events.map((e) => e.type))]);
    if (endpoints.length === 0) return;

    const refs: (DeliveryRef & { eventType: string })[] = [];
    const stored = new Map<string, DomainEvent>();
    for (const event of events) {
      // An endpoint created by a scoped key gets only the events (or the part of one) inside that scope.
      for (const endpoint of endpoints) {
        if (!endpoint.events.includes(event.type)) continue;
        const scope = endpoint.scope ?? [];
        const delivered = inScope(event.attributes, scope) ? event : (event.inScopePart?.(scope) ?? null);
        if (!delivered) continue;
        stored.set(delivered.id, delivered);
        refs.push({ webhookId: endpoint._id, eventId: delivered.id, eventType: delivered.type });
      }
    }
    if (refs.length === 0) return;
    await this.deps.webhooks.insertEvents(
      [...stored.values()].map((e) => ({ _id: e.id, type: e.type, occurredAt: e.occurredAt, data: e.data, attributes: e.attributes })),
    );
    // Log entries first, so a delivery is visible as PENDING from the moment its job exists.
    await this.deps.webhooks.insertDeliveries(refs.map((r) => ({ _id: deliveryId(r.webhookId, r.eventId), ...r })));
    try {
      await this.deps.queue.enqueue(refs.map(({ webhookId, eventId }) => ({ webhookId, eventId })));
      this.deps.log.debug({ events: events.length, deliveries: refs.length }, 'webhook deliveries enqueued');
    } catch (err) {
      this.deps.log.warn(
        { err: (err as Error).message, deliveries: refs.length },
        'webhook deliveries logged but not enqueued; the outbox drain will send them',
      );
    }
  }
}

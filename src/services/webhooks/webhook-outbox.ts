/**
 * The outbox drain: a repeatable worker round that enqueues deliveries still PENDING some seconds
 * after they were logged — those whose enqueue failed (Redis down at commit time) or was lost.
 * Job ids are derived from the delivery (endpoint and event), so re-enqueueing one whose job
 * exists already is a no-op, and every logged delivery is sent once.
 */
import type { Logger } from '../../logger.js';
import type { WebhookRepository } from '../../../models/webhook/webhook.repository.js';
import type { WebhookDeliveryQueue } from './ports.js';

export interface WebhookOutboxDeps {
  webhooks: WebhookRepository;
  queue: WebhookDeliveryQueue;
  /** Rows younger than this are left to the publisher's own enqueue. */
  afterSeconds: number;
  /** Most rows one round enqueues (oldest first); the next round takes the rest. */
  batchSize: number;
  log: Logger;
  now?: () => Date;
}

export class WebhookOutbox {
  constructor(private readonly deps: WebhookOutboxDeps) {}

  async drain(): Promise<{ enqueued: number }> {
    const { webhooks, queue, afterSeconds, batchSize, log } = this.deps;
    const now = this.deps.now?.() ?? new Date();
    const pending = await webhooks.findPendingBefore(new Date(now.getTime() - afterSeconds * 1000), batchSize);
    if (pending.length === 0) return { enqueued: 0 };
    await queue.enqueue(pending.map(({ webhookId, eventId }) => ({ webhookId, eventId })));
    log.debug({ enqueued: pending.length }, 'webhook outbox drained');
    return { enqueued: pending.length };
  }
}

/** The BullMQ side of the webhook delivery queue port: one job per endpoint and event, ids only. */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DeliveryRef, WebhookDeliveryQueue } from '../src/services/webhooks/ports.js';
import { webhookJobId, webhookJobOptions } from './options.js';
import { JOBS, QUEUES, type DeliverWebhookPayload } from './queues.js';
import { producerQueue } from './producer-queue.js';

/** addBulk runs in one Redis round trip per chunk. */
const CHUNK = 500;

export class BullWebhookQueue implements WebhookDeliveryQueue {
  readonly queue: Queue<DeliverWebhookPayload>;

  constructor(
    connection: Redis,
    prefix: string,
    private readonly retry: { attempts: number; backoffMs: number },
  ) {
    this.queue = producerQueue<DeliverWebhookPayload>(QUEUES.webhooks, { connection, prefix });
  }

  async enqueue(refs: DeliveryRef[]): Promise<void> {
    const opts = webhookJobOptions(this.retry.attempts, this.retry.backoffMs);
    for (let i = 0; i < refs.length; i += CHUNK) {
      await this.queue.addBulk(
        refs.slice(i, i + CHUNK).map(({ webhookId, eventId }) => ({
          name: JOBS.deliverWebhook,
          data: { webhookId, eventId },
          opts: { ...opts, jobId: webhookJobId(webhookId, eventId) },
        })),
      );
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

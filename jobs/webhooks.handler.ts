/** The webhook delivery job: one signed attempt; throws so BullMQ retries, or stops for good. */
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import {
  DeliveryCancelledError,
  DeliveryInterruptedError,
  type WebhookDeliveryService,
} from '../src/services/webhooks/webhook-delivery.service.js';
import { metrics } from '../src/metrics.js';
import type { DeliverWebhookPayload } from './queues.js';

/** A delivery cut short by a shutdown is sent again this much later (by this or another worker). */
const RESEND_AFTER_SHUTDOWN_MS = 1_000;

export function createWebhookHandler(deliveries: WebhookDeliveryService) {
  return async (job: Job<DeliverWebhookPayload>, token?: string): Promise<string> => {
    const ref = { webhookId: String(job.data.webhookId), eventId: String(job.data.eventId) };
    const attempt = job.attemptsMade + 1;
    const maxAttempts = job.opts.attempts ?? 1;
    try {
      const outcome = await deliveries.deliver(ref, { attempt, maxAttempts });
      if (outcome === 'delivered') metrics.webhookDeliveries.inc({ outcome: 'delivered' });
      return outcome;
    } catch (err) {
      // Not the receiver's doing: back to the queue without using up one of its attempts.
      if (err instanceof DeliveryInterruptedError && token) {
        await job.moveToDelayed(Date.now() + RESEND_AFTER_SHUTDOWN_MS, token);
        throw new DelayedError(err.message);
      }
      // Endpoint deleted or disabled, event gone: retrying cannot help.
      if (err instanceof DeliveryCancelledError) {
        metrics.webhookDeliveries.inc({ outcome: 'cancelled' });
        throw new UnrecoverableError(err.message);
      }
      metrics.webhookDeliveries.inc({ outcome: attempt >= maxAttempts ? 'gave_up' : 'failed' });
      throw err;
    }
  };
}

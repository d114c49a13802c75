/** What the webhook services need from the job queue (BullMQ in production: jobs/webhooks.queue.ts). */

export interface DeliveryRef {
  webhookId: string;
  eventId: string;
}

export interface WebhookDeliveryQueue {
  /** One delivery job per ref; a ref whose job exists already is collapsed into it. */
  enqueue(refs: DeliveryRef[]): Promise<void>;
}

/** The delay BullMQ's exponential backoff waits after failed attempt `attempt` (1-based). */
export function retryDelayMs(backoffMs: number, attempt: number): number {
  return Math.round(2 ** (attempt - 1) * backoffMs);
}

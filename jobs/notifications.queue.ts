/** The BullMQ side of the notification queue port: one send job per delivery row, the row id as the (hashed) job id. */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { NotificationQueue } from '../src/services/notifications/notification.service.js';
import { notificationJobId, notificationJobOptions } from './options.js';
import { JOBS, QUEUES, type SendNotificationPayload } from './queues.js';
import { producerQueue } from './producer-queue.js';

export class BullNotificationQueue implements NotificationQueue {
  private readonly queue: Queue<SendNotificationPayload>;

  constructor(
    connection: Redis,
    prefix: string,
    private readonly retry: { attempts: number; backoffMs: number },
  ) {
    this.queue = producerQueue<SendNotificationPayload>(QUEUES.notifications, { connection, prefix });
  }

  async enqueue(deliveryIds: readonly string[]): Promise<void> {
    if (!deliveryIds.length) return;
    const opts = notificationJobOptions(this.retry.attempts, this.retry.backoffMs);
    await this.queue.addBulk(
      deliveryIds.map((deliveryId) => ({
        name: JOBS.sendNotification,
        data: { deliveryId },
        opts: { ...opts, jobId: notificationJobId(deliveryId) },
      })),
    );
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/**
 * The notifications queue's handler: the repeatable round gathers due digests and (re-)queues
 * every PENDING message; each send job sends one message on one channel through the notification
 * service. Queue, options and schedule are in jobs/registry.ts.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import type { NotificationQueue, NotificationService } from '../src/services/notifications/notification.service.js';
import { JOBS, type SendNotificationPayload } from './queues.js';

type NotificationsPayload = SendNotificationPayload | Record<string, never>;

export function createNotificationsHandler(notifications: NotificationService, queue: NotificationQueue) {
  return async (job: Job<NotificationsPayload>): Promise<unknown> => {
    if (job.name === JOBS.notificationRound) {
      const due = await notifications.round();
      // Job ids are the row ids: a row whose job is still queued or retrying is not queued twice.
      await queue.enqueue(due);
      return { due: due.length };
    }
    if (job.name === JOBS.sendNotification) {
      const { deliveryId } = job.data as SendNotificationPayload;
      return notifications.send(deliveryId, job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
    }
    throw new UnrecoverableError(`unknown notifications job "${job.name}"`);
  };
}

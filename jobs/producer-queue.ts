/**
 * A BullMQ queue that only adds jobs. Its connection's errors are the shared Redis connection's,
 * logged where that connection is made; a Queue without an 'error' listener would throw them
 * instead (e.g. an init cut by a close right after start, as an unhandled rejection).
 */
import { Queue, type QueueOptions } from 'bullmq';

export function producerQueue<T>(name: string, options: QueueOptions): Queue<T> {
  const queue = new Queue<T>(name, options);
  queue.on('error', () => undefined);
  return queue;
}

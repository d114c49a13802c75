/**
 * Stopping BullMQ workers within a grace period. Running jobs get the grace; past it they are
 * abandoned (their locks lapse and the stalled-job check hands them to a worker again; jobs are
 * idempotent). A worker's own connection is disconnected only once that worker has closed, even
 * long after the grace: a job that finishes after its connection was cut makes BullMQ retry the
 * job's completion in a loop that skips its retry delay while closing, spinning the CPU for good
 * (a test process or a bench stayed busy for minutes). Left open, the late job completes normally
 * and the worker then closes and its connection with it.
 */
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { within } from '../src/shutdown.js';

export interface OwnedWorker {
  worker: Worker;
  /** The connection this worker was given and nobody else uses. */
  connection: Redis;
}

/** 'closed' when every worker closed within `graceMs` (no limit when undefined), else 'timeout'. */
export async function closeWorkers(workers: readonly OwnedWorker[], graceMs?: number): Promise<'closed' | 'timeout'> {
  const closing = Promise.allSettled(workers.map(({ worker, connection }) => worker.close().finally(() => connection.disconnect())));
  if (graceMs === undefined) {
    await closing;
    return 'closed';
  }
  return (await within(closing, graceMs)) === 'done' ? 'closed' : 'timeout';
}

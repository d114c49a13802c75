/**
 * The dispatch queue: the repeatable survey planner tick. Self-contained (queue, job name, scheduler,
 * handler) so it can move into the job catalogue as one piece. The handler only calls the planner;
 * every worker upserts the same scheduler id, and the planner itself claims each tick once.
 */
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../src/logger.js';
import type { DispatchPlanner } from '../src/services/programme/dispatch-planner.js';
import { REPEATABLE_ROUND_OPTIONS } from './options.js';

export const DISPATCH_QUEUE = 'dispatch';
export const DISPATCH_PLAN_JOB = 'dispatch-plan';
export const DISPATCH_SCHEDULER_ID = 'dispatch-plan-round';

export type DispatchPlanPayload = Record<string, never>;

export function createDispatchHandler(planner: DispatchPlanner) {
  return async (job: Job<DispatchPlanPayload>): Promise<unknown> => {
    if (job.name !== DISPATCH_PLAN_JOB) throw new UnrecoverableError(`unknown dispatch job "${job.name}"`);
    return (await planner.tick()) ?? { planned: 'by another worker' };
  };
}

export interface DispatchJobsDeps {
  planner: DispatchPlanner;
  /** Blocking-tolerant connections (maxRetriesPerRequest: null): one for the worker, one for the queue. */
  workerConnection: Redis;
  queueConnection: Redis;
  prefix: string;
  everySeconds: number;
  lockOptions: { lockDuration: number; stalledInterval: number; maxStalledCount: number };
  log: Logger;
}

export async function startDispatchJobs({
  planner,
  workerConnection,
  queueConnection,
  prefix,
  everySeconds,
  lockOptions,
  log,
}: DispatchJobsDeps) {
  const queue = new Queue<DispatchPlanPayload>(DISPATCH_QUEUE, { connection: queueConnection, prefix });
  const worker = new Worker<DispatchPlanPayload>(DISPATCH_QUEUE, createDispatchHandler(planner), {
    connection: workerConnection,
    prefix,
    concurrency: 1,
    ...lockOptions,
  });
  worker.on('failed', (job, err) => log.warn({ job: job?.name, jobId: job?.id, err: err.message }, 'dispatch job failed'));
  worker.on('error', (err) => log.warn({ err: err.message }, 'dispatch worker error'));
  await queue.upsertJobScheduler(
    DISPATCH_SCHEDULER_ID,
    { every: everySeconds * 1000 },
    { name: DISPATCH_PLAN_JOB, data: {}, opts: REPEATABLE_ROUND_OPTIONS },
  );
  return {
    async close() {
      await worker.close();
      await queue.close().catch(() => undefined);
    },
  };
}

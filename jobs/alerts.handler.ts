/**
 * The alerts queue: the repeatable SLA sweep. The handler only calls the alert service; the
 * small starter below runs its worker and upserts the job scheduler (interval from config).
 */
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../src/logger.js';
import { metrics } from '../src/metrics.js';
import type { AlertService } from '../src/services/alerts/alert.service.js';
import { REPEATABLE_ROUND_OPTIONS, ALERT_SLA_SCHEDULER_ID } from './options.js';
import { JOBS, QUEUES, type AlertSlaCheckPayload } from './queues.js';

export function createAlertsHandler(alerts: AlertService) {
  return async (job: Job<AlertSlaCheckPayload>): Promise<unknown> => {
    if (job.name !== JOBS.alertSlaCheck) throw new UnrecoverableError(`unknown alerts job "${job.name}"`);
    const result = await alerts.flagBreaches();
    metrics.slaBreaches.inc(result.breached);
    return result;
  };
}

export interface AlertJobsDeps {
  alerts: AlertService;
  /** Blocking-tolerant connections (maxRetriesPerRequest: null): one for the worker, one for the queue. */
  workerConnection: Redis;
  queueConnection: Redis;
  prefix: string;
  everySeconds: number;
  lockOptions: { lockDuration: number; stalledInterval: number; maxStalledCount: number };
  log: Logger;
}

export async function startAlertJobs({ alerts, workerConnection, queueConnection, prefix, everySeconds, lockOptions, log }: AlertJobsDeps) {
  const queue = new Queue<AlertSlaCheckPayload>(QUEUES.alerts, { connection: queueConnection, prefix });
  const worker = new Worker<AlertSlaCheckPayload>(QUEUES.alerts, createAlertsHandler(alerts), { connection: workerConnection, prefix, concurrency: 1, ...lockOptions });
  worker.on('failed', (job, err) => log.warn({ job: job?.name, jobId: job?.id, err: err.message }, 'alerts job failed'));
  worker.on('error', (err) => log.warn({ err: err.message }, 'alerts worker error'));
  await queue.upsertJobScheduler(ALERT_SLA_SCHEDULER_ID, { every: everySeconds * 1000 }, { name: JOBS.alertSlaCheck, data: {}, opts: REPEATABLE_ROUND_OPTIONS });
  return {
    async close() {
      await worker.close();
      await queue.close().catch(() => undefined);
    },
  };
}

/**
 * The reports queue: a repeatable due-check that enqueues one send job per due delivery, and
 * the send jobs. Handlers only call the report delivery service.
 */
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../src/logger.js';
import type { ReportDeliveryService } from '../src/services/reports/report-delivery.service.js';
import { REPEATABLE_ROUND_OPTIONS, REPORT_SCHEDULE_SCHEDULER_ID, reportJobId, reportJobOptions } from './options.js';
import { JOBS, QUEUES, type SendReportPayload } from './queues.js';

type ReportsPayload = SendReportPayload | Record<string, never>;

export interface ReportJobsDeps {
  deliveries: ReportDeliveryService;
  workerConnection: Redis;
  queueConnection: Redis;
  prefix: string;
  everySeconds: number;
  attempts: number;
  backoffMs: number;
  lockOptions: { lockDuration: number; stalledInterval: number; maxStalledCount: number };
  log: Logger;
}

export async function startReportJobs({
  deliveries,
  workerConnection,
  queueConnection,
  prefix,
  everySeconds,
  attempts,
  backoffMs,
  lockOptions,
  log,
}: ReportJobsDeps) {
  const queue = new Queue<ReportsPayload>(QUEUES.reports, { connection: queueConnection, prefix });
  const handler = async (job: Job<ReportsPayload>): Promise<unknown> => {
    if (job.name === JOBS.reportSchedule) {
      const due = await deliveries.due();
      // Same job id for the same delivery: a round that finds it still due adds nothing.
      await queue.addBulk(
        due.map((d) => ({
          name: JOBS.sendReport,
          data: d,
          opts: { ...reportJobOptions(attempts, backoffMs), jobId: reportJobId(d.subscriptionId, d.period) },
        })),
      );
      return { due: due.length };
    }
    if (job.name === JOBS.sendReport) {
      const { subscriptionId, period } = job.data as SendReportPayload;
      return deliveries.send(subscriptionId, period, job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
    }
    throw new UnrecoverableError(`unknown reports job "${job.name}"`);
  };
  const worker = new Worker<ReportsPayload>(QUEUES.reports, handler, {
    connection: workerConnection,
    prefix,
    concurrency: 4,
    ...lockOptions,
  });
  worker.on('failed', (job, err) => log.warn({ job: job?.name, jobId: job?.id, err: err.message }, 'reports job failed'));
  worker.on('error', (err) => log.warn({ err: err.message }, 'reports worker error'));
  await queue.upsertJobScheduler(
    REPORT_SCHEDULE_SCHEDULER_ID,
    { every: everySeconds * 1000 },
    { name: JOBS.reportSchedule, data: {}, opts: REPEATABLE_ROUND_OPTIONS },
  );
  return {
    async close() {
      await worker.close();
      await queue.close().catch(() => undefined);
    },
  };
}

/**
 * The reports queue's handler: the repeatable due-check enqueues one send job per due delivery,
 * and each send job calls the report delivery service. Queue, options and schedule are in
 * jobs/registry.ts.
 */
import { UnrecoverableError, type Job, type JobsOptions, type Queue } from 'bullmq';
import type { ReportDeliveryService } from '../src/services/reports/report-delivery.service.js';
import { reportJobId } from './options.js';
import { JOBS, type SendReportPayload } from './queues.js';

type ReportsPayload = SendReportPayload | Record<string, never>;

export function createReportsHandler(deliveries: ReportDeliveryService, queue: Queue, sendOptions: JobsOptions) {
  return async (job: Job<ReportsPayload>): Promise<unknown> => {
    if (job.name === JOBS.reportSchedule) {
      const due = await deliveries.due();
      // One job id per subscription and period: a due-check that runs twice enqueues each send once.
      await queue.addBulk(
        due.map((d) => ({ name: JOBS.sendReport, data: d, opts: { ...sendOptions, jobId: reportJobId(d.subscriptionId, d.period) } })),
      );
      return { due: due.length };
    }
    if (job.name === JOBS.sendReport) {
      const { subscriptionId, period } = job.data as SendReportPayload;
      return deliveries.send(subscriptionId, period, job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
    }
    throw new UnrecoverableError(`unknown reports job "${job.name}"`);
  };
}

/**
 * The job catalogue: every queue with its handler, job options, concurrency and schedules, and the
 * payload of every job name. jobs/worker.ts loops over it; nothing else starts a worker or a
 * schedule. Schedules are asserted when a worker starts and again every
 * VERBATIM_SCHEDULES_EVERY_SECONDS, so a Redis that lost its data (a failover to an empty replica)
 * gets its reconciler, outbox drain and sweeps back without a restart.
 */
import type { JobsOptions, Processor, Queue } from 'bullmq';
import type { Config } from '../src/config.js';
import {
  ALERT_SLA_SCHEDULER_ID,
  ANALYSIS_JOB_OPTIONS,
  BACKFILL_JOB_OPTIONS,
  DISPATCH_SCHEDULER_ID,
  NOTIFICATION_ROUND_SCHEDULER_ID,
  notificationJobOptions,
  PRUNE_WEBHOOK_LOG_EVERY_MS,
  PRUNE_WEBHOOK_LOG_SCHEDULER_ID,
  RECONCILE_SCHEDULER_ID,
  REPEATABLE_ROUND_OPTIONS,
  REPORT_SCHEDULE_SCHEDULER_ID,
  reportJobOptions,
  TRAIN_ADAPTER_EVERY_MS,
  TRAIN_ADAPTER_SCHEDULER_ID,
  WEBHOOK_OUTBOX_SCHEDULER_ID,
  webhookJobOptions,
} from './options.js';
import {
  JOBS,
  QUEUES,
  type AlertSlaCheckPayload,
  type AnalyzeResponsePayload,
  type DeliverWebhookPayload,
  type ReconcilePayload,
  type SendNotificationPayload,
  type SendReportPayload,
  type TaxonomyBackfillPayload,
} from './queues.js';

/** The payload of every job name. */
interface JobPayloads {
  [JOBS.analyzeResponse]: AnalyzeResponsePayload;
  [JOBS.reconcile]: ReconcilePayload;
  [JOBS.taxonomyBackfill]: TaxonomyBackfillPayload;
  [JOBS.pruneWebhookLog]: Record<string, never>;
  [JOBS.drainWebhookOutbox]: Record<string, never>;
  [JOBS.trainAdapter]: Record<string, never>;
  [JOBS.deliverWebhook]: DeliverWebhookPayload;
  [JOBS.alertSlaCheck]: AlertSlaCheckPayload;
  [JOBS.reportSchedule]: Record<string, never>;
  [JOBS.sendReport]: SendReportPayload;
  [JOBS.dispatchPlan]: Record<string, never>;
  [JOBS.notificationRound]: Record<string, never>;
  [JOBS.sendNotification]: SendNotificationPayload;
}

type JobName = keyof JobPayloads;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** The handler of each queue, built by the worker from the services. */
export type QueueHandlers = Record<QueueName, Processor>;

export interface QueueEntry {
  queue: QueueName;
  /** The jobs this queue runs, each with the options it is added with. */
  jobs(config: Config): Partial<Record<JobName, JobsOptions>>;
  /** Jobs one worker process runs at once. */
  concurrency(config: Config): number;
}

/** A repeatable round: one job scheduler per id, whatever the number of workers that assert it. */
export interface ScheduleEntry {
  id: string;
  queue: QueueName;
  job: JobName;
  everyMs(config: Config): number;
}

/** Maintenance jobs at once: a long backfill must not hold up reconciler rounds. */
const MAINTENANCE_CONCURRENCY = 2;

export const QUEUE_CATALOGUE: readonly QueueEntry[] = [
  {
    queue: QUEUES.analysis,
    jobs: () => ({ [JOBS.analyzeResponse]: ANALYSIS_JOB_OPTIONS }),
    // Jobs in flight are what a batch is coalesced from: room for one batch filling while another is written.
    concurrency: (config) => Math.max(config.VERBATIM_WORKER_CONCURRENCY, 2 * config.VERBATIM_ANALYSIS_BATCH),
  },
  {
    queue: QUEUES.maintenance,
    jobs: () => ({
      [JOBS.reconcile]: REPEATABLE_ROUND_OPTIONS,
      [JOBS.taxonomyBackfill]: BACKFILL_JOB_OPTIONS,
      [JOBS.pruneWebhookLog]: REPEATABLE_ROUND_OPTIONS,
      [JOBS.drainWebhookOutbox]: REPEATABLE_ROUND_OPTIONS,
      [JOBS.trainAdapter]: REPEATABLE_ROUND_OPTIONS,
    }),
    concurrency: () => MAINTENANCE_CONCURRENCY,
  },
  {
    queue: QUEUES.webhooks,
    jobs: (config) => ({ [JOBS.deliverWebhook]: webhookJobOptions(config.VERBATIM_WEBHOOK_ATTEMPTS, config.VERBATIM_WEBHOOK_BACKOFF_MS) }),
    concurrency: (config) => config.VERBATIM_WEBHOOK_CONCURRENCY,
  },
  {
    queue: QUEUES.alerts,
    jobs: () => ({ [JOBS.alertSlaCheck]: REPEATABLE_ROUND_OPTIONS }),
    // One sweep at a time is enough: it is a scan of open alerts.
    concurrency: () => 1,
  },
  {
    queue: QUEUES.reports,
    jobs: (config) => ({
      [JOBS.reportSchedule]: REPEATABLE_ROUND_OPTIONS,
      [JOBS.sendReport]: reportJobOptions(config.VERBATIM_REPORT_ATTEMPTS, config.VERBATIM_REPORT_BACKOFF_MS),
    }),
    // Sends wait on SMTP servers, not on the CPU.
    concurrency: () => 4,
  },
  {
    queue: QUEUES.dispatch,
    jobs: () => ({ [JOBS.dispatchPlan]: REPEATABLE_ROUND_OPTIONS }),
    // The planner claims each tick once anyway; one at a time keeps ticks in order.
    concurrency: () => 1,
  },
  {
    queue: QUEUES.notifications,
    jobs: (config) => ({
      [JOBS.notificationRound]: REPEATABLE_ROUND_OPTIONS,
      [JOBS.sendNotification]: notificationJobOptions(config.VERBATIM_NOTIFY_ATTEMPTS, config.VERBATIM_NOTIFY_BACKOFF_MS),
    }),
    // Sends wait on SMTP servers and chat services, not on the CPU.
    concurrency: () => 4,
  },
];

export const SCHEDULE_CATALOGUE: readonly ScheduleEntry[] = [
  {
    id: RECONCILE_SCHEDULER_ID,
    queue: QUEUES.maintenance,
    job: JOBS.reconcile,
    everyMs: (config) => config.VERBATIM_RECONCILE_EVERY_SECONDS * 1000,
  },
  {
    id: WEBHOOK_OUTBOX_SCHEDULER_ID,
    queue: QUEUES.maintenance,
    job: JOBS.drainWebhookOutbox,
    everyMs: (config) => config.VERBATIM_WEBHOOK_OUTBOX_EVERY_SECONDS * 1000,
  },
  { id: TRAIN_ADAPTER_SCHEDULER_ID, queue: QUEUES.maintenance, job: JOBS.trainAdapter, everyMs: () => TRAIN_ADAPTER_EVERY_MS },
  { id: PRUNE_WEBHOOK_LOG_SCHEDULER_ID, queue: QUEUES.maintenance, job: JOBS.pruneWebhookLog, everyMs: () => PRUNE_WEBHOOK_LOG_EVERY_MS },
  {
    id: ALERT_SLA_SCHEDULER_ID,
    queue: QUEUES.alerts,
    job: JOBS.alertSlaCheck,
    everyMs: (config) => config.VERBATIM_SLA_CHECK_EVERY_SECONDS * 1000,
  },
  {
    id: REPORT_SCHEDULE_SCHEDULER_ID,
    queue: QUEUES.reports,
    job: JOBS.reportSchedule,
    everyMs: (config) => config.VERBATIM_REPORT_CHECK_EVERY_SECONDS * 1000,
  },
  {
    id: DISPATCH_SCHEDULER_ID,
    queue: QUEUES.dispatch,
    job: JOBS.dispatchPlan,
    everyMs: (config) => config.VERBATIM_DISPATCH_EVERY_SECONDS * 1000,
  },
  {
    id: NOTIFICATION_ROUND_SCHEDULER_ID,
    queue: QUEUES.notifications,
    job: JOBS.notificationRound,
    everyMs: (config) => config.VERBATIM_NOTIFY_CHECK_EVERY_SECONDS * 1000,
  },
];

/**
 * Upserts every schedule (idempotent: same id, one schedule). An upsert with an unchanged interval
 * keeps the schedule's slots (BullMQ recomputes them only when `every` changes), so asserting
 * often never delays or repeats a round.
 */
export async function assertSchedules(queueFor: (name: QueueName) => Queue, config: Config): Promise<void> {
  for (const schedule of SCHEDULE_CATALOGUE) {
    const opts = QUEUE_CATALOGUE.find((q) => q.queue === schedule.queue)?.jobs(config)[schedule.job] ?? REPEATABLE_ROUND_OPTIONS;
    await queueFor(schedule.queue).upsertJobScheduler(
      schedule.id,
      { every: schedule.everyMs(config) },
      { name: schedule.job, data: {}, opts },
    );
  }
}

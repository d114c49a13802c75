/** Job ids, retries, backoff, history bounds and worker lock settings, in one place. */
import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { RoundPacing } from './round-pacer.js';

/**
 * One job per response and analysis revision: re-enqueueing the same pair collapses into the
 * existing job, a new revision (taxonomy change) gets a new one. BullMQ forbids ':' in ids.
 */
export function analysisJobId(responseId: string, revision: number): string {
  return `analyze-${responseId}-r${revision}`;
}

/** One backfill job per taxonomy version. */
export function backfillJobId(version: number): string {
  return `backfill-v${version}`;
}

/** The reconciler's job scheduler: upserting it from every worker keeps exactly one schedule. */
export const RECONCILE_SCHEDULER_ID = 'reconcile';

/** The hourly pruning of the webhook delivery log, one schedule however many workers upsert it. */
export const PRUNE_WEBHOOK_LOG_SCHEDULER_ID = 'prune-webhook-log';
export const PRUNE_WEBHOOK_LOG_EVERY_MS = 3_600_000;
/** The corrections adapter is retrained at most this often (a round with no new corrections does nothing). */
export const TRAIN_ADAPTER_SCHEDULER_ID = 'train-corrections-adapter';
export const TRAIN_ADAPTER_EVERY_MS = 600_000;

/** The webhook outbox drain (every VERBATIM_WEBHOOK_OUTBOX_EVERY_SECONDS), one schedule however many workers upsert it. */
export const WEBHOOK_OUTBOX_SCHEDULER_ID = 'webhook-outbox';
/** Most PENDING deliveries one drain round enqueues. */
export const WEBHOOK_OUTBOX_BATCH = 1_000;

/**
 * One delivery job per endpoint and event, so a re-published event collapses into its job. Event
 * ids may hold ':' (forbidden in job ids), hence the hash.
 */
export function webhookJobId(webhookId: string, eventId: string): string {
  return `wh-${webhookId}-${createHash('sha256').update(eventId).digest('hex').slice(0, 32)}`;
}

/** Retries double from `backoffMs`: with the defaults (14 attempts, 10 s) they span about 23 hours. */
export function webhookJobOptions(attempts: number, backoffMs: number): JobsOptions {
  return {
    attempts,
    backoff: { type: 'exponential', delay: backoffMs },
    // Kept a week: a re-published event within that time still finds its job (the log guards beyond).
    removeOnComplete: { age: 7 * 86_400, count: 50_000 },
    removeOnFail: { age: 30 * 86_400, count: 50_000 },
  };
}

export const ANALYSIS_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  // Bounded history: enough to inspect recent work without growing Redis forever.
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 86_400, count: 10_000 },
};

export const BACKFILL_JOB_OPTIONS: JobsOptions = {
  // A backfill resumes from its saved scan position, so retrying is always safe.
  attempts: 10,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 7 * 86_400, count: 1_000 },
  removeOnFail: { age: 30 * 86_400, count: 1_000 },
};

/** The SLA sweep's job scheduler (one schedule however many workers upsert it). */
export const ALERT_SLA_SCHEDULER_ID = 'alert-sla-check';

/**
 * The reconciler's rounds take at most a tenth of the time (jobs/round-pacer.ts): where its scans
 * are slow (the embedded FerretDB decodes every response for them) the rounds after a slow one
 * are skipped, for at most 30 minutes; rounds under a second never rest.
 */
export const RECONCILE_PACING: RoundPacing = { share: 0.1, maxRestMs: 30 * 60_000, minPacedMs: 1_000 };

/**
 * The SLA sweep's rounds take at most a fifth of the time: on the embedded FerretDB its two alert
 * queries decode every alert. A breach is flagged at most 5 minutes late (SLAs run in hours); rounds
 * under a second (MongoDB's indexes, small data) never rest.
 */
export const SLA_SWEEP_PACING: RoundPacing = { share: 0.2, maxRestMs: 5 * 60_000, minPacedMs: 1_000 };

/**
 * Every repeatable round (reconciler, SLA sweep, webhook outbox drain and log pruning): one attempt, because the next
 * round comes soon and each round is idempotent (conditional writes), so a skipped one loses nothing.
 */
export const REPEATABLE_ROUND_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 100 },
};

/**
 * Lock and stall settings of every worker. The lock is renewed every lockDuration/2 while a job
 * runs; a worker that dies leaves its jobs locked until the lock expires, then the stalled check
 * (every stalledInterval) moves them back to waiting. maxStalledCount > 1 so one crash never
 * fails a job, while a job that keeps killing its worker still ends up failed.
 */
export function workerLockOptions(lockSeconds: number) {
  const lockDuration = lockSeconds * 1000;
  return { lockDuration, stalledInterval: lockDuration, maxStalledCount: 2 };
}

/** The report due-check's job scheduler (one schedule however many workers upsert it). */
export const REPORT_SCHEDULE_SCHEDULER_ID = 'report-schedule';
export const DISPATCH_SCHEDULER_ID = 'dispatch-plan-round';

/** One send job per subscription and period (the delivery log is the lasting guard). */
export function reportJobId(subscriptionId: string, period: string): string {
  return `report-${subscriptionId}-${period}`;
}

/** Retries double from `backoffMs`; per recipient, so one failing address never holds up another. */
export function reportJobOptions(attempts: number, backoffMs: number): JobsOptions {
  return {
    attempts,
    backoff: { type: 'exponential', delay: backoffMs },
    removeOnComplete: { age: 7 * 86_400, count: 10_000 },
    removeOnFail: { age: 30 * 86_400, count: 10_000 },
  };
}

/** The notification round's job scheduler (digests and re-queueing; one schedule however many workers upsert it). */
export const NOTIFICATION_ROUND_SCHEDULER_ID = 'notification-round';

/** One send job per delivery row; row ids hold '|' and ':' (forbidden in job ids), hence the hash. */
export function notificationJobId(deliveryId: string): string {
  return `ntf-${createHash('sha256').update(deliveryId).digest('hex').slice(0, 32)}`;
}

/** Retries double from `backoffMs`, per message, so one failing channel or recipient never holds up another. */
export function notificationJobOptions(attempts: number, backoffMs: number): JobsOptions {
  return {
    attempts,
    backoff: { type: 'exponential', delay: backoffMs },
    // Kept a week: a re-queued row within that time collapses into its job (the row's status guards beyond).
    removeOnComplete: { age: 7 * 86_400, count: 50_000 },
    removeOnFail: { age: 30 * 86_400, count: 50_000 },
  };
}

/**
 * The worker role: one BullMQ worker per queue of the job catalogue (jobs/registry.ts: handlers,
 * concurrency, schedules), built on the services; the schedules are re-asserted periodically.
 *
 * Analysis runs in-process rather than in sandboxed processors: one verbatim takes about 1 ms of
 * CPU (a 5,000-character one under 10 ms), so the event loop, and with it lock renewal, is never
 * blocked for long, and concurrency overlaps the database round trips that dominate a job.
 * bench/pipeline.ts measures both; see the numbers in docs/pipeline.md.
 */
import { Worker, type Job, type Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../src/config.js';
import type { Logger } from '../src/logger.js';
import type { AnalysisService } from '../src/services/pipeline/analysis.service.js';
import { analyzerFactoryFromConfig } from '../src/services/pipeline/analysis-engine.js';
import { CurrentTaxonomy } from '../src/services/pipeline/current-taxonomy.js';
import type { Services } from '../src/services/index.js';
import { ReconcilerService } from '../src/services/pipeline/reconciler.service.js';
import type { Database } from '../models/database.js';
import { metrics, observeJobMetrics } from '../src/metrics.js';
import { within } from '../src/shutdown.js';
import { closeWorkers, type OwnedWorker } from './close-workers.js';
import { analysisBatchOptions, createAnalysisHandler, isFinalFailure } from './analysis.handler.js';
import { BullAnalysisScheduler } from './analysis.scheduler.js';
import { createMaintenanceHandler } from './maintenance.handler.js';
import { createWebhookHandler } from './webhooks.handler.js';
import { createAlertsHandler } from './alerts.handler.js';
import { createReportsHandler } from './reports.handler.js';
import { createDispatchHandler } from './dispatch.job.js';
import { createNotificationsHandler } from './notifications.handler.js';
import { BullNotificationQueue } from './notifications.queue.js';
import { assertSchedules, QUEUE_CATALOGUE, type QueueHandlers, type QueueName } from './registry.js';
import { WebhookDeliveryService } from '../src/services/webhooks/webhook-delivery.service.js';
import { SecretBox } from '../src/services/webhooks/secret-box.js';
import { targetPolicyFor } from '../src/services/webhooks/target-policy.js';
import { RECONCILE_PACING, reportJobOptions, SLA_SWEEP_PACING, WEBHOOK_OUTBOX_BATCH, workerLockOptions } from './options.js';
import { RoundPacer } from './round-pacer.js';
import { BullWebhookQueue } from './webhooks.queue.js';
import { WebhookOutbox } from '../src/services/webhooks/webhook-outbox.js';
import { QUEUES, type AnalyzeResponsePayload } from './queues.js';
import { producerQueue } from './producer-queue.js';

export interface WorkerDeps {
  config: Config;
  db: Database;
  redisUrl: string;
  services: Services;
  /** The analysis service with the after-analysis hooks, from the composition root (src/composition.ts). */
  analysisFor: (taxonomy: CurrentTaxonomy) => AnalysisService;
  log: Logger;
}

export interface RunningWorkers {
  analysis: AnalysisService;
  /** Stops taking jobs; running ones get `graceMs` (if given), then are abandoned to be retried. */
  close(graceMs?: number): Promise<void>;
}

export async function startWorkers({ config, db, redisUrl, services, analysisFor, log }: WorkerDeps): Promise<RunningWorkers> {
  const prefix = config.VERBATIM_QUEUE_PREFIX;
  // Workers block on Redis and must retry forever while it is down (BullMQ's requirement).
  const connections: Redis[] = [];
  const connect = (name: string) => {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: null, connectionName: `verbatim-${name}` });
    redis.on('error', (err) => log.debug({ err: err.message, connection: name }, 'worker redis connection error'));
    connections.push(redis);
    return redis;
  };

  // The scheduler's connection also carries the pacers' keys (reconciler, SLA sweep; no blocking commands on it).
  const queueConnection = connect('worker-queue');
  const queue = new BullAnalysisScheduler(queueConnection, prefix);
  const currentTaxonomy = new CurrentTaxonomy(
    services.taxonomy,
    analyzerFactoryFromConfig(config, (message) => log.warn(message)),
  );
  // Fail at start, not on the first job, when the configured engine cannot load (missing model files).
  await currentTaxonomy.get();
  const analysis = analysisFor(currentTaxonomy);
  const reconciler = new ReconcilerService({
    responses: db.responseAnalysis,
    openEffects: db.openEffects,
    backfills: services.backfills,
    queue,
    effects: analysis,
    staleAfterSeconds: config.VERBATIM_RECONCILE_AFTER_SECONDS,
    log,
  });
  // Worker-side backfills schedule through the worker's own (blocking-tolerant) connection.
  const backfills = services.backfills.withQueue(queue);

  await services.taxonomy.ensureSeeded();
  const locks = workerLockOptions(config.VERBATIM_JOB_LOCK_SECONDS);

  const onAnalysisFailed = async (job: Job<AnalyzeResponsePayload>, err: Error) => {
    const ref = { responseId: String(job.data.responseId), revision: Number(job.data.revision) };
    const final = await isFinalFailure(job);
    metrics.analysisFailures.inc({ final: String(final) });
    if (!final) {
      log.debug(
        { ...ref, attempt: job.attemptsMade, err: err.message, requestId: job.data.requestId },
        'analysis attempt failed; will retry',
      );
      return;
    }
    const marked = await analysis.giveUp(ref, err.message);
    log.warn({ ...ref, attempts: job.attemptsMade, err: err.message, marked, requestId: job.data.requestId }, 'analysis failed for good');
  };

  const webhookDeliveries = new WebhookDeliveryService({
    webhooks: db.webhooks,
    policy: {
      timeoutMs: config.VERBATIM_WEBHOOK_TIMEOUT_MS,
      backoffMs: config.VERBATIM_WEBHOOK_BACKOFF_MS,
      disableAfterFailures: config.VERBATIM_WEBHOOK_DISABLE_AFTER_FAILURES,
      disableAfterSeconds: config.VERBATIM_WEBHOOK_DISABLE_AFTER_SECONDS,
      logRetentionDays: config.VERBATIM_WEBHOOK_LOG_RETENTION_DAYS,
    },
    secrets: new SecretBox(config.VERBATIM_WEBHOOK_SECRET_KEY),
    targets: targetPolicyFor(config.VERBATIM_WEBHOOK_ALLOW_HOSTS),
    log,
  });

  // The outbox drain enqueues through the worker's own (blocking-tolerant) connection.
  const outboxQueue = new BullWebhookQueue(connect('webhook-outbox'), prefix, {
    attempts: config.VERBATIM_WEBHOOK_ATTEMPTS,
    backoffMs: config.VERBATIM_WEBHOOK_BACKOFF_MS,
  });
  const outbox = new WebhookOutbox({
    webhooks: db.webhooks,
    queue: outboxQueue,
    afterSeconds: config.VERBATIM_WEBHOOK_OUTBOX_AFTER_SECONDS,
    batchSize: WEBHOOK_OUTBOX_BATCH,
    log,
  });

  // Rounds that are slow here (whole-collection scans on the embedded FerretDB) rest, on every worker.
  const reconcilePacer = new RoundPacer(queueConnection, `${prefix}:reconciler:resting`, RECONCILE_PACING);
  const maintenanceHandler = createMaintenanceHandler({
    reconcile: () => reconcilePacer.runJob(() => reconciler.reconcile(), 'reconciler round', log),
    backfills,
    pruneWebhookLog: () => webhookDeliveries.pruneLog(),
    drainWebhookOutbox: () => outbox.drain(),
    trainAdapter: () => services.adapters.train(),
  });
  // The notification round re-queues through the worker's own (blocking-tolerant) connection.
  const notificationQueue = new BullNotificationQueue(connect('notifications-queue'), prefix, {
    attempts: config.VERBATIM_NOTIFY_ATTEMPTS,
    backoffMs: config.VERBATIM_NOTIFY_BACKOFF_MS,
  });
  const scheduleConnection = connect('schedules');
  const scheduleQueues = new Map<QueueName, Queue>();
  const queueFor = (name: QueueName) => {
    let queue = scheduleQueues.get(name);
    if (!queue) scheduleQueues.set(name, (queue = producerQueue(name, { connection: scheduleConnection, prefix })));
    return queue;
  };
  const handlers: QueueHandlers = {
    [QUEUES.analysis]: createAnalysisHandler(analysis, analysisBatchOptions(config)),
    [QUEUES.maintenance]: maintenanceHandler,
    [QUEUES.webhooks]: createWebhookHandler(webhookDeliveries),
    [QUEUES.alerts]: createAlertsHandler(
      services.alerts,
      new RoundPacer(queueConnection, `${prefix}:sla-sweep:resting`, SLA_SWEEP_PACING),
      log,
    ),
    [QUEUES.reports]: createReportsHandler(
      services.reportDeliveries,
      queueFor(QUEUES.reports),
      reportJobOptions(config.VERBATIM_REPORT_ATTEMPTS, config.VERBATIM_REPORT_BACKOFF_MS),
    ),
    [QUEUES.dispatch]: createDispatchHandler(services.dispatchPlanner),
    [QUEUES.notifications]: createNotificationsHandler(services.notifications, notificationQueue),
  };
  const onFailed: Record<QueueName, (job: Job | undefined, err: Error) => void> = {
    [QUEUES.analysis]: (job, err) => {
      if (!job) return;
      void onAnalysisFailed(job as Job<AnalyzeResponsePayload>, err).catch((markErr: Error) =>
        // The reconciler retries the job later: the response is still PENDING with a failed job.
        log.warn({ err: markErr.message, jobId: job.id }, 'could not mark a failed analysis; the reconciler will retry it'),
      );
    },
    [QUEUES.maintenance]: (job, err) => log.warn({ job: job?.name, jobId: job?.id, err: err.message }, 'maintenance job failed'),
    // Attempts that fail are in the delivery log; only give-ups are worth a warning here.
    [QUEUES.webhooks]: (job, err) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) log.warn({ jobId: job.id, err: err.message }, 'webhook delivery given up');
    },
    [QUEUES.alerts]: (job, err) => log.warn({ job: job?.name, jobId: job?.id, err: err.message }, 'alerts job failed'),
    [QUEUES.reports]: (job, err) => log.warn({ job: job?.name, jobId: job?.id, err: err.message }, 'reports job failed'),
    [QUEUES.dispatch]: (job, err) => log.warn({ job: job?.name, jobId: job?.id, err: err.message }, 'dispatch job failed'),
    // Attempts that fail are in the delivery log (notificationDeliveries); only give-ups are worth a warning here.
    [QUEUES.notifications]: (job, err) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1))
        log.warn({ job: job.name, jobId: job.id, err: err.message }, 'notification given up');
    },
  };
  // One worker per queue of the catalogue, each on its own connection (BullMQ adds a blocking one).
  const owned: OwnedWorker[] = [];
  const workers = QUEUE_CATALOGUE.map((entry) => {
    const connection = connect(`${entry.queue}-worker`);
    const worker = new Worker(entry.queue, handlers[entry.queue], {
      connection,
      prefix,
      concurrency: entry.concurrency(config),
      ...locks,
    });
    worker.on('failed', onFailed[entry.queue]);
    worker.on('error', (err) => log.warn({ err: err.message, queue: entry.queue }, 'worker error'));
    observeJobMetrics(worker);
    owned.push({ worker, connection });
    return worker;
  });
  // The submit's request id follows the response into its job's logs.
  workers[QUEUE_CATALOGUE.findIndex((q) => q.queue === QUEUES.analysis)].on('completed', (job: Job<AnalyzeResponsePayload>, outcome) =>
    log.debug(
      { responseId: job.data.responseId, revision: job.data.revision, requestId: job.data.requestId, outcome },
      'analysis job completed',
    ),
  );

  // Schedules: asserted now and every VERBATIM_SCHEDULES_EVERY_SECONDS (a Redis that lost its data gets them back).
  await assertSchedules(queueFor, config);
  const reassert = setInterval(() => {
    assertSchedules(queueFor, config).catch((err: Error) =>
      log.warn({ err: err.message }, 'could not assert the job schedules; retrying next round'),
    );
  }, config.VERBATIM_SCHEDULES_EVERY_SECONDS * 1000);
  reassert.unref();
  log.info(
    {
      concurrency: QUEUE_CATALOGUE.find((q) => q.queue === QUEUES.analysis)?.concurrency(config),
      batch: config.VERBATIM_ANALYSIS_BATCH,
      prefix,
    },
    'analysis workers started',
  );

  return {
    analysis,
    async close(graceMs?: number) {
      // A delivery waiting on its receiver is not worth waiting for: it goes back to the queue.
      webhookDeliveries.interrupt();
      // close() waits for running jobs to finish, so nothing is left half-written by a clean stop.
      clearInterval(reassert);
      if ((await closeWorkers(owned, graceMs)) === 'timeout')
        log.warn({ graceMs }, 'jobs still running after the shutdown grace: abandoned, they will be retried');
      const closingQueues = Promise.all(
        [queue, outboxQueue, notificationQueue, ...scheduleQueues.values()].map((q) => q.close().catch(() => undefined)),
      );
      if (graceMs === undefined) await closingQueues;
      else await within(closingQueues, graceMs);
      await currentTaxonomy.close();
      // The workers' own connections are closed by closeWorkers, each once its worker has closed.
      const ownedByWorkers = new Set(owned.map((o) => o.connection));
      for (const redis of connections) if (!ownedByWorkers.has(redis)) redis.disconnect();
    },
  };
}

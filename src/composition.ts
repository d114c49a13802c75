/**
 * The composition root: the one place that connects the database (its repositories), the queues
 * and pub/sub, and builds the services and the after-analysis hook list from them. The API, the
 * worker, the demo, the benches (the sandboxed processor included) and the tests start here, so
 * no entry point wires its own copy that could drift.
 */
import { Redis } from 'ioredis';
import { BullAnalysisScheduler } from '../jobs/analysis.scheduler.js';
import { BullWebhookQueue } from '../jobs/webhooks.queue.js';
import { BullNotificationQueue } from '../jobs/notifications.queue.js';
import { connectDatabase, type Database } from '../models/database.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { changeChannel, createRedisPubSub, type PubSub } from './pubsub.js';
import { closeRedisGently } from './redis-close.js';
import { afterAnalysisHooks, type AfterAnalysisHook } from './services/pipeline/after-analysis.js';
import { churnRiskAndAlertsHook } from './services/alerts/alerts.hook.js';
import { AnalysisService } from './services/pipeline/analysis.service.js';
import type { CurrentTaxonomy } from './services/pipeline/current-taxonomy.js';
import { createServices, type Services } from './services/index.js';

export interface CompositionOptions {
  config: Config;
  log: Logger;
  /** Resolved addresses (config's, or the local services started for this process). */
  mongoUri: string;
  redisUrl: string;
  /** Create missing indexes at start (the API and worker do; a sandboxed child need not). */
  syncIndexes?: boolean;
  /** The clock of schedules (tests move it; production uses the system clock). */
  now?: () => Date;
}

export interface Composition {
  db: Database;
  /** Fails fast while Redis is down, so a submit never hangs on it (the worker's blocking connections are its own). */
  queueRedis: Redis;
  scheduler: BullAnalysisScheduler;
  webhookQueue: BullWebhookQueue;
  pubSub: PubSub;
  services: Services;
  /** THE list of effects after an analysis write, in order (rollups, churn risk and alerts, publishes). */
  hooks: AfterAnalysisHook[];
  /** The analysis service over the caller's taxonomy (the worker owns its engine's lifetime). */
  analysisFor: (taxonomy: CurrentTaxonomy) => AnalysisService;
  /** Closes the services, queues, pub/sub and database; database operations still running after `graceMs` are cut. */
  close(graceMs?: number): Promise<void>;
}

export async function compose({ config, log, mongoUri, redisUrl, syncIndexes = true, now }: CompositionOptions): Promise<Composition> {
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    // Reverse order of opening: services first, the database last.
    for (const close of closers.reverse()) await close().catch((err: Error) => log.warn({ err: err.message }, 'close failed'));
  };
  try {
    const db = await connectDatabase({ uri: mongoUri, dbName: config.VERBATIM_DB_NAME });
    let dbGraceMs: number | undefined;
    closers.push(() => db.close(dbGraceMs));
    if (syncIndexes) await db.syncIndexes();

    const queueRedis = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
    queueRedis.on('error', (err) => log.debug({ err: err.message }, 'queue redis connection error'));
    closers.push(() => closeRedisGently(queueRedis));
    const scheduler = new BullAnalysisScheduler(queueRedis, config.VERBATIM_QUEUE_PREFIX);
    closers.push(() => scheduler.close());
    const redisPubSub = createRedisPubSub(redisUrl, config.VERBATIM_QUEUE_PREFIX);
    const { pubSub } = redisPubSub;
    closers.push(() => redisPubSub.close());
    const webhookQueue = new BullWebhookQueue(queueRedis, config.VERBATIM_QUEUE_PREFIX, {
      attempts: config.VERBATIM_WEBHOOK_ATTEMPTS,
      backoffMs: config.VERBATIM_WEBHOOK_BACKOFF_MS,
    });
    closers.push(() => webhookQueue.close());
    const notificationQueue = new BullNotificationQueue(queueRedis, config.VERBATIM_QUEUE_PREFIX, {
      attempts: config.VERBATIM_NOTIFY_ATTEMPTS,
      backoffMs: config.VERBATIM_NOTIFY_BACKOFF_MS,
    });
    closers.push(() => notificationQueue.close());

    const ruleChanges = changeChannel(pubSub, 'ROUTING_RULES_CHANGED');
    closers.push(() => ruleChanges.close());
    const services = createServices({ config, db, scheduler, log, webhookQueue, notificationQueue, now, ruleChanges });
    closers.push(() => services.close());
    // Data stored in an older layout is brought up to date before anything reads or writes it (a no-op once done).
    if (syncIndexes) {
      await services.rollups.migrate();
      const moved = await db.openEffects.moveLegacyMarkers();
      if (moved) log.info({ moved }, 'owed after-analysis effects of an older version moved to their batch records');
      const tagged = await services.programme.migrate();
      if (tagged) log.info({ tagged }, 'survey invitations of an older version given scope tags');
    }
    const hooks = afterAnalysisHooks({
      pubSub,
      rollups: services.rollups,
      log,
      events: services.events,
      redactPii: config.VERBATIM_WEBHOOK_REDACT_PII,
      churnRiskAndAlerts: churnRiskAndAlertsHook({ risk: services.churnRisk, alerts: services.alerts, pubSub }),
    });

    return {
      db,
      queueRedis,
      scheduler,
      webhookQueue,
      pubSub,
      services,
      hooks,
      analysisFor: (taxonomy) =>
        new AnalysisService({
          responses: db.responses,
          analysisState: db.responseAnalysis,
          openEffects: db.openEffects,
          customers: db.customers,
          risk: services.churnRisk,
          taxonomy,
          adapter: services.adapters,
          hooks,
          log,
        }),
      async close(graceMs?: number) {
        dbGraceMs = graceMs;
        await closeAll();
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

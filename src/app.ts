/**
 * Starts the roles of one process (api, worker, or both) against configured or local services,
 * and stops them gracefully on SIGTERM/SIGINT.
 */
import { buildVerbatimSchema } from '../schema/build-schema.js';
import { loadConfig, type Config } from './config.js';
import { localAdminKey } from './local-admin-key.js';
import { createLogger, type Logger } from './logger.js';
import { registerQueueDepth, startMetricsServer } from './metrics.js';
import { startApiServer } from './server/http-server.js';
import { createRequestLimits } from './server/limits.js';
import { compose } from './composition.js';
import { warmInsightCaches } from './services/insights/warm-caches.js';
import { forceExitAfter, runSteps, type ShutdownStep } from './shutdown.js';

export type ProcessRole = 'api' | 'worker';

/** Shares of VERBATIM_SHUTDOWN_TIMEOUT_MS: all shutdown steps, and the grace of sockets and running jobs. */
const STEPS_SHARE = 0.8;
const GRACE_SHARE = 0.3;

export interface RunningApp {
  config: Config;
  url: string | null;
  /** Address of this process's /metrics listener (null when it has none). */
  metricsUrl: string | null;
  /** Settles when the insight caches warmed at start are ready (at once when this process does not warm them). */
  warmed: Promise<void>;
  stop(): Promise<void>;
}

/** `now`: the clock of schedules (report subscriptions, the survey programme); tests move it, production uses the system clock. */
export async function startApp(
  roles: ProcessRole[],
  config: Config = loadConfig(),
  log: Logger = createLogger(config.LOG_LEVEL),
  { now }: { now?: () => Date } = {},
): Promise<RunningApp> {
  const steps: ShutdownStep[] = [];
  const onStop = (name: string, run: () => Promise<unknown>) => steps.push({ name, run });
  // Most of VERBATIM_SHUTDOWN_TIMEOUT_MS for the steps; the rest is the margin before a forced exit.
  const stop = () => runSteps([...steps].reverse(), config.VERBATIM_SHUTDOWN_TIMEOUT_MS * STEPS_SHARE, log);
  // How long open connections and running jobs get to finish before they are cut.
  const graceMs = Math.floor(config.VERBATIM_SHUTDOWN_TIMEOUT_MS * GRACE_SHARE);

  try {
    let { MONGODB_URI: mongoUri, REDIS_URL: redisUrl } = config;
    if (!mongoUri || !redisUrl) {
      // Loaded only when needed: deployments with configured services never touch it.
      const { startLocalServices } = await import('./local-services/index.js');
      const local = await startLocalServices({
        dataDir: config.VERBATIM_DATA_DIR,
        persistent: true,
        needMongo: !mongoUri,
        needRedis: !redisUrl,
        log: (message: string) => log.info(message),
      });
      onStop('local services', () => local.stop());
      mongoUri ??= local.mongoUri;
      redisUrl ??= local.redisUrl;
      // A local run without VERBATIM_ADMIN_KEY must not lock its user out: it gets a key of its own.
      if (!config.VERBATIM_ADMIN_KEY && !config.MONGODB_URI && roles.includes('api')) {
        config = { ...config, VERBATIM_ADMIN_KEY: localAdminKey(config.VERBATIM_DATA_DIR, log).key };
      }
    }
    if (!mongoUri || !redisUrl)
      throw new Error('no MongoDB or Redis URL: set MONGODB_URI and REDIS_URL, or leave them unset for local services');

    const composition = await compose({ config, log, mongoUri, redisUrl, now });
    onStop('services and connections', () => composition.close(graceMs));
    const { db, queueRedis, scheduler, webhookQueue, pubSub, services } = composition;
    // Queue depth for /metrics, read from Redis at scrape time.
    const depthStates = ['waiting', 'active', 'delayed', 'failed'] as const;
    const unregisterDepth = registerQueueDepth(async () => ({
      analysis: await scheduler.queue.getJobCounts(...depthStates),
      maintenance: await scheduler.maintenance.getJobCounts(...depthStates),
    }));
    onStop('queue depth metrics', async () => unregisterDepth());
    const unregisterWebhookDepth = registerQueueDepth(async () => ({ webhooks: await webhookQueue.queue.getJobCounts(...depthStates) }));
    onStop('webhook depth metrics', async () => unregisterWebhookDepth());

    let url: string | null = null;
    let metricsUrl: string | null = null;
    let warmed = Promise.resolve();

    if (roles.includes('worker')) {
      // API-only processes never load the analysis engine.
      const { startWorkers } = await import('../jobs/worker.js');
      const workers = await startWorkers({ config, db, redisUrl, services, analysisFor: composition.analysisFor, log });
      onStop('workers', () => workers.close(graceMs));
      if (!roles.includes('api') && config.VERBATIM_WORKER_METRICS_PORT > 0) {
        const metricsServer = await startMetricsServer(
          config.VERBATIM_WORKER_METRICS_PORT,
          config.VERBATIM_METRICS_HOST,
          config.VERBATIM_METRICS_TOKEN,
        );
        onStop('metrics server', () => metricsServer.close());
        metricsUrl = `http://${metricsHostForUrl(config.VERBATIM_METRICS_HOST)}:${metricsServer.port}/metrics`;
        log.info({ url: metricsUrl }, 'worker metrics on /metrics');
      }
    }
    if (roles.includes('api')) {
      const schema = await buildVerbatimSchema(pubSub);
      const server = await startApiServer({
        config,
        schema,
        services,
        log,
        readiness: {
          mongodb: async () => {
            if (!db.connection.db) throw new Error('MongoDB is not connected');
            return db.connection.db.admin().ping();
          },
          redis: () => queueRedis.ping(),
        },
        limits: createRequestLimits({ config, redis: queueRedis, log, apiKeys: services.apiKeys }),
        shutdownGraceMs: graceMs,
      });
      onStop('api server', () => server.close());
      url = server.url;
      if (config.VERBATIM_WARM_INSIGHT_CACHES) {
        // In the background: the API is ready meanwhile, and a read that needs a cache being warmed waits for that rebuild, not for a second one.
        warmed = warmInsightCaches({
          rollups: services.rollups,
          apiKeys: services.apiKeys,
          attributes: config.VERBATIM_WARM_INSIGHT_ATTRIBUTES,
          log,
        }).catch((err: Error) => log.warn({ err: err.message }, 'insight caches: warming failed'));
        // Stopping ends it after the month at hand, before the database closes.
        onStop('insight cache warming', async () => {
          services.rollups.stopWarming();
          await warmed;
        });
      }
      // Metrics on their own listener, loopback by default: the public port does not show them.
      const metricsServer = await startMetricsServer(
        config.VERBATIM_METRICS_PORT,
        config.VERBATIM_METRICS_HOST,
        config.VERBATIM_METRICS_TOKEN,
      );
      onStop('metrics server', () => metricsServer.close());
      metricsUrl = `http://${metricsHostForUrl(config.VERBATIM_METRICS_HOST)}:${metricsServer.port}/metrics`;
      log.info({ url: metricsUrl }, 'metrics on /metrics');
    }
    return { config, url, metricsUrl, warmed, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function metricsHostForUrl(host: string): string {
  if (host === '0.0.0.0') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** Runs until SIGTERM/SIGINT, then drains and exits. Used by the entry points. */
export async function runUntilSignalled(roles: ProcessRole[]): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error(`verbatim: ${(err as Error).message}`);
    process.exit(78); // EX_CONFIG
  }
  const log = createLogger(config.LOG_LEVEL);
  // Listening from the first moment: a signal during a slow start (building FerretDB, migrating
  // rollups, waiting for a server) stops the process too, once what has started is stopped.
  let app: RunningApp | null = null;
  let signalled: string | null = null;
  const shutdown = async (signal: string) => {
    if (signalled) return;
    signalled = signal;
    log.info({ signal, timeoutMs: config.VERBATIM_SHUTDOWN_TIMEOUT_MS }, 'shutting down');
    forceExitAfter(config.VERBATIM_SHUTDOWN_TIMEOUT_MS, log);
    if (!app) return; // still starting: stopped as soon as the start returns (below)
    await app.stop();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  try {
    app = await startApp(roles, config, log);
  } catch (err) {
    log.fatal({ err }, 'could not start');
    process.exit(1);
  }
  if (signalled) {
    await app.stop();
    log.info('stopped');
    process.exit(0);
  }
}

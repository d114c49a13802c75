/**
 * The analysis job as a BullMQ sandboxed processor, for bench/pipeline.ts only: a child process
 * with its own database connection, taxonomy and after-analysis hooks, built the way
 * jobs/worker.ts builds them. Config comes from the environment the bench sets.
 */
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { BullAnalysisScheduler } from '../../jobs/analysis.scheduler.js';
import { createAnalysisHandler } from '../../jobs/analysis.handler.js';
import type { AnalyzeResponsePayload } from '../../jobs/queues.js';
import { connectDatabase } from '../../models/database.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createRedisPubSub } from '../../src/pubsub.js';
import { afterAnalysisHooks } from '../../src/services/after-analysis.js';
import { analyzerFactoryFromConfig } from '../../src/services/analysis-engine.js';
import { AnalysisService } from '../../src/services/analysis.service.js';
import { CurrentTaxonomy } from '../../src/services/current-taxonomy.js';
import { createServices } from '../../src/services/index.js';

type Handler = (job: Job<AnalyzeResponsePayload>) => Promise<unknown>;
let handler: Promise<Handler> | null = null;

async function build(): Promise<Handler> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const db = await connectDatabase({ uri: config.MONGODB_URI!, dbName: config.VERBATIM_DB_NAME });
  const redis = new Redis(config.REDIS_URL!, { maxRetriesPerRequest: null });
  const scheduler = new BullAnalysisScheduler(redis, config.VERBATIM_QUEUE_PREFIX);
  const { pubSub } = createRedisPubSub(config.REDIS_URL!, config.VERBATIM_QUEUE_PREFIX);
  const services = createServices({ config, db, scheduler, log });
  await services.taxonomy.ensureSeeded();
  const taxonomy = new CurrentTaxonomy(services.taxonomy, analyzerFactoryFromConfig(config));
  await taxonomy.get();
  const analysis = new AnalysisService({
    responses: db.responses,
    analysisState: db.responseAnalysis,
    customers: db.customers,
    taxonomy,
    hooks: afterAnalysisHooks({ pubSub, rollups: services.rollups, log, events: services.events }),
    log,
  });
  return createAnalysisHandler(analysis);
}

export default async function process(job: Job<AnalyzeResponsePayload>): Promise<unknown> {
  handler ??= build();
  return (await handler)(job);
}

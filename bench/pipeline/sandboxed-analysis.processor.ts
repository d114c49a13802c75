/**
 * The analysis job as a BullMQ sandboxed processor, for bench/pipeline.ts only: a child process
 * with its own database connection, taxonomy and after-analysis hooks, all from the composition
 * root the worker uses (src/composition.ts), so the two cannot drift. Config comes from the
 * environment the bench sets.
 */
import type { Job } from 'bullmq';
import { analysisBatchOptions, createAnalysisHandler } from '../../jobs/analysis.handler.js';
import type { AnalyzeResponsePayload } from '../../jobs/queues.js';
import { compose } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { analyzerFactoryFromConfig } from '../../src/services/pipeline/analysis-engine.js';
import { CurrentTaxonomy } from '../../src/services/pipeline/current-taxonomy.js';

type Handler = (job: Job<AnalyzeResponsePayload>) => Promise<unknown>;
let handler: Promise<Handler> | null = null;

async function build(): Promise<Handler> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  // The parent process built the indexes already.
  const composition = await compose({ config, log, mongoUri: config.MONGODB_URI!, redisUrl: config.REDIS_URL!, syncIndexes: false });
  await composition.services.taxonomy.ensureSeeded();
  const taxonomy = new CurrentTaxonomy(composition.services.taxonomy, analyzerFactoryFromConfig(config));
  await taxonomy.get();
  // Each child runs one job at a time, so its batches hold one job: the same code path, no coalescing.
  return createAnalysisHandler(composition.analysisFor(taxonomy), analysisBatchOptions(config));
}

export default async function process(job: Job<AnalyzeResponsePayload>): Promise<unknown> {
  handler ??= build();
  return (await handler)(job);
}

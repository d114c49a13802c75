/**
 * `npm run bench:pipeline`: time from import to fully analysed, through the real service
 * (GraphQL import → BullMQ → worker → FerretDB), for the demo's sample programme, fresh database
 * per mode, and the database commands per analysed response (driver command monitoring). Modes:
 *   - `one-by-one`: the in-process worker with VERBATIM_ANALYSIS_BATCH=1 (each job alone: the baseline);
 *   - `in-process`: the worker as jobs/worker.ts runs it (jobs coalesced into batches);
 *   - `in-process-db-polls`: the same, but progress is polled as before: the responses counted
 *     every 5 s (a scan on FerretDB) rather than the queue's counts until it has drained;
 *   - `sandboxed`: bench/pipeline/sandboxed-analysis.processor.ts as a BullMQ sandboxed processor
 *     (one job per child at a time, so batches of one).
 * The table ends with each mode's ratio against the first one (same run, same machine load).
 *
 * Starts a local FerretDB and Redis in a temporary directory unless MONGODB_URI and REDIS_URL are set.
 *   BENCH_RESPONSES (default 10000), BENCH_MODES (default "one-by-one,in-process"),
 *   BENCH_SHAPE (`sample`, the default: the demo's programme over a year; `load`: bench:load's rows,
 *   5,000 customers and the last 90 days, so many customers answer often and recent detractors page),
 *   VERBATIM_WORKER_CONCURRENCY, VERBATIM_ANALYSIS_BATCH (default: the service defaults).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { workerLockOptions } from '../jobs/options.js';
import { QUEUES } from '../jobs/queues.js';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { GraphqlClient, importInBatches, waitForAnalysis } from '../src/demo/client.js';
import { generateSampleProgramme } from '../src/demo/sample-programme.js';
import { loadRow } from './lib/load-rows.js';
import { byTime, monitorCommands, totalCount, type CommandStats } from './lib/command-monitor.js';

const RESPONSES = Number(process.env.BENCH_RESPONSES ?? 10_000);
const SHAPE = process.env.BENCH_SHAPE ?? 'sample';
if (SHAPE !== 'sample' && SHAPE !== 'load') throw new Error('BENCH_SHAPE must be "sample" or "load"');
const MODES = (process.env.BENCH_MODES ?? 'one-by-one,in-process').split(',').map((m) => m.trim());
const KEY = 'bench-pipeline-admin-key-000000';
const log = (message: string) => console.error(`bench:pipeline: ${message}`);

function withDatabase(uri: string, dbName: string): string {
  const [base, query] = uri.split('?', 2) as [string, string | undefined];
  const hostsEnd = base.indexOf('/', base.indexOf('://') + 3);
  return `${hostsEnd === -1 ? base : base.slice(0, hostsEnd)}/${dbName}${query ? `?${query}` : ''}`;
}

interface Result {
  mode: string;
  importSeconds: number;
  analysedSeconds: number;
  perSecond: number;
  failed: number;
  /** Database commands (driver command monitoring) from the first import to all analysed, by name and collection. */
  commands: Map<string, CommandStats>;
}

async function runMode(mode: string, mongoServer: string, redisUrl: string): Promise<Result> {
  const stamp = Date.now();
  const dbName = `bench_pipeline_${mode.replace(/\W/g, '_')}_${stamp}`;
  const uri = withDatabase(mongoServer, dbName);
  const env = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    // The driver reports every command it starts: the bench counts them per analysed response.
    MONGODB_URI: `${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true`,
    REDIS_URL: redisUrl,
    VERBATIM_QUEUE_PREFIX: `bench-pipeline-${stamp}`,
    VERBATIM_ADMIN_KEY: KEY,
    ...(mode === 'one-by-one' ? { VERBATIM_ANALYSIS_BATCH: '1' } : {}),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  const config = loadConfig(env);
  const sandboxed = mode === 'sandboxed';
  const dbPolls = mode === 'in-process-db-polls';
  const app = await startApp(sandboxed ? ['api'] : ['api', 'worker'], config, createLogger(config.LOG_LEVEL));
  let worker: Worker | null = null;
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  try {
    if (sandboxed) {
      // The forked processors read their config from the environment.
      Object.assign(process.env, env);
      worker = new Worker(QUEUES.analysis, new URL('./pipeline/sandboxed-analysis.processor.ts', import.meta.url).pathname, {
        connection,
        prefix: config.VERBATIM_QUEUE_PREFIX,
        concurrency: config.VERBATIM_WORKER_CONCURRENCY,
        ...workerLockOptions(config.VERBATIM_JOB_LOCK_SECONDS),
      });
      worker.on('error', (err) => log(`sandboxed worker error: ${err.message}`));
    }
    const client = new GraphqlClient(app.url!, KEY);
    const rows =
      SHAPE === 'load'
        ? Array.from({ length: RESPONSES }, (_, i) => loadRow(`bench-${stamp}`, 'import', i))
        : generateSampleProgramme({ size: RESPONSES, seed: 7 });
    const requestId = `bench-${mode}-${stamp}`;
    const monitor = monitorCommands(mongoose.connections.filter((c) => c.name === dbName).map((c) => c.getClient()));
    const start = performance.now();
    await importInBatches(client, rows, { requestId, batch: 1_000 });
    const imported = performance.now();
    let last = 0;
    const progress = await waitForAnalysis(client, {
      requestId,
      // Polls read the queue's counts from Redis; the responses are counted once it has drained.
      // `db-polls`: every poll counts the responses (a scan on FerretDB), every 5 s as before.
      intervalMs: dbPolls ? 5_000 : 1_000,
      countEveryPoll: dbPolls,
      onProgress: (p) => {
        if (performance.now() - last > 15_000) {
          last = performance.now();
          log(`${mode}: ${p.done}/${p.total} analysed after ${((last - start) / 1000).toFixed(0)} s`);
        }
      },
    });
    const end = performance.now();
    monitor.stop();
    return {
      commands: monitor.reset(),
      mode,
      importSeconds: (imported - start) / 1000,
      analysedSeconds: (end - start) / 1000,
      perSecond: RESPONSES / ((end - start) / 1000),
      failed: progress.failed,
    };
  } finally {
    await worker?.close();
    connection.disconnect();
    await app.stop();
  }
}

function printResults(results: Result[]): void {
  console.log(`| worker | responses | import (s) | import → all analysed (s) | responses/s | failed | db commands | commands/response |`);
  console.log(`|---|---:|---:|---:|---:|---:|---:|---:|`);
  for (const r of results) {
    const commands = totalCount(r.commands);
    console.log(
      `| ${r.mode} | ${RESPONSES} | ${r.importSeconds.toFixed(1)} | ${r.analysedSeconds.toFixed(1)} | ${r.perSecond.toFixed(0)} | ${r.failed} | ${commands} | ${(commands / RESPONSES).toFixed(2)} |`,
    );
  }
  const [base, ...others] = results;
  if (base && others.length) {
    console.log(`\n| against ${base.mode} | responses/s ratio | commands/response ratio |\n|---|---:|---:|`);
    for (const r of others)
      console.log(
        `| ${r.mode} | ${(r.perSecond / base.perSecond).toFixed(2)} | ${(totalCount(r.commands) / totalCount(base.commands)).toFixed(3)} |`,
      );
  }
  for (const r of results) {
    console.log(
      `\n${r.mode}: commands by name and collection (import, analysis and progress polls; time summed over concurrent commands)\n| command | count | per response | total ms | ms each |\n|---|---:|---:|---:|---:|`,
    );
    for (const [key, { count, ms }] of byTime(r.commands))
      console.log(`| ${key} | ${count} | ${(count / RESPONSES).toFixed(2)} | ${ms.toFixed(0)} | ${(ms / count).toFixed(1)} |`);
  }
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'verbatim-bench-pipeline-'));
  const external = process.env.MONGODB_URI && process.env.REDIS_URL;
  const local = external
    ? null
    : await (await import('../src/local-services/index.js')).startLocalServices({ dataDir, persistent: false, log });
  const mongoServer = external ? process.env.MONGODB_URI! : local!.mongoUri;
  const redisUrl = external ? process.env.REDIS_URL! : local!.redisUrl;
  const results: Result[] = [];
  try {
    log(
      `${RESPONSES} responses per mode, concurrency ${loadConfig({ ...process.env, MONGODB_URI: undefined }).VERBATIM_WORKER_CONCURRENCY}, ${external ? 'MONGODB_URI/REDIS_URL' : 'local FerretDB (SQLite) + Redis'}`,
    );
    for (const mode of MODES) {
      log(`running ${mode}`);
      const result = await runMode(mode, mongoServer, redisUrl);
      results.push(result);
      log(
        `${mode}: all analysed ${result.analysedSeconds.toFixed(1)} s after the import started, ${result.perSecond.toFixed(1)} responses/s`,
      );
    }
    // Printed before the local services stop: the numbers are in even if a stop hangs.
    printResults(results);
  } finally {
    await local?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

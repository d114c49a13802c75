/**
 * `npm run bench:ingest`: responses/s of `importResponses` batches through GraphQL HTTP, beside
 * the raw `insertMany` throughput of the same database in the same run. The ratio is the figure
 * that matters: how much the API (validation, customers, enqueueing, HTTP) costs over storage.
 *
 * Uses MONGODB_URI / REDIS_URL when set, else starts local FerretDB and Redis in a temp dir.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { categoryOf, weightOf } from '../src/domain/nps.js';
import { periodKeys } from '../src/domain/periods.js';
import { byTime, monitorCommands } from './lib/command-monitor.js';
import { BENCH_COMMENTS } from './lib/load-rows.js';

const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 10);
// The first five of the load bench's comments (this bench's rows since it began).
const COMMENTS = BENCH_COMMENTS.slice(0, 5);

function row(run: string, i: number) {
  return {
    externalId: `${run}-${i}`,
    score: i % 11,
    comment: COMMENTS[i % COMMENTS.length],
    respondedAt: new Date(Date.now() - (i % 365) * 86_400_000).toISOString(),
    touchpoint: ['onboarding', 'support_closed', 'renewal', 'quarterly'][i % 4],
    customer: { externalId: `cust-${i % 2000}`, accountValue: 1000 + (i % 50) * 100 },
    attributes: [
      { key: 'region', value: ['West', 'East', 'North', 'South'][i % 4] },
      { key: 'plan', value: ['free', 'pro', 'enterprise'][i % 3] },
    ],
  };
}

/** The bench bootstraps its own ADMIN key (the API refuses anonymous calls). */
const BENCH_KEY = `bench-${randomBytes(16).toString('hex')}`;

const IMPORT = `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted duplicates errors { index message } } }`;

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'verbatim-bench-'));
  const local =
    !process.env.MONGODB_URI || !process.env.REDIS_URL
      ? await (await import('../src/local-services/index.js')).startLocalServices({ dataDir, persistent: false })
      : null;
  const mongoUri = process.env.MONGODB_URI ?? local!.mongoUri;
  const redisUrl = process.env.REDIS_URL ?? local!.redisUrl;
  const dbName = `bench_ingest_${Date.now()}`;
  const uri = mongoUri.replace(/\/([^/?]*)(\?|$)/, `/${dbName}$2`);
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    // The driver reports every command: the bench prints which commands the API spends its time on.
    MONGODB_URI: `${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true`,
    REDIS_URL: redisUrl,
    VERBATIM_QUEUE_PREFIX: dbName,
    LOG_LEVEL: 'silent',
    VERBATIM_ADMIN_KEY: BENCH_KEY,
    VERBATIM_METRICS_PORT: '0',
  });
  // API only: this measures ingestion, not analysis competing for the same cores.
  const app = await startApp(['api'], config, createLogger('silent'));
  const { default: mongoose } = await import('mongoose');
  const raw = await mongoose.createConnection(uri).asPromise();
  const monitor = monitorCommands(mongoose.connections.filter((c) => c.name === dbName && c !== raw).map((c) => c.getClient()));

  try {
    // Warm-up so connection set-up and JIT are not measured.
    await post(
      app.url!,
      Array.from({ length: 200 }, (_, i) => row('warm', i)),
    );

    const total = BATCH * BATCHES;
    monitor.reset();
    let started = performance.now();
    for (let b = 0; b < BATCHES; b++) {
      const result = await post(
        app.url!,
        Array.from({ length: BATCH }, (_, i) => row('api', b * BATCH + i)),
      );
      if (result.accepted !== BATCH) throw new Error(`batch ${b}: accepted ${result.accepted} of ${BATCH}`);
    }
    const apiSeconds = (performance.now() - started) / 1000;
    const apiCommands = monitor.reset();

    // The same documents straight into a collection with the same unique index.
    const collection = raw.collection('raw_responses');
    await collection.createIndex({ externalId: 1 }, { unique: true });
    started = performance.now();
    for (let b = 0; b < BATCHES; b++) {
      const now = new Date();
      const docs = Array.from({ length: BATCH }, (_, i) => {
        const r = row('raw', b * BATCH + i);
        const category = categoryOf(r.score);
        const respondedAt = new Date(r.respondedAt);
        return {
          _id: new Types.ObjectId(),
          ...r,
          respondedAt,
          receivedAt: now,
          category,
          npsWeight: weightOf(category),
          period: periodKeys(respondedAt),
        };
      });
      await collection.insertMany(docs, { ordered: false });
    }
    const rawSeconds = (performance.now() - started) / 1000;

    const apiRate = total / apiSeconds;
    const rawRate = total / rawSeconds;
    console.log(
      `bench:ingest — ${BATCHES} batches × ${BATCH} responses (${total} total), database: ${local ? 'local FerretDB' : 'MONGODB_URI'}`,
    );
    console.log('');
    console.log(`${'path'.padEnd(38)}${'seconds'.padStart(10)}${'responses/s'.padStart(14)}`);
    console.log(
      `${'importResponses (GraphQL over HTTP)'.padEnd(38)}${apiSeconds.toFixed(2).padStart(10)}${apiRate.toFixed(0).padStart(14)}`,
    );
    console.log(`${'raw insertMany (same database)'.padEnd(38)}${rawSeconds.toFixed(2).padStart(10)}${rawRate.toFixed(0).padStart(14)}`);
    console.log('');
    console.log(`ratio importResponses / raw insertMany: ${(apiRate / rawRate).toFixed(2)}`);
    console.log('');
    console.log(`importResponses: database commands by name and collection (${BATCHES} batches)`);
    console.log(
      `${'command'.padEnd(38)}${'count'.padStart(8)}${'per batch'.padStart(11)}${'total ms'.padStart(10)}${'ms each'.padStart(9)}`,
    );
    for (const [key, { count, ms }] of byTime(apiCommands))
      console.log(
        `${key.padEnd(38)}${String(count).padStart(8)}${(count / BATCHES).toFixed(1).padStart(11)}${ms.toFixed(0).padStart(10)}${(ms / count).toFixed(1).padStart(9)}`,
      );
  } finally {
    await raw.dropDatabase().catch(() => undefined);
    await raw.close();
    await app.stop();
    await local?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function post(url: string, input: unknown[]) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
    body: JSON.stringify({ query: IMPORT, variables: { input } }),
  });
  const body = (await res.json()) as { data?: { importResponses: { accepted: number } }; errors?: { message: string }[] };
  if (!body.data) throw new Error(body.errors?.[0]?.message ?? `HTTP ${res.status}`);
  return body.data.importResponses;
}

await main();

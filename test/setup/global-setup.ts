/**
 * Starts one MongoDB-compatible server and one Redis for the whole integration run, hands their
 * addresses to the test files, and stops them at the end, whether tests passed or not (the
 * servers also die with this process if vitest itself is killed).
 *
 * VERBATIM_TEST_MONGODB_URI / VERBATIM_TEST_REDIS_URL point the run at existing servers instead;
 * the developer's own MONGODB_URI / REDIS_URL are deliberately ignored, so tests never write to a
 * database that was configured for something else. On existing servers, the run's databases and
 * keys are removed at the end.
 */
import type { TestProject } from 'vitest/node';
import { startLocalServices } from '../../src/local-services/index.js';
import { databasePrefix, redisKeyPrefix } from './naming.js';
import './provided-context.js';

const log = (message: string) => console.error(`verbatim test services: ${message}`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 2).toString(36)}`;
  const externalMongo = process.env.VERBATIM_TEST_MONGODB_URI?.trim() || undefined;
  const externalRedis = process.env.VERBATIM_TEST_REDIS_URL?.trim() || undefined;

  const local = await startLocalServices({
    persistent: false,
    needMongo: !externalMongo,
    needRedis: !externalRedis,
    env: { ...process.env, MONGODB_URI: undefined, REDIS_URL: undefined },
    log,
  });
  const mongoUri = externalMongo ?? local.mongoUri!;
  const redisUrl = externalRedis ?? local.redisUrl!;

  project.provide('verbatimMongoUri', mongoUri);
  project.provide('verbatimRedisUrl', redisUrl);
  project.provide('verbatimRunId', runId);

  return async () => {
    const cleanups = [local.stop()];
    if (externalMongo) cleanups.push(dropRunDatabases(externalMongo, runId));
    if (externalRedis) cleanups.push(deleteRunKeys(externalRedis, runId));
    for (const result of await Promise.allSettled(cleanups)) {
      if (result.status === 'rejected') log(`cleanup failed: ${(result.reason as Error).message}`);
    }
  };
}

async function dropRunDatabases(uri: string, runId: string): Promise<void> {
  const { default: mongoose } = await import('mongoose');
  const client = await new mongoose.mongo.MongoClient(uri).connect();
  try {
    const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
    for (const { name } of databases) if (name.startsWith(databasePrefix(runId))) await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}

async function deleteRunKeys(url: string, runId: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisKeyPrefix(runId)}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

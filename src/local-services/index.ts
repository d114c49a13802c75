/**
 * Local MongoDB-compatible storage and Redis for `npm start`, the demo, benchmarks and the test
 * harness: one way to get services, everywhere. Configured servers (MONGODB_URI, REDIS_URL) win;
 * otherwise servers are started as children of this process and die with it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultLog, type Log } from './log.js';
import { startMongo, type MongoService } from './mongo.js';
import { startRedis, type RedisService } from './redis.js';

export { ensureFerretDbBinary, ferretDbCacheDir, GoMissingError } from './ferretdb-binary.js';
export { startMongo, type MongoKind, type MongoOptions, type MongoService } from './mongo.js';
export { startRedis, type RedisOptions, type RedisService } from './redis.js';
export { DataDirInUseError } from './pid-file.js';
export type { Log } from './log.js';

export interface LocalServicesOptions {
  /** Where servers keep data, pid files and logs. Omitted: a temporary directory removed by `stop()`. */
  dataDir?: string;
  /** true (`npm start`): data survives restarts. false: throwaway data, no fsync, fresh at every start. */
  persistent: boolean;
  /** false when the caller already has MongoDB (then `mongo` is null). Default true. */
  needMongo?: boolean;
  /** false when the caller already has Redis (then `redis` is null). Default true. */
  needRedis?: boolean;
  log?: Log;
  /** Where MONGODB_URI, REDIS_URL, PATH and XDG_CACHE_HOME are read from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface LocalServices {
  mongoUri: string;
  redisUrl: string;
  mongo: MongoService;
  redis: RedisService;
  /** Stops both servers (and removes the temporary data directory if this call created it). */
  stop(): Promise<void>;
}

/** Like LocalServices, for callers that asked for only one of the two. */
export interface PartialLocalServices {
  mongoUri: string | undefined;
  redisUrl: string | undefined;
  mongo: MongoService | null;
  redis: RedisService | null;
  stop(): Promise<void>;
}

export async function startLocalServices(options: LocalServicesOptions & { needMongo?: true; needRedis?: true }): Promise<LocalServices>;
export async function startLocalServices(options: LocalServicesOptions): Promise<PartialLocalServices>;
export async function startLocalServices({
  dataDir,
  persistent,
  needMongo = true,
  needRedis = true,
  log = defaultLog,
  env = process.env,
}: LocalServicesOptions): Promise<PartialLocalServices> {
  const ownsDir = dataDir === undefined;
  const dir = ownsDir ? mkdtempSync(join(tmpdir(), 'verbatim-services-')) : resolve(dataDir);
  let mongo: MongoService | null = null;
  let redis: RedisService | null = null;

  const stop = async () => {
    // Both are stopped even if one of them fails to.
    const results = await Promise.allSettled([mongo?.stop(), redis?.stop()]);
    if (ownsDir) rmSync(dir, { recursive: true, force: true });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };

  try {
    // Redis first: it starts in milliseconds, while FerretDB may have to be built.
    if (needRedis) redis = await startRedis({ dataDir: dir, persistent, log, env });
    if (needMongo) mongo = await startMongo({ dataDir: dir, ephemeral: !persistent, log, env });
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return { mongoUri: mongo?.uri, redisUrl: redis?.url, mongo, redis, stop };
}

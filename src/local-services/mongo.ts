/**
 * A MongoDB-compatible server: MONGODB_URI if set; else `mongod` from PATH; else FerretDB on its
 * SQLite backend, built from tools/ferretdb. Local servers listen on a free loopback port.
 */
import { join } from 'node:path';
import { findExecutable } from './executables.js';
import { ensureFerretDbBinary, GoMissingError } from './ferretdb-binary.js';
import { defaultLog, redactUri, type Log } from './log.js';
import { startManagedServer, type ManagedServer } from './managed-server.js';
import { LOOPBACK } from './net.js';

export type MongoKind = 'external' | 'mongod' | 'ferretdb';

export interface MongoOptions {
  /** Parent of the server's own directory (`<dataDir>/ferretdb` or `<dataDir>/mongod`). */
  dataDir: string;
  /** Throwaway data: starts empty and skips fsync (tests, benchmarks). */
  ephemeral?: boolean;
  log?: Log;
  /** Where MONGODB_URI, PATH and XDG_CACHE_HOME are read from. */
  env?: NodeJS.ProcessEnv;
}

export interface MongoService {
  kind: MongoKind;
  /** `mongodb://127.0.0.1:<port>/` for local servers (no database name: callers add their own). */
  uri: string;
  /** Stops a local server, keeping its data and port for `restart()`; no-op for an external one. */
  stop(): Promise<void>;
  /** Starts a local server again on the same port and data (stopping it first if it runs). */
  restart(): Promise<void>;
  /** The local server process, for fault tests and diagnostics; null when external. */
  server: ManagedServer | null;
}

export async function startMongo({ dataDir, ephemeral = false, log = defaultLog, env = process.env }: MongoOptions): Promise<MongoService> {
  const external = env.MONGODB_URI?.trim();
  if (external) {
    log(`using the MongoDB server at ${redactUri(external)} (MONGODB_URI)`);
    return {
      kind: 'external',
      uri: external,
      stop: async () => {},
      restart: async () => {
        throw new Error('cannot restart an external MongoDB server (MONGODB_URI is set)');
      },
      server: null,
    };
  }

  const mongod = findExecutable('mongod', env);
  if (mongod) return managed('mongod', await startMongod(mongod, dataDir, ephemeral, log, env), log);

  let ferretdb: string;
  try {
    ferretdb = await ensureFerretDbBinary({ log, env });
  } catch (err) {
    if (err instanceof GoMissingError) throw err; // its message already names the three ways
    throw new Error(
      `could not build FerretDB: ${(err as Error).message}\n` +
        'Alternatives: set MONGODB_URI to a MongoDB server, or put `mongod` on PATH.',
      { cause: err },
    );
  }
  return managed('ferretdb', await startFerretDb(ferretdb, dataDir, ephemeral, log, env), log);
}

function managed(kind: MongoKind, server: ManagedServer, log: Log): MongoService {
  const uri = `mongodb://${LOOPBACK}:${server.port}/`;
  log(`${kind === 'ferretdb' ? 'FerretDB' : 'mongod'} ready at ${uri} (pid ${server.pid}, log ${server.logFile})`);
  return { kind, uri, stop: () => server.stop(), restart: () => server.restart(), server };
}

function startFerretDb(binary: string, dataDir: string, ephemeral: boolean, log: Log, env: NodeJS.ProcessEnv) {
  const dir = join(dataDir, 'ferretdb');
  return startManagedServer({
    name: 'ferretdb',
    label: 'FerretDB',
    program: 'ferretdb',
    dir,
    command: binary,
    args: (port) => [
      '-listen',
      `${LOOPBACK}:${port}`,
      '-data',
      dir,
      '-sqlite-synchronous',
      ephemeral ? 'off' : 'normal',
      '-log-level',
      'warn',
    ],
    wrap: false, // it stops by itself when stdin closes
    fresh: ephemeral,
    probe: pingMongo,
    readyTimeoutMs: 30_000,
    log,
    env,
  });
}

function startMongod(binary: string, dataDir: string, ephemeral: boolean, log: Log, env: NodeJS.ProcessEnv) {
  const dir = join(dataDir, 'mongod');
  return startManagedServer({
    name: 'mongod',
    label: 'mongod',
    program: 'mongod',
    dir,
    command: binary,
    args: (port) => [
      '--port',
      String(port),
      '--bind_ip',
      LOOPBACK,
      '--dbpath',
      dir,
      // Full-time diagnostic data collection is wasted on a local throwaway server.
      ...(ephemeral ? ['--setParameter', 'diagnosticDataCollectionEnabled=false'] : []),
    ],
    wrap: true,
    fresh: ephemeral,
    probe: pingMongo,
    readyTimeoutMs: 60_000,
    log,
    env,
  });
}

/** One ping through the real driver (the one mongoose uses): handshake and command both work. */
async function pingMongo(port: number): Promise<boolean> {
  const { default: mongoose } = await import('mongoose');
  const client = new mongoose.mongo.MongoClient(`mongodb://${LOOPBACK}:${port}/`, {
    serverSelectionTimeoutMS: 1_000,
    connectTimeoutMS: 1_000,
    directConnection: true,
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

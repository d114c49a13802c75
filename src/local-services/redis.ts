/**
 * Redis: REDIS_URL if set; else `redis-server` from PATH on a free loopback port (installed from
 * Debian's packages first when missing and we are root). Persistent servers keep an append-only
 * file in their data directory; test servers keep nothing.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { findExecutable } from './executables.js';
import { defaultLog, redactUri, type Log } from './log.js';
import { startManagedServer, type ManagedServer } from './managed-server.js';
import { LOOPBACK, tcpExchange } from './net.js';

export interface RedisOptions {
  /** Parent of the server's own directory (`<dataDir>/redis`). */
  dataDir: string;
  /** Append-only file under the data directory (`npm start`); false: nothing written to disk (tests). */
  persistent?: boolean;
  log?: Log;
  /** Where REDIS_URL and PATH are read from. */
  env?: NodeJS.ProcessEnv;
}

export interface RedisService {
  kind: 'external' | 'redis-server';
  /** `redis://127.0.0.1:<port>` for a local server. */
  url: string;
  /** Stops a local server, keeping its port (and append-only file) for `restart()`; no-op when external. */
  stop(): Promise<void>;
  /** Starts a local server again on the same port (stopping it first if it runs). */
  restart(): Promise<void>;
  server: ManagedServer | null;
}

export async function startRedis({
  dataDir,
  persistent = false,
  log = defaultLog,
  env = process.env,
}: RedisOptions): Promise<RedisService> {
  const external = env.REDIS_URL?.trim();
  if (external) {
    log(`using the Redis server at ${redactUri(external)} (REDIS_URL)`);
    return {
      kind: 'external',
      url: external,
      stop: async () => {},
      restart: async () => {
        throw new Error('cannot restart an external Redis server (REDIS_URL is set)');
      },
      server: null,
    };
  }

  const binary = findExecutable('redis-server', env) ?? (await installRedisServer(log, env));
  const dir = join(dataDir, 'redis');
  const server = await startManagedServer({
    name: 'redis',
    label: 'Redis',
    program: 'redis-server',
    dir,
    command: binary,
    args: (port) => [
      '--port',
      String(port),
      '--bind',
      LOOPBACK,
      '--dir',
      dir,
      '--daemonize',
      'no',
      '--logfile',
      '', // stdout, which goes to <dir>/redis.log
      '--save',
      '', // no RDB snapshots: persistence, when wanted, is the append-only file
      '--appendonly',
      persistent ? 'yes' : 'no',
      '--appendfsync',
      'everysec',
      // BullMQ must never lose keys to eviction.
      '--maxmemory-policy',
      'noeviction',
    ],
    wrap: true,
    fresh: !persistent,
    probe: pingRedis,
    readyTimeoutMs: 30_000,
    log,
    env,
  });
  const url = `redis://${LOOPBACK}:${server.port}`;
  log(`Redis ready at ${url} (pid ${server.pid}, ${persistent ? `append-only file in ${dir}` : 'no persistence'})`);
  return { kind: 'redis-server', url, stop: () => server.stop(), restart: () => server.restart(), server };
}

/** Ready once it answers PING (a server still loading its append-only file answers -LOADING). */
async function pingRedis(port: number): Promise<boolean> {
  return (await tcpExchange(port, 'PING\r\n'))?.startsWith('+PONG') ?? false;
}

/** Installs Debian's redis-server when we may (root with apt-get); otherwise explains the choices. */
async function installRedisServer(log: Log, env: NodeJS.ProcessEnv): Promise<string> {
  const aptGet = findExecutable('apt-get', env);
  const isRoot = process.getuid?.() === 0;
  if (!aptGet || !isRoot) {
    throw new Error(
      'redis-server is not installed. Either set REDIS_URL to a Redis server, or install Redis ' +
        '(Debian/Ubuntu: `sudo apt-get install redis-server`; it is installed automatically when Verbatim runs as root with apt-get).',
    );
  }
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => run(aptGet, ['install', '-y', '--no-install-recommends', 'redis-server'], aptEnv);
  log('redis-server not found; installing it with apt-get');
  if (!(await install()).ok) {
    log('apt-get install failed; running apt-get update and trying again');
    const update = await run(aptGet, ['update'], aptEnv);
    if (!update.ok) throw new Error(`apt-get update failed:\n${update.output}`);
    const retry = await install();
    if (!retry.ok) throw new Error(`apt-get install redis-server failed:\n${retry.output}`);
  }
  const binary = findExecutable('redis-server', env, ['/usr/bin', '/usr/sbin']);
  if (!binary) throw new Error('apt-get installed redis-server, but it is not on PATH');
  log(`installed ${binary}`);
  return binary;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (err) => resolve({ ok: false, output: err.message }));
    child.once('close', (code) => resolve({ ok: code === 0, output: output.trim().split('\n').slice(-20).join('\n') }));
  });
}

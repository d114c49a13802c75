/**
 * Starts the real service in-process for an integration test: its own database and queue
 * prefix on the harness's FerretDB and Redis, a free port, and a GraphQL client.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startApp, type ProcessRole, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { testMongoUri, testRedisPrefix, testRedisUrl } from './services.js';

/** The ADMIN key every test app bootstraps (VERBATIM_ADMIN_KEY); `gql` sends it by default. */
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface TestApp extends RunningApp {
  url: string;
  /** ws:// address of the same /graphql endpoint, for graphql-ws clients. */
  wsUrl: string;
  /** Sends `Authorization: Bearer TEST_ADMIN_KEY` unless the call passes its own headers. */
  gql: GqlClient;
  /** A client without any Authorization header, plus one for any key. */
  anonymous: GqlClient;
  as(key: string): GqlClient;
}

export async function startTestApp(
  name: string,
  {
    roles = ['api', 'worker'] as ProcessRole[],
    env = {},
    now,
  }: { roles?: ProcessRole[]; env?: Record<string, string>; now?: () => Date } = {},
): Promise<TestApp> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    MONGODB_URI: testMongoUri(name),
    REDIS_URL: testRedisUrl(),
    VERBATIM_QUEUE_PREFIX: testRedisPrefix(name),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    VERBATIM_ADMIN_KEY: TEST_ADMIN_KEY,
    // Tests poll fast; rate limits are tested on their own (test/integration/limits.test.ts).
    VERBATIM_RATE_LIMIT_PER_MINUTE: '0',
    VERBATIM_INGEST_RATE_LIMIT_PER_MINUTE: '0',
    VERBATIM_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '0',
    // Parallel test apps each get a free metrics port.
    VERBATIM_METRICS_PORT: '0',
    // The assertions are written for the lexical engine; `auto` would switch engines when a model is installed.
    VERBATIM_ANALYSIS_ENGINE: 'lexical',
    ...env,
  });
  const app = await startApp(roles, config, createLogger(config.LOG_LEVEL), { now });
  const url = app.url ?? '';
  const as = (key: string) => createGqlClient(url, { authorization: `Bearer ${key}` });
  return { ...app, url, wsUrl: url.replace(/^http/, 'ws'), gql: as(TEST_ADMIN_KEY), anonymous: createGqlClient(url), as };
}

export interface GqlResult<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, any>; path?: (string | number)[] }[];
}

export type GqlClient = <T = Record<string, any>>(
  query: string,
  variables?: Record<string, unknown>,
  headers?: Record<string, string>,
) => Promise<GqlResult<T>>;

export function createGqlClient(url: string, defaultHeaders: Record<string, string> = {}): GqlClient {
  return async (query, variables, headers) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...defaultHeaders, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as GqlResult;
    return { ...body, status: res.status } as never;
  };
}

/** Polls until `check` returns a truthy value or the time runs out. */
export async function waitFor<T>(
  check: () => Promise<T | null | undefined | false>,
  {
    timeoutMs = 30_000,
    intervalMs = 100,
    what = 'condition',
  }: { timeoutMs?: number; intervalMs?: number; what?: string | (() => string) } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A graphql-ws client of the app's /graphql, authenticated with `key` (default: the admin key), connecting at once. */
export function wsClient(app: Pick<TestApp, 'wsUrl'>, key = TEST_ADMIN_KEY): { client: Client; connected: Promise<void> } {
  let onConnected!: () => void;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const client = createClient({
    url: app.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${key}` },
    lazy: false,
    retryAttempts: 0,
    on: { connected: () => onConnected() },
  });
  return { client, connected };
}

/**
 * Starts the real service in-process for an integration test: its own database and queue
 * prefix on the harness's FerretDB and Redis, a free port, and a GraphQL client.
 */
import { startApp, type Role, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { testMongoUri, testRedisPrefix, testRedisUrl } from './services.js';

export interface TestApp extends RunningApp {
  url: string;
  gql: GqlClient;
}

export async function startTestApp(
  name: string,
  { roles = ['api', 'worker'] as Role[], env = {} as Record<string, string> } = {},
): Promise<TestApp> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    MONGODB_URI: testMongoUri(name),
    REDIS_URL: testRedisUrl(),
    VERBATIM_QUEUE_PREFIX: testRedisPrefix(name),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...env,
  });
  const app = await startApp(roles, config, createLogger(config.LOG_LEVEL));
  const url = app.url ?? '';
  return { ...app, url, gql: createGqlClient(url) };
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
export async function waitFor<T>(check: () => Promise<T | null | undefined | false>, { timeoutMs = 30_000, intervalMs = 100, what = 'condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

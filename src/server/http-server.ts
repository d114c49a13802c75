/**
 * The API's HTTP server: GraphQL over HTTP and WebSocket (graphql-ws) on /graphql,
 * exports on /export/* (src/server/exports.ts), liveness on /healthz and readiness on /readyz.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import type { Context } from '../../schema/context.js';
import { createErrorFormatter } from '../../schema/errors.js';
import { httpCaller } from '../../schema/auth/connection-auth.js';
import { graphqlMetricsPlugin, httpMetricsMiddleware, metricsHandler } from '../metrics.js';
import { attachGraphqlWs } from './graphql-ws.js';
import type { RequestLimits } from './limits.js';
import { appRouter } from './app-static.js';
import { exportRouter } from './exports.js';

type ReadinessCheck = () => Promise<unknown>;

export interface ApiServerOptions {
  config: Config;
  schema: GraphQLSchema;
  services: Services;
  log: Logger;
  /** Named checks for /readyz, e.g. mongodb and redis pings. */
  readiness: Record<string, ReadinessCheck>;
  /** Body size, batching, depth/cost, rate and concurrency limits (src/server/limits.ts), over HTTP and WebSocket. */
  limits: RequestLimits;
  /** On close, how long open HTTP requests and WebSockets get before they are cut (default 10 s). */
  shutdownGraceMs?: number;
}

export interface ApiServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

const READINESS_TIMEOUT_MS = 2_000;

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { config, schema, services, log } = options;
  const graceMs = options.shutdownGraceMs ?? 10_000;
  const app = express();
  const httpServer = http.createServer(app);

  // The key bootstrapped from the environment exists before the first request.
  await services.apiKeys.bootstrapAdmin(config.VERBATIM_ADMIN_KEY);
  const formatError = createErrorFormatter(log);
  const ws = attachGraphqlWs({ httpServer, schema, services, config, log, limits: options.limits, formatError });

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.VERBATIM_INTROSPECTION,
    includeStacktraceInErrorResponses: false,
    validationRules: options.limits.validationRules,
    parseOptions: options.limits.parseOptions,
    allowBatchedHttpRequests: options.limits.allowBatchedHttpRequests,
    formatError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: graceMs }),
      graphqlMetricsPlugin<Context>(),
      options.limits.plugin,
      ...(config.VERBATIM_LANDING_PAGE ? [] : [ApolloServerPluginLandingPageDisabled()]),
      {
        async serverWillStart() {
          return { drainServer: async () => ws.dispose() };
        },
      },
    ],
  });
  await apollo.start();

  app.disable('x-powered-by');
  app.use(httpMetricsMiddleware());
  // /metrics has its own loopback listener (src/app.ts); on this public port only behind a token.
  if (config.VERBATIM_METRICS_TOKEN) app.get('/metrics', metricsHandler(config.VERBATIM_METRICS_TOKEN));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const results = await runReadiness(options.readiness);
    const ready = Object.values(results).every((r) => r === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks: results });
  });
  app.use(exportRouter(services, log));
  if (config.VERBATIM_APP_BASE_PATH !== 'off') app.use(appRouter(config.VERBATIM_APP_BASE_PATH, log));
  app.use(
    '/graphql',
    ...options.limits.middleware,
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = headerValue(req.headers['x-request-id']) ?? randomUUID();
        res.setHeader('x-request-id', requestId);
        const caller = await httpCaller(services, req.headers.authorization);
        return { requestId, log: log.child({ requestId, keyId: caller.keyId.slice(0, 12) }), services, caller };
      },
    }),
  );
  app.use('/graphql', options.limits.errorHandler);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.PORT, config.HOST, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}/graphql`;
  log.info({ url }, 'GraphQL API listening');
  if (config.VERBATIM_APP_BASE_PATH !== 'off') log.info(`insight app at ${url.replace(/\/graphql$/, config.VERBATIM_APP_BASE_PATH)}/`);

  return {
    port,
    url,
    async close() {
      // graphql-ws asks every socket to close (1001); one whose peer never completes the close
      // handshake is cut after the grace, like HTTP requests (keep-alive sockets) by the drain plugin.
      const cut = setTimeout(() => ws.terminateAll(), graceMs);
      try {
        await apollo.stop();
      } finally {
        clearTimeout(cut);
        httpServer.closeAllConnections();
      }
    },
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v && /^[A-Za-z0-9._-]{1,100}$/.test(v) ? v : undefined;
}

async function runReadiness(checks: Record<string, ReadinessCheck>): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), READINESS_TIMEOUT_MS).unref()),
        ]);
        return [name, 'ok'] as const;
      } catch (err) {
        return [name, `error: ${(err as Error).message}`] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * GraphQL over WebSocket (graphql-ws) on /graphql, under the same rules as HTTP: the frame size
 * of a request body, an anonymous per-IP budget for connecting, a valid key in `connection_init`
 * (or the upgrade's Authorization header), the same parse, validation (depth, aliases,
 * directives, introspection), cost, rate budgets and concurrency cap for every operation, and
 * bounds on connections per key and operations per connection.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { DocumentNode, GraphQLError as GraphQLErrorType, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import { bearerToken } from '../services/auth/api-key.service.js';
import type { Context } from '../../schema/context.js';
import { wsCaller, wsOnConnect, type WsAuthExtra } from '../../schema/auth/connection-auth.js';
import { graphql } from './graphql-module.js';
import type { Admission, RequestLimits } from './limits.js';

const { GraphQLError, NoSchemaIntrospectionCustomRule, getOperationAST, parse, specifiedRules, validate } = graphql;

/** WebSocket close code when a key holds too many connections (graphql-ws leaves 4400–4499 to servers). */
const WS_TOO_MANY_CONNECTIONS = 4429;

type Extra = Partial<WsAuthExtra> & {
  socket: WsAuthExtra['socket'];
  request: http.IncomingMessage;
  /** Admissions of this connection's running operations, by operation id. */
  admissions?: Map<string, Admission>;
  /** The key this connection is counted against (connections per key). */
  countedKey?: string;
};

export interface GraphqlWsOptions {
  httpServer: http.Server;
  schema: GraphQLSchema;
  services: Services;
  config: Pick<
    Config,
    'VERBATIM_INTROSPECTION' | 'VERBATIM_MAX_BODY_BYTES' | 'VERBATIM_WS_MAX_OPERATIONS' | 'VERBATIM_WS_MAX_CONNECTIONS_PER_KEY'
  >;
  log: Logger;
  limits: RequestLimits;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

export function attachGraphqlWs({ httpServer, schema, services, config, log, limits, formatError }: GraphqlWsOptions): {
  dispose(): Promise<void>;
  terminateAll(): void;
} {
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    // The same bound as an HTTP body: a larger frame closes the socket (1009) before it is parsed.
    maxPayload: config.VERBATIM_MAX_BODY_BYTES,
    // Before any frame is read: a key in the Authorization header must be valid, and a connection
    // without one is charged to its IP address's anonymous budget.
    verifyClient: (info, done) => {
      void (async () => {
        const header = info.req.headers.authorization;
        const caller = header ? await services.apiKeys.authenticate(bearerToken(header)) : null;
        if (header && !caller) return done(false, 401, 'Unauthorized');
        if (!caller) await limits.admitAnonymous(info.req.socket.remoteAddress ?? 'unknown');
        done(true);
      })().catch((err: unknown) => {
        const code = err instanceof GraphQLError ? err.extensions.code : undefined;
        if (code === 'RATE_LIMITED')
          return done(false, 429, 'Too Many Requests', {
            'retry-after': String(err instanceof GraphQLError ? err.extensions.retryAfterSeconds : 60),
          });
        log.warn({ err: (err as Error).message }, 'WebSocket upgrade check failed');
        done(false, 503, 'Service Unavailable');
      });
    },
  });

  const connectionsPerKey = new Map<string, number>();
  const onConnect = wsOnConnect(services);
  const introspectionRules = config.VERBATIM_INTROSPECTION ? [] : [NoSchemaIntrospectionCustomRule];
  const rules = [...specifiedRules, ...limits.validationRules, ...introspectionRules];

  const cleanup = useServer<Record<string, unknown>, Extra>(
    {
      schema,
      onConnect: async (ctx) => {
        // The header's key, when the upgrade carried one, stands for connectionParams.
        const header = ctx.extra.request.headers.authorization;
        const params =
          ctx.connectionParams?.authorization || !header ? ctx.connectionParams : { ...ctx.connectionParams, authorization: header };
        if (!(await onConnect({ connectionParams: params, extra: ctx.extra })) || !ctx.extra.caller) return false;
        const keyId = ctx.extra.caller.keyId;
        const open = connectionsPerKey.get(keyId) ?? 0;
        if (config.VERBATIM_WS_MAX_CONNECTIONS_PER_KEY > 0 && open >= config.VERBATIM_WS_MAX_CONNECTIONS_PER_KEY) {
          ctx.extra.socket.close(
            WS_TOO_MANY_CONNECTIONS,
            `TOO_MANY_CONNECTIONS: at most ${config.VERBATIM_WS_MAX_CONNECTIONS_PER_KEY} per key`,
          );
          return false;
        }
        connectionsPerKey.set(keyId, open + 1);
        ctx.extra.countedKey = keyId;
        ctx.extra.admissions = new Map();
        return true;
      },
      onClose: (ctx) => {
        for (const admission of ctx.extra.admissions?.values() ?? []) admission.release();
        const keyId = ctx.extra.countedKey;
        if (!keyId) return;
        ctx.extra.countedKey = undefined;
        const left = (connectionsPerKey.get(keyId) ?? 1) - 1;
        if (left > 0) connectionsPerKey.set(keyId, left);
        else connectionsPerKey.delete(keyId);
      },
      onSubscribe: async (ctx, id, payload) => {
        // graphql-ws has registered this id already, so the count includes it.
        if (Object.keys(ctx.subscriptions).length > config.VERBATIM_WS_MAX_OPERATIONS) {
          return [
            limitError(`At most ${config.VERBATIM_WS_MAX_OPERATIONS} operations may be open on one connection`, 'TOO_MANY_OPERATIONS', {
              max: config.VERBATIM_WS_MAX_OPERATIONS,
            }),
          ];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, limits.parseOptions);
        } catch (err) {
          return [withCode(err, 'GRAPHQL_PARSE_FAILED')];
        }
        let errors: readonly GraphQLErrorType[];
        try {
          errors = validate(schema, document, rules);
        } catch (err) {
          // GraphQL Armor's rules throw their rejection instead of reporting it.
          errors = [err instanceof GraphQLError ? err : new GraphQLError('Query validation failed')];
        }
        if (errors.length > 0) return errors.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [limitError('Unable to identify the operation to run (operationName)', 'GRAPHQL_VALIDATION_FAILED')];
        // The caller as of now: a key revoked since the connection opened runs nothing more.
        const caller = await wsCaller(services, ctx.extra);
        if (!caller) return [limitError('The API key of this connection is no longer valid', 'UNAUTHENTICATED')];
        try {
          const admission = await limits.admit({
            caller,
            schema,
            document,
            operation,
            operationName: payload.operationName,
            variables: payload.variables,
          });
          ctx.extra.admissions?.set(id, admission);
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
      },
      // A query's slot is free once it has run; a subscription's once it is set up (deliveries are bounded per connection).
      onOperation: (ctx, id) => releaseOperation(ctx.extra, id),
      onComplete: (ctx, id) => releaseOperation(ctx.extra, id),
      context: async (ctx) => {
        const requestId = randomUUID();
        const caller = await wsCaller(services, ctx.extra);
        return { requestId, log: log.child({ requestId, keyId: caller?.keyId.slice(0, 12) }), services, caller } satisfies Context;
      },
      // The same error codes and redaction as over HTTP.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e)),
    },
    wsServer,
  );
  return {
    dispose: async () => cleanup.dispose(),
    // Sockets whose peer never completes the close handshake are cut at shutdown.
    terminateAll: () => {
      for (const socket of wsServer.clients) socket.terminate();
    },
  };
}

function releaseOperation(extra: Extra, id: string): void {
  extra.admissions?.get(id)?.release();
  extra.admissions?.delete(id);
}

function limitError(message: string, code: string, extensions: Record<string, unknown> = {}): GraphQLErrorType {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/** Apollo tags parse and validation errors with a code; the WebSocket's get the same one. */
function withCode(err: unknown, code: string): GraphQLErrorType {
  if (!(err instanceof GraphQLError)) return limitError('The operation could not be read', code);
  if (err.extensions.code) return err;
  return new GraphQLError(err.message, {
    nodes: err.nodes,
    source: err.source,
    positions: err.positions,
    extensions: { ...err.extensions, code },
  });
}

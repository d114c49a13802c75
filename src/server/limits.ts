/**
 * Limits against abuse on /graphql, the same over HTTP and graphql-ws: request body (frame) size,
 * batched operations, document tokens, depth, aliases and directives (GraphQL Armor's validation
 * rules), cost (src/server/cost.ts), rate limits per verified API key (per IP without one) kept in
 * Redis so they hold across API instances, and a cap on one key's expensive operations in flight.
 * Every rejection is a JSON GraphQL-style error with a code.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode, ValidationContext, ValidationRule } from 'graphql';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { metrics } from '../metrics.js';
import { bearerToken } from '../services/auth/api-key.service.js';
import type { Services } from '../services/index.js';
import type { Caller, Context } from '../../schema/context.js';
import { operationCost, tooCostly } from './cost.js';
import { graphql } from './graphql-module.js';

const { GraphQLError, Kind, OperationTypeNode } = graphql;

export type LimitsConfig = Pick<
  Config,
  | 'VERBATIM_MAX_QUERY_DEPTH'
  | 'VERBATIM_MAX_QUERY_COST'
  | 'VERBATIM_MAX_ALIASES'
  | 'VERBATIM_MAX_DIRECTIVES'
  | 'VERBATIM_MAX_TOKENS'
  | 'VERBATIM_MAX_CONCURRENT_EXPENSIVE'
  | 'VERBATIM_MAX_BODY_BYTES'
  | 'VERBATIM_MAX_BATCH_OPERATIONS'
  | 'VERBATIM_RATE_LIMIT_PER_MINUTE'
  | 'VERBATIM_INGEST_RATE_LIMIT_PER_MINUTE'
  | 'VERBATIM_ANONYMOUS_RATE_LIMIT_PER_MINUTE'
  | 'VERBATIM_MAX_PAGE_SIZE'
  | 'VERBATIM_QUEUE_PREFIX'
>;

/** What an operation asks of the guard once it is parsed, validated and its caller verified. */
interface AdmitRequest {
  caller: Caller;
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

export interface Admission {
  /** Points left in the budget the operation was charged to (null when that budget is unlimited). */
  remaining: number | null;
  /** Frees the operation's slot among its key's expensive operations (no-op when it took none); idempotent. */
  release(): void;
}

export interface RequestLimits {
  /** Depth, alias and directive rules, for ApolloServer's `validationRules` and the WebSocket's validation. */
  validationRules: ValidationRule[];
  /** For ApolloServer's `parseOptions` and the WebSocket's parse. */
  parseOptions: { maxTokens: number };
  allowBatchedHttpRequests: boolean;
  /** Mounted on /graphql in this order, before Apollo's middleware. */
  middleware: RequestHandler[];
  /** Mounted on /graphql after Apollo's middleware: body-parser errors as JSON. */
  errorHandler: ErrorRequestHandler;
  /** Cost, rate budget and concurrency of each HTTP operation. */
  plugin: ApolloServerPlugin<Context>;
  /** Cost, rate budget and concurrency of an operation; throws the GraphQLError to answer with. */
  admit(request: AdmitRequest): Promise<Admission>;
  /** Charges one request or connection of an anonymous caller (no valid key) to its IP address's budget. */
  admitAnonymous(ip: string): Promise<void>;
}

/** A JSON body shaped like a GraphQL response, so every client can read the code. */
export function sendGraphqlError(
  res: Response,
  status: number,
  code: string,
  message: string,
  extensions: Record<string, unknown> = {},
): void {
  res.status(status).json({ errors: [{ message, extensions: { code, ...extensions } }] });
}

export function createRequestLimits({
  config,
  redis,
  log,
  apiKeys,
}: {
  config: LimitsConfig;
  redis: Redis | null;
  log: Logger;
  apiKeys: Pick<Services['apiKeys'], 'authenticate'>;
}): RequestLimits {
  const maxBatch = config.VERBATIM_MAX_BATCH_OPERATIONS;
  const budgets = createBudgets({ config, redis, log });
  const inFlight = new ExpensiveOperations(config.VERBATIM_MAX_CONCURRENT_EXPENSIVE);

  const batchGuard: RequestHandler = (req, res, next) => {
    if (Array.isArray(req.body) && (maxBatch <= 1 || req.body.length > maxBatch)) {
      sendGraphqlError(
        res,
        400,
        'BATCH_TOO_LARGE',
        maxBatch <= 1
          ? 'Batched requests are disabled; send one operation per request'
          : `At most ${maxBatch} operations per batched request`,
        { max: maxBatch },
      );
      return;
    }
    next();
  };

  // A request without a valid key (none, made up or revoked) is charged to its IP address; a
  // valid key's operations are charged to the key once Apollo has resolved them (plugin below).
  const anonymousGuard: RequestHandler = async (req, res, next) => {
    try {
      const caller = await apiKeys.authenticate(bearerToken(req.headers.authorization));
      if (!caller) await budgets.consume('anonymous', `ip:${clientIp(req)}`, Array.isArray(req.body) ? Math.max(1, req.body.length) : 1);
      next();
    } catch (err) {
      if (err instanceof GraphQLError && err.extensions.code === 'RATE_LIMITED') {
        const retryAfter = Number(err.extensions.retryAfterSeconds);
        res.setHeader('retry-after', String(retryAfter));
        res.setHeader('x-ratelimit-remaining', '0');
        return sendGraphqlError(res, 429, 'RATE_LIMITED', err.message, { retryAfterSeconds: retryAfter });
      }
      next(err);
    }
  };

  const errorHandler: ErrorRequestHandler = (err: { type?: string; status?: number; limit?: number }, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err?.type === 'entity.too.large') {
      return sendGraphqlError(res, 413, 'PAYLOAD_TOO_LARGE', `Request body larger than ${config.VERBATIM_MAX_BODY_BYTES} bytes`, {
        maxBytes: config.VERBATIM_MAX_BODY_BYTES,
      });
    }
    if (err?.type === 'entity.parse.failed' || err?.type === 'charset.unsupported' || err?.type === 'encoding.unsupported') {
      return sendGraphqlError(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON');
    }
    if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      return sendGraphqlError(res, err.status, 'BAD_REQUEST', 'The request could not be read');
    }
    next(err);
  };

  const admit = async ({ caller, schema, document, operation, operationName, variables }: AdmitRequest): Promise<Admission> => {
    const { cost, expensive } = operationCost({ schema, document, operationName, variables, maxPageSize: config.VERBATIM_MAX_PAGE_SIZE });
    if (cost > config.VERBATIM_MAX_QUERY_COST) throw tooCostly(cost, config.VERBATIM_MAX_QUERY_COST);
    const remaining = await budgets.consume(isIngestOperation(operation) ? 'ingest' : 'api', `key:${caller.keyId.slice(0, 32)}`, 1);
    return { remaining, release: expensive ? inFlight.acquire(caller.keyId) : () => {} };
  };

  const plugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      let admission: Admission | null = null;
      return {
        async didResolveOperation(rc) {
          const caller = rc.contextValue.caller;
          if (!caller || !rc.operation) return;
          admission = await admit({
            caller,
            schema: rc.schema,
            document: rc.document,
            operation: rc.operation,
            operationName: rc.operationName,
            variables: rc.request.variables,
          });
          if (admission.remaining !== null) rc.response.http.headers.set('x-ratelimit-remaining', String(admission.remaining));
        },
        async willSendResponse() {
          admission?.release();
        },
      };
    },
  };

  const depth = config.VERBATIM_MAX_QUERY_DEPTH;
  // GraphQL Armor throws its rejection by default, which Apollo answers with a 500: report it as a
  // validation error instead (400, GRAPHQL_VALIDATION_FAILED), like graphql's own rules.
  const reported = (message: string) => ({
    exposeLimits: false,
    errorMessage: message,
    propagateOnRejection: false,
    // Reported with our own message: Armor prefixes "Syntax Error:", which this is not.
    onReject: [(context: ValidationContext | null) => context?.reportError(new GraphQLError(message))],
  });
  return {
    validationRules: [
      // Fragments count where they are spread; introspection (`__schema`) is left out so tools work.
      maxDepthRule({ n: depth, flattenFragments: true, ...reported(`Query is nested deeper than the limit of ${depth} levels`) }),
      maxAliasesRule({
        n: config.VERBATIM_MAX_ALIASES,
        ...reported(`Query uses more than the limit of ${config.VERBATIM_MAX_ALIASES} aliases`),
      }),
      maxDirectivesRule({
        n: config.VERBATIM_MAX_DIRECTIVES,
        ...reported(`Query uses more than the limit of ${config.VERBATIM_MAX_DIRECTIVES} directives`),
      }),
    ],
    parseOptions: { maxTokens: config.VERBATIM_MAX_TOKENS },
    allowBatchedHttpRequests: maxBatch > 1,
    middleware: [express.json({ limit: config.VERBATIM_MAX_BODY_BYTES }), batchGuard, anonymousGuard],
    errorHandler,
    plugin,
    admit,
    admitAnonymous: async (ip) => void (await budgets.consume('anonymous', `ip:${ip}`, 1)),
  };
}

function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

// ---------------------------------------------------------------- which budget

/** Mutations that count against the ingest budget instead of the general one. */
const INGEST_FIELDS = new Set(['submitResponse', 'importResponses', 'recordTouchpointEvent', 'importTouchpointEvents']);

/**
 * True when the operation that runs is a mutation whose every root field is an ingest mutation.
 * Fragments at the root are not looked into: such an operation is charged to the general budget.
 */
export function isIngestOperation(operation: OperationDefinitionNode): boolean {
  return (
    operation.operation === OperationTypeNode.MUTATION &&
    operation.selectionSet.selections.length > 0 &&
    operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && INGEST_FIELDS.has(s.name.value))
  );
}

// ---------------------------------------------------------------- rate budgets

type Budget = 'api' | 'ingest' | 'anonymous';

function createBudgets({ config, redis, log }: { config: LimitsConfig; redis: Redis | null; log: Logger }) {
  const limiter = (name: string, perMinute: number): RateLimiterAbstract | null => {
    if (perMinute <= 0) return null;
    const options = { keyPrefix: `${config.VERBATIM_QUEUE_PREFIX}:ratelimit:${name}`, points: perMinute, duration: 60 };
    // While Redis is down each instance keeps counting in memory: limits loosen, requests go on.
    const insurance = new RateLimiterMemory(options);
    return redis ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: insurance }) : insurance;
  };
  const limiters: Record<Budget, RateLimiterAbstract | null> = {
    api: limiter('api', config.VERBATIM_RATE_LIMIT_PER_MINUTE),
    ingest: limiter('ingest', config.VERBATIM_INGEST_RATE_LIMIT_PER_MINUTE),
    anonymous: limiter('anonymous', config.VERBATIM_ANONYMOUS_RATE_LIMIT_PER_MINUTE),
  };
  return {
    /** Charges `points` to `key` in `budget`; the points left, or throws RATE_LIMITED. */
    async consume(budget: Budget, key: string, points: number): Promise<number | null> {
      const chosen = limiters[budget];
      if (!chosen) return null;
      try {
        return (await chosen.consume(key, points)).remainingPoints;
      } catch (err) {
        if (err instanceof RateLimiterRes) {
          const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
          metrics.rateLimited.inc({ budget });
          throw new GraphQLError(`Too many requests; retry after ${retryAfter} s`, {
            extensions: {
              code: 'RATE_LIMITED',
              retryAfterSeconds: retryAfter,
              http: { status: 429, headers: new Map([['retry-after', String(retryAfter)]]) },
            },
          });
        }
        // The limiter itself failed (should not happen with the in-memory insurance): let the request through.
        log.warn({ err: (err as Error).message }, 'rate limiter failed; request allowed');
        return null;
      }
    },
  };
}

// ---------------------------------------------------------------- expensive operations in flight

/**
 * Counts each key's expensive operations running on this instance. Kept in memory: a slot is a
 * request in progress here, and a crashed instance must not leave slots taken elsewhere.
 */
class ExpensiveOperations {
  private readonly running = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes a slot for `keyId` or throws TOO_MANY_CONCURRENT_OPERATIONS; returns its release. */
  acquire(keyId: string): () => void {
    if (this.max <= 0) return () => {};
    const now = this.running.get(keyId) ?? 0;
    if (now >= this.max) {
      throw new GraphQLError(`This key already has ${this.max} insight operations running; wait for one to finish`, {
        extensions: {
          code: 'TOO_MANY_CONCURRENT_OPERATIONS',
          max: this.max,
          http: { status: 429, headers: new Map([['retry-after', '1']]) },
        },
      });
    }
    this.running.set(keyId, now + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.running.get(keyId) ?? 1) - 1;
      if (left > 0) this.running.set(keyId, left);
      else this.running.delete(keyId);
    };
  }
}

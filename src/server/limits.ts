/**
 * Limits against abuse on /graphql: request body size, batched operations, query depth and cost
 * (validation rule), and rate limits per API key (per IP when anonymous) kept in Redis so they
 * hold across API instances. Every rejection is a JSON GraphQL-style error with a code.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import {
  GraphQLError,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { metrics } from '../metrics.js';

export type LimitsConfig = Pick<
  Config,
  | 'VERBATIM_MAX_QUERY_DEPTH'
  | 'VERBATIM_MAX_QUERY_COST'
  | 'VERBATIM_MAX_BODY_BYTES'
  | 'VERBATIM_MAX_BATCH_OPERATIONS'
  | 'VERBATIM_RATE_LIMIT_PER_MINUTE'
  | 'VERBATIM_INGEST_RATE_LIMIT_PER_MINUTE'
  | 'VERBATIM_ANONYMOUS_RATE_LIMIT_PER_MINUTE'
  | 'VERBATIM_MAX_PAGE_SIZE'
  | 'VERBATIM_QUEUE_PREFIX'
>;

export interface RequestLimits {
  /** For ApolloServer's `validationRules` (and graphql-ws's validate). */
  validationRules: ValidationRule[];
  allowBatchedHttpRequests: boolean;
  /** Mounted on /graphql in this order, before Apollo's middleware. */
  middleware: RequestHandler[];
  /** Mounted on /graphql after Apollo's middleware: body-parser errors as JSON. */
  errorHandler: ErrorRequestHandler;
}

/** A JSON body shaped like a GraphQL response, so every client can read the code. */
export function sendGraphqlError(res: Response, status: number, code: string, message: string, extensions: Record<string, unknown> = {}): void {
  res.status(status).json({ errors: [{ message, extensions: { code, ...extensions } }] });
}

export function createRequestLimits({ config, redis, log }: { config: LimitsConfig; redis: Redis | null; log: Logger }): RequestLimits {
  const maxBatch = config.VERBATIM_MAX_BATCH_OPERATIONS;
  const rateLimit = createRateLimitMiddleware({ config, redis, log });

  const batchGuard: RequestHandler = (req, res, next) => {
    if (Array.isArray(req.body) && (maxBatch <= 1 || req.body.length > maxBatch)) {
      sendGraphqlError(
        res,
        400,
        'BATCH_TOO_LARGE',
        maxBatch <= 1 ? 'Batched requests are disabled; send one operation per request' : `At most ${maxBatch} operations per batched request`,
        { max: maxBatch },
      );
      return;
    }
    next();
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

  return {
    validationRules: [queryLimitsRule({ maxDepth: config.VERBATIM_MAX_QUERY_DEPTH, maxCost: config.VERBATIM_MAX_QUERY_COST, maxPageSize: config.VERBATIM_MAX_PAGE_SIZE })],
    allowBatchedHttpRequests: maxBatch > 1,
    middleware: [express.json({ limit: config.VERBATIM_MAX_BODY_BYTES }), batchGuard, rateLimit],
    errorHandler,
  };
}

// ---------------------------------------------------------------- depth and cost

/**
 * graphql's `validate` with the limit rules added, for graphql-ws. Loaded with require so it is
 * the same graphql module (CommonJS) that built the schema, whatever resolver loads this file.
 */
export function validateWithLimits(rules: ValidationRule[]): typeof import('graphql').validate {
  const graphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');
  return (schema, document, extra, options, typeInfo) => graphql.validate(schema, document, [...(extra ?? graphql.specifiedRules), ...rules], options, typeInfo);
}

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  /** The `first` assumed when it comes from a variable (validation cannot see variables). */
  maxPageSize: number;
}

/**
 * Rejects operations nested deeper than `maxDepth` or costing more than `maxCost`. Cost: every
 * selected field (aliases and fragment spreads counted each time they appear) costs 1, and what a
 * field with a `first` argument selects is multiplied by that page size (only its `edges`/`nodes`
 * when it is a connection that selects them directly). Introspection fields are
 * free, so tools keep working while introspection is allowed.
 */
export function queryLimitsRule({ maxDepth, maxCost, maxPageSize }: QueryLimits): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(operation) {
      const fragments = (name: string): FragmentDefinitionNode | undefined => context.getFragment(name) ?? undefined;
      // Stops walking early: a hostile document must not make the walk itself expensive.
      const budget = { cost: 0, depth: 0, aborted: false };
      const walk = (set: SelectionSetNode, depth: number, parentMultiplier: number, seen: Set<string>, itemPage = 1): void => {
        for (const selection of set.selections) {
          if (budget.aborted) return;
          if (selection.kind === Kind.FIELD) {
            if (selection.name.value.startsWith('__')) continue;
            const multiplier = ITEM_FIELDS.has(selection.name.value) ? parentMultiplier * itemPage : parentMultiplier;
            budget.cost += multiplier;
            budget.depth = Math.max(budget.depth, depth);
            if (budget.depth > maxDepth || budget.cost > maxCost) {
              budget.aborted = true;
              return;
            }
            if (selection.selectionSet) {
              const page = pageSizeOf(selection, maxPageSize);
              // A connection's page multiplies its items (edges/nodes), not totalCount or pageInfo.
              const itemsOnly = page > 1 && hasItems(selection.selectionSet);
              walk(selection.selectionSet, depth + 1, itemsOnly ? multiplier : multiplier * page, seen, itemsOnly ? page : 1);
            }
          } else if (selection.kind === Kind.INLINE_FRAGMENT) {
            walk(selection.selectionSet, depth, parentMultiplier, seen, itemPage);
          } else {
            const name = selection.name.value;
            const fragment = fragments(name);
            // Cycles are reported by graphql's own NoFragmentCycles rule; here they just stop.
            if (!fragment || seen.has(name)) continue;
            walk(fragment.selectionSet, depth, parentMultiplier, new Set([...seen, name]), itemPage);
          }
        }
      };
      walk(operation.selectionSet, 1, 1, new Set());
      if (budget.depth > maxDepth) {
        context.reportError(new GraphQLError(`Query is nested deeper than the limit of ${maxDepth} levels`, { nodes: [operation], extensions: { code: 'QUERY_TOO_DEEP' } }));
      } else if (budget.cost > maxCost) {
        context.reportError(new GraphQLError(`Query costs more than the limit of ${maxCost} (one per field, times the page size under a \`first\` argument)`, { nodes: [operation], extensions: { code: 'QUERY_TOO_COSTLY' } }));
      }
    },
  });
}

const ITEM_FIELDS = new Set(['edges', 'nodes']);

/** True when a selection picks a connection's items directly (fragments are not looked into). */
function hasItems(set: SelectionSetNode): boolean {
  return set.selections.some((s) => s.kind === Kind.FIELD && ITEM_FIELDS.has(s.name.value));
}

function pageSizeOf(field: FieldNode, maxPageSize: number): number {
  const first = field.arguments?.find((a) => a.name.value === 'first');
  if (!first) return 1;
  if (first.value.kind === Kind.INT) return Math.max(1, Math.min(Number(first.value.value), maxPageSize));
  if (first.value.kind === Kind.VARIABLE) return maxPageSize;
  return 1;
}

// ---------------------------------------------------------------- rate limits

/** Mutations that count against the ingest budget instead of the general one. */
const INGEST_OPERATION = /^\s*mutation\b[^{]*\{\s*(?:\w+\s*:\s*)?(?:submitResponse|importResponses)\b/;

interface RateLimitDeps {
  config: LimitsConfig;
  redis: Redis | null;
  log: Logger;
}

/** The caller's identity for rate limiting: a hash of its API key, else its IP address. */
export function rateLimitKey(req: Request): { key: string; anonymous: boolean } {
  const header = req.headers.authorization;
  const token = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1] : undefined;
  if (token) return { key: `key:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`, anonymous: false };
  return { key: `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`, anonymous: true };
}

function createRateLimitMiddleware({ config, redis, log }: RateLimitDeps): RequestHandler {
  const limiter = (name: string, perMinute: number): RateLimiterAbstract | null => {
    if (perMinute <= 0) return null;
    const options = { keyPrefix: `${config.VERBATIM_QUEUE_PREFIX}:ratelimit:${name}`, points: perMinute, duration: 60 };
    // While Redis is down each instance keeps counting in memory: limits loosen, requests go on.
    const insurance = new RateLimiterMemory(options);
    return redis ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: insurance }) : insurance;
  };
  const general = limiter('api', config.VERBATIM_RATE_LIMIT_PER_MINUTE);
  const ingest = limiter('ingest', config.VERBATIM_INGEST_RATE_LIMIT_PER_MINUTE);
  const anonymous = limiter('anonymous', config.VERBATIM_ANONYMOUS_RATE_LIMIT_PER_MINUTE);

  return async (req, res, next) => {
    const operations: unknown[] = Array.isArray(req.body) ? req.body : [req.body ?? req.query];
    const who = rateLimitKey(req);
    const isIngest = operations.every((op) => typeof (op as { query?: unknown })?.query === 'string' && INGEST_OPERATION.test((op as { query: string }).query));
    const budget = who.anonymous ? 'anonymous' : isIngest ? 'ingest' : 'api';
    const chosen = who.anonymous ? anonymous : isIngest ? ingest : general;
    if (!chosen) return next();
    try {
      const result = await chosen.consume(who.key, Math.max(1, operations.length));
      res.setHeader('x-ratelimit-remaining', String(result.remainingPoints));
      next();
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        res.setHeader('retry-after', String(retryAfter));
        res.setHeader('x-ratelimit-remaining', '0');
        metrics.rateLimited.inc({ budget });
        sendGraphqlError(res, 429, 'RATE_LIMITED', `Too many requests; retry after ${retryAfter} s`, { retryAfterSeconds: retryAfter });
        return;
      }
      // The limiter itself failed (should not happen with the in-memory insurance): let the request through.
      log.warn({ err: (err as Error).message }, 'rate limiter failed; request allowed');
      next();
    }
  };
}

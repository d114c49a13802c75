/**
 * Every error leaves with a code and without a stack trace. Service errors carry their own
 * code and field; GraphQL's own input errors are tagged BAD_USER_INPUT with the field they name.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { AppError, InputError } from '../src/errors.js';
import type { Logger } from '../src/logger.js';

/** Messages of graphql-js validation that are really about the client's values. */
const INPUT_VALIDATION =
  /Expected value of type|cannot represent|of required type .* was not provided|is not defined by type|Expected type/;

/** `at "input.score"` or `Field "score"` → the field path. */
function fieldOf(message: string): string | undefined {
  return (
    /at "([^"]+)"/.exec(message)?.[1] ??
    /Field "([^"]+)" of required type/.exec(message)?.[1] ??
    /Field "([^"]+)" is not defined by type/.exec(message)?.[1]
  );
}

export function createErrorFormatter(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };

    if (original instanceof InputError) {
      return {
        ...base,
        message: original.message,
        extensions: { code: 'BAD_USER_INPUT', field: original.problems[0]?.field, fields: original.problems },
      };
    }
    if (original instanceof AppError) {
      return { ...base, message: original.message, extensions: { code: original.code, ...original.details } };
    }
    if (original instanceof ArgumentValidationError) {
      return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
    }
    const code = formatted.extensions?.code as string | undefined;
    if (code === 'BAD_USER_INPUT' || (code === 'GRAPHQL_VALIDATION_FAILED' && INPUT_VALIDATION.test(formatted.message))) {
      return { ...base, extensions: { code: 'BAD_USER_INPUT', field: fieldOf(formatted.message) } };
    }
    if (code && code !== 'INTERNAL_SERVER_ERROR') {
      return { ...base, extensions: { code, ...limitDetails(formatted.extensions) } };
    }
    if (original instanceof GraphQLError && original.extensions?.code) {
      return { ...base, extensions: { code: original.extensions.code } };
    }
    if (isStorageUnavailable(original)) {
      log.warn({ err: (original as Error).message }, 'storage unavailable during GraphQL operation');
      return { ...base, message: 'The database is unavailable right now; retry shortly', extensions: { code: 'SERVICE_UNAVAILABLE' } };
    }
    // Unexpected: log the details, show the client only an opaque message.
    log.error({ err: original, path: formatted.path }, 'unexpected error in GraphQL operation');
    return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/** The numbers a limit's rejection carries (src/server/limits.ts), so a client knows what to change or when to retry. */
const LIMIT_DETAILS = ['retryAfterSeconds', 'max', 'cost', 'maxCost'] as const;

function limitDetails(extensions: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(LIMIT_DETAILS.filter((k) => typeof extensions?.[k] === 'number').map((k) => [k, extensions?.[k]]));
}

/** Driver errors that mean "the database cannot be reached", not "the request is wrong". */
function isStorageUnavailable(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? '';
  return /MongoServerSelectionError|MongoNetworkError|MongoNetworkTimeoutError|MongoNotConnectedError|MongoTopologyClosedError/.test(name);
}

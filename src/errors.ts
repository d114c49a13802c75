/**
 * Errors the services throw on purpose. The GraphQL layer maps them to error codes;
 * anything else is an internal error whose details stay in the logs.
 */
export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'CONFLICT' | 'RATE_LIMITED' | 'UNAVAILABLE';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export interface FieldProblem {
  /** Path of the offending field, e.g. `score` or `customer.email`. */
  field: string;
  message: string;
}

export class InputError extends AppError {
  constructor(readonly problems: FieldProblem[]) {
    super('BAD_USER_INPUT', problems.map((p) => `${p.field}: ${p.message}`).join('; '), {
      field: problems[0]?.field,
      fields: problems.map((p) => p.field),
    });
    this.name = 'InputError';
  }
}

export const notFound = (what: string, id: string) => new AppError('NOT_FOUND', `${what} ${id} not found`, { id });

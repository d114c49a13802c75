/**
 * What one GraphQL operation costs, computed with graphql-query-complexity from the field weights
 * below and the operation's real arguments (so `first`, `limit` and a comment search count).
 * Each field costs 1 unless weighted here; what a field selects is multiplied by the number of
 * items it returns (its page size, `limit`, or the expected list size). Fields that read many
 * responses are also marked `expensive`: they count against the per-key concurrency cap.
 */
import type { DocumentNode, FieldNode, GraphQLError as GraphQLErrorType, GraphQLSchema } from 'graphql';
import { getComplexity, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { graphql } from './graphql-module.js';
import { DEFAULT_PAGE_SIZE } from '../services/paging.js';

const { GraphQLError, Kind, getOperationAST, getVariableValues } = graphql;

/** A field's arguments, coerced by graphql-query-complexity; `filter` is a ResponseFilter where a field takes one. */
type FieldArgs = { [name: string]: unknown; filter?: { search?: string | null } | null };

interface FieldWeight {
  /** Cost of resolving the field itself. */
  cost: number | ((args: FieldArgs) => number);
  /** How many items it returns: multiplies the cost of what it selects. */
  items?: (args: FieldArgs, page: () => number) => number;
  /** Scans responses or runs analysis: limited per key in flight (VERBATIM_MAX_CONCURRENT_EXPENSIVE). */
  expensive?: boolean;
}

/** A comment search is a regular-expression scan of up to VERBATIM_INSIGHTS_MAX_SCAN responses. */
const SEARCH_COST = 200;
const withSearch = (base: number) => (args: FieldArgs) => base + (args.filter?.search ? SEARCH_COST : 0);
const byPage = (_args: FieldArgs, page: () => number) => page();

/**
 * Weights by `Type.field`, sized from measurements on the probe's data set (docs/security.md):
 * a themeBreakdown ~150 ms, an emergingThemes ~1 s, an atRiskCustomers page ~100 ms or more,
 * against ~1 ms for a field of a loaded object.
 */
const FIELD_WEIGHTS: Record<string, FieldWeight> = {
  'Query.themeBreakdown': { cost: withSearch(1_000), items: () => 25, expensive: true },
  'Query.drivers': { cost: withSearch(1_000), items: (args) => Math.min(Number(args.limit ?? 10), 100), expensive: true },
  'Query.npsTrend': { cost: withSearch(500), expensive: true },
  'Query.segments': { cost: withSearch(1_000), items: () => 25, expensive: true },
  'Query.emergingThemes': { cost: withSearch(5_000), expensive: true },
  'Query.atRiskCustomers': { cost: 500, items: byPage, expensive: true },
  'Query.followUpMetrics': { cost: 500, expensive: true },
  'Query.nps': { cost: withSearch(10) },
  'Query.responses': { cost: withSearch(10), items: byPage },
  'Query.alerts': { cost: 10, items: byPage },
  'Query.webhookDeliveries': { cost: 10, items: byPage },
  'Query.customer': { cost: 10 },
  'Query.importProgress': { cost: 10 },
  // Each delivery of an event re-reads what the subscription selects.
  'Subscription.atRiskAlert': { cost: 50 },
  'Subscription.responseAnalyzed': { cost: 50 },
};

export interface OperationCost {
  cost: number;
  /** True when the operation selects a field marked expensive. */
  expensive: boolean;
}

export interface CostOptions {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  /** The page size assumed for a `first` given by a variable or omitted (the largest allowed). */
  maxPageSize: number;
}

/**
 * The page size a `first` argument asks for. One given by a variable counts as the largest page,
 * as a literal would be checked against it, so the cost does not change with the variables.
 */
function pageSize(maxPageSize: number) {
  return (node: FieldNode, args: FieldArgs): number => {
    const first = node.arguments?.find((a) => a.name.value === 'first');
    if (!first || first.value.kind !== Kind.INT)
      return first ? maxPageSize : Math.min(Number(args.first ?? DEFAULT_PAGE_SIZE), maxPageSize);
    return Math.max(1, Math.min(Number(first.value.value), maxPageSize));
  };
}

/** The operation's cost; throws a GraphQLError when its arguments cannot be read (validation reports those). */
export function operationCost({ schema, document, operationName, variables, maxPageSize }: CostOptions): OperationCost {
  let expensive = false;
  const page = pageSize(maxPageSize);
  const estimator = ({ type, field, node, args, childComplexity }: ComplexityEstimatorArgs): number => {
    // Introspection is free, so tools keep working while it is allowed (looked up by the real
    // field name, so an alias named __schema buys nothing).
    if (field.name.startsWith('__') || type.name.startsWith('__')) return 0;
    const weight = FIELD_WEIGHTS[`${type.name}.${field.name}`];
    if (!weight) {
      // Any other field with a `first` argument is a page of items.
      const hasFirst = field.args.some((a) => a.name === 'first');
      return 1 + childComplexity * (hasFirst ? page(node, args) : 1);
    }
    if (weight.expensive) expensive = true;
    const cost = typeof weight.cost === 'function' ? weight.cost(args) : weight.cost;
    const items = weight.items ? weight.items(args, () => page(node, args)) : 1;
    return cost + childComplexity * Math.max(1, items);
  };
  try {
    const cost = getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      estimators: [estimator],
    });
    return { cost, expensive };
  } catch (err) {
    // Variables that do not fit their types: execution refuses them (BAD_USER_INPUT) before any
    // resolver runs, so the operation costs nothing. Anything else is a real failure.
    const operation = getOperationAST(document, operationName);
    const coerced = operation ? getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}) : { errors: [] };
    if (coerced.errors?.length) return { cost: 0, expensive: false };
    throw err;
  }
}

/** The error for an operation above VERBATIM_MAX_QUERY_COST. */
export function tooCostly(cost: number, maxCost: number): GraphQLErrorType {
  return new GraphQLError(
    `Query costs more than the limit of ${maxCost} (it costs ${cost}; insight and search fields weigh more, see docs/security.md)`,
    {
      extensions: { code: 'QUERY_TOO_COSTLY', cost, maxCost, http: { status: 400 } },
    },
  );
}

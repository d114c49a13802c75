/**
 * The pure parts of the operation limits: which budget an operation spends (the one that runs,
 * every root field an ingest mutation) and what an operation costs (weights, pages, search,
 * introspection free, aliases counted).
 */
import { describe, expect, it } from 'vitest';
import { operationCost } from '../../src/server/cost.js';
import { graphql } from '../../src/server/graphql-module.js';
import { isIngestOperation } from '../../src/server/limits.js';

// The CommonJS graphql that graphql-query-complexity uses (vitest would import the ESM build).
const { buildSchema, getOperationAST, parse } = graphql;

const schema = buildSchema(`
  input ResponseFilter { search: String }
  type Theme { key: String label: String }
  type ThemeInsight { theme: Theme mentions: Int }
  type Node { id: ID score: Int }
  type Edge { cursor: String node: Node }
  type ResponseConnection { totalCount: Int edges: [Edge] }
  type Candidate { phrase: String }
  type EmergingThemesReport { candidates: [Candidate] }
  type NpsSummary { nps: Float }
  type Query {
    nps(filter: ResponseFilter): NpsSummary
    responses(filter: ResponseFilter, first: Int): ResponseConnection
    themeBreakdown(filter: ResponseFilter): [ThemeInsight]
    emergingThemes(filter: ResponseFilter, limit: Int): EmergingThemesReport
  }
  type Mutation { submitResponse(score: Int): Node importResponses(n: Int): Int revokeApiKey(id: ID): Node }
`);

const cost = (query: string, variables: Record<string, unknown> = {}, operationName?: string) =>
  operationCost({ schema, document: parse(query), variables, operationName, maxPageSize: 100 });

const operation = (query: string, name?: string) => getOperationAST(parse(query), name)!;

describe('isIngestOperation', () => {
  it('is true only when every root field of the operation that runs is an ingest mutation', () => {
    expect(isIngestOperation(operation(`mutation { submitResponse(score: 1) { id } }`))).toBe(true);
    expect(isIngestOperation(operation(`mutation { a: submitResponse(score: 1) { id } importResponses(n: 1) }`))).toBe(true);
    expect(isIngestOperation(operation(`mutation { submitResponse(score: 1) { id } revokeApiKey(id: "x") { id } }`))).toBe(false);
    expect(isIngestOperation(operation(`{ nps { nps } }`))).toBe(false);
    const mixed = `mutation W { submitResponse(score: 1) { id } } query R { nps { nps } }`;
    expect(isIngestOperation(operation(mixed, 'W'))).toBe(true);
    expect(isIngestOperation(operation(mixed, 'R'))).toBe(false);
    expect(isIngestOperation(operation(`mutation { ...F } fragment F on Mutation { submitResponse(score: 1) { id } }`))).toBe(false);
  });
});

describe('operationCost', () => {
  it('weighs insight fields by what they do and marks them expensive', () => {
    expect(cost(`{ nps { nps } }`)).toEqual({ cost: 11, expensive: false });
    const breakdown = cost(`{ themeBreakdown { theme { key } mentions } }`);
    expect(breakdown).toEqual({ cost: 1_000 + 25 * 3, expensive: true });
    expect(cost(`{ emergingThemes { candidates { phrase } } }`).cost).toBe(5_002);
    // Aliases each count.
    expect(cost(`{ a: themeBreakdown { mentions } b: themeBreakdown { mentions } }`).cost).toBe(2 * (1_000 + 25));
  });

  it('multiplies a page by its size, the largest page when it comes from a variable, and adds a search', () => {
    const page = `{ responses(first: 10) { totalCount edges { node { id } } } }`;
    expect(cost(page).cost).toBe(10 + 10 * (1 + 1 + 2));
    expect(cost(`query($n: Int) { responses(first: $n) { totalCount } }`, { n: 2 }).cost).toBe(10 + 100);
    expect(cost(`{ responses(first: 10, filter: { search: "x" }) { totalCount } }`).cost).toBe(10 + 200 + 10);
    expect(cost(`query($f: ResponseFilter) { nps(filter: $f) { nps } }`, { f: { search: 'slow' } }).cost).toBe(10 + 200 + 1);
  });

  it('leaves introspection free, also when an alias is named like it', () => {
    expect(cost(`{ __schema { types { name } } }`).cost).toBe(0);
    expect(cost(`{ __schema: themeBreakdown { mentions } }`).cost).toBe(1_025);
  });

  it('costs nothing for variables execution will refuse anyway', () => {
    expect(cost(`query($n: Int) { responses(first: $n) { totalCount } }`, { n: { $gt: 1 } })).toEqual({ cost: 0, expensive: false });
  });
});

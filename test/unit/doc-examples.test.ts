/** Every GraphQL example in README.md and docs/*.md validates against the committed schema. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, print, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { docExamples, examplesOf, ROOT } from '../helpers/doc-examples.js';

const schema = buildSchema(readFileSync(join(ROOT, 'schema/schema.graphql'), 'utf8'));
const examples = docExamples();

describe('GraphQL examples in the documentation', () => {
  it('are all found (README: the curl examples and the subscriptions; docs: the graphql blocks)', () => {
    expect(examples.filter((e) => e.where.startsWith('README.md')).length).toBeGreaterThanOrEqual(13);
    expect(examples.filter((e) => e.where.startsWith('docs/')).length).toBeGreaterThanOrEqual(8);
    expect(examples.some((e) => e.operation === 'subscription')).toBe(true);
  });

  it.each(examples.map((e) => [`${e.where} ${e.source.replace(/\s+/g, ' ').slice(0, 80)}`, e] as const))(
    '%s validates against schema/schema.graphql',
    (_name, example) => {
      const errors = validate(schema, example.document).map((e) => e.message);
      expect(errors, `${example.where}\n${print(example.document)}`).toEqual([]);
    },
  );

  it('finds examples in every form the docs use', () => {
    const md = [
      'Text `subscription { a }` and `{"authorization": "x"}`.',
      '```graphql',
      '{ a }',
      '{ b }',
      '```',
      '```sh',
      `gql '{"query":"mutation($x: Int){ c(x: $x) }", "variables": {"x": 1}}'`,
      '```',
    ].join('\n');
    const found = examplesOf('x.md', md).map((e) => [e.where, e.operation, e.source, e.variables]);
    expect(found).toEqual([
      ['x.md:3', 'query', '{ a }', undefined],
      ['x.md:4', 'query', '{ b }', undefined],
      ['x.md:7', 'mutation', 'mutation($x: Int){ c(x: $x) }', { x: 1 }],
      ['x.md:1', 'subscription', 'subscription { a }', undefined],
    ]);
  });
});

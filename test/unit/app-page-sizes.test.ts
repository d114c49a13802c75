/**
 * "No query without a page size": every GraphQL document the insight app sends (the gql.tada
 * `graphql(…)` calls under src/web) passes `first` or `limit` to every field that takes one, and
 * reads no top-level list that has no page size unless that list is bounded by something other
 * than the data (the taxonomy, the configuration).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildSchema, getNamedType, isListType, isNonNullType, parse, TypeInfo, visit, visitWithTypeInfo, type GraphQLType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/doc-examples.js';

const PAGE_SIZE_ARGS = ['first', 'limit'];
/** Top-level lists without a page size that the app may read, and what bounds them instead. */
const BOUNDED_LISTS: Record<string, string> = {
  themeBreakdown: 'one row per theme of the taxonomy',
  themes: 'the taxonomy',
  journey: 'VERBATIM_JOURNEY_TOUCHPOINTS',
};

const schema = buildSchema(readFileSync(join(ROOT, 'schema/schema.graphql'), 'utf8'));

function appDocuments(): { where: string; source: string }[] {
  const dir = join(ROOT, 'src/web');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'));
  return files.flatMap((file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    return [...text.matchAll(/graphql\(\s*`([^`]*)`/g)].map((m) => ({
      where: `${relative(ROOT, join(dir, file))}:${text.slice(0, m.index).split('\n').length}`,
      source: m[1],
    }));
  });
}

const isList = (type: GraphQLType): boolean => isListType(isNonNullType(type) ? type.ofType : type);

/** Every field of the document that could return an unbounded list: `field (problem)`. */
function unpaged(source: string): string[] {
  const problems: string[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    parse(source),
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (!field || !parent) return;
        const pageSize = field.args.find((a) => PAGE_SIZE_ARGS.includes(a.name));
        const given = new Set(node.arguments?.map((a) => a.name.value));
        if (pageSize && !given.has(pageSize.name)) problems.push(`${parent.name}.${field.name} without ${pageSize.name}`);
        if (parent === schema.getQueryType() && !pageSize && isList(field.type) && !(field.name in BOUNDED_LISTS))
          problems.push(`${field.name}: a list of ${getNamedType(field.type).name} with no page size`);
      },
    }),
  );
  return problems;
}

describe('the insight app’s queries', () => {
  const documents = appDocuments();

  it('are all found (every view’s query, the mutations and the subscriptions)', () => {
    expect(documents.length).toBeGreaterThanOrEqual(15);
    expect(documents.map((d) => d.source).join('\n')).toMatch(/responses\(filter: \$filter, first: /);
  });

  it.each(documents.map((d) => [d.where, d] as const))('%s passes a page size to every list it reads', (_where, document) => {
    expect(unpaged(document.source)).toEqual([]);
  });

  it('catches a list read without its page size', () => {
    expect(unpaged('{ responses { totalCount } alerts(first: 5) { totalCount } }')).toEqual(['Query.responses without first']);
    expect(unpaged('{ apiKeys { id } themes { key } }')).toEqual(['apiKeys: a list of ApiKey with no page size']);
    expect(unpaged('{ drivers { overall { nps } } }')).toEqual(['Query.drivers without limit']);
  });
});

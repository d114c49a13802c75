/** Every type, field, argument, input field and enum value of the committed schema has a description. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/doc-examples.js';

/** Schema coordinates (`Type`, `Type.field`, `Type.field(arg)`, `Enum.VALUE`) that lack a description. */
function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
    if (!type.description) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of field.args) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
  }
  return missing;
}

describe('schema/schema.graphql descriptions', () => {
  it('describe every type, field, argument, input field and enum value', () => {
    const schema = buildSchema(readFileSync(join(ROOT, 'schema/schema.graphql'), 'utf8'));
    expect(undescribed(schema)).toEqual([]);
  });

  it('reports what lacks one', () => {
    const schema = buildSchema(`
      "Root." type Query { "Described." a(x: Int): E, b: Int }
      enum E { "One." ONE TWO }
      input I { f: Int }
    `);
    expect(undescribed(schema).sort()).toEqual(['E', 'E.TWO', 'I', 'I.f', 'Query.a(x)', 'Query.b'].sort());
  });
});

/**
 * What an INGEST key may read back from `submitResponse`: the id, its own externalId and the
 * analysis status. Resubmitting an existing externalId answers with the stored response, which
 * another key wrote; the rest of it (score, comment, customer, attributes, analysis) is not the
 * ingest key's to read. The selection is checked before anything is stored, so a refused request
 * writes nothing and the client learns which field to drop.
 */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { AppError } from '../../src/errors.js';
import type { Context } from '../context.js';

const INGEST_READABLE_FIELDS: readonly string[] = ['id', 'externalId', 'analysisStatus', '__typename'];

/** Top-level field names selected on this field's result, through fragments (directives count as selected). */
function selectedFieldNames(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): string[] {
  const names = new Set<string>();
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        visit(info.fragments[selection.name.value]?.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet);
  return [...names];
}

/** Throws FORBIDDEN naming the first field an INGEST caller selected but may not read. */
export function assertIngestReadable(
  ctx: Pick<Context, 'caller'>,
  info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'fieldName'>,
): void {
  if (ctx.caller?.role !== 'INGEST') return;
  const refused = selectedFieldNames(info).find((name) => !INGEST_READABLE_FIELDS.includes(name));
  if (!refused) return;
  throw new AppError(
    'FORBIDDEN',
    `An INGEST key may read only ${INGEST_READABLE_FIELDS.filter((f) => f !== '__typename').join(', ')} of ${info.fieldName}; remove "${refused}" from the selection (nothing was stored)`,
    { field: refused },
  );
}

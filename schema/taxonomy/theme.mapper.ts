/** Stored theme → GraphQL shape. */
import type { ThemeEntity } from '../../models/taxonomy/taxonomy.entity.js';
import type { BackfillProgress } from '../../src/services/pipeline/backfill.service.js';
import type { BackfillStatus, TaxonomyBackfill, Theme } from './theme.types.js';

export function toTheme(entity: ThemeEntity): Theme {
  return {
    key: entity.key,
    label: entity.label,
    description: entity.description ?? null,
    keywords: entity.keywords ?? [],
    examples: entity.examples ?? [],
    parent: entity.parent ?? null,
    retired: entity.retired === true,
    mergedInto: entity.mergedInto ?? null,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  };
}

export function toBackfill(progress: BackfillProgress): TaxonomyBackfill {
  return { ...progress, status: progress.status as BackfillStatus };
}

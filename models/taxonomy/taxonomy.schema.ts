/** Mongoose schemas of the taxonomy aggregate, with their indexes. */
import { Schema, type Connection, type Model } from 'mongoose';
import type { BackfillEntity, TaxonomyStateEntity, ThemeEntity } from './taxonomy.entity.js';

const themeSchema = new Schema<ThemeEntity>(
  {
    key: { type: String, required: true },
    label: { type: String, required: true },
    description: { type: String, default: null },
    keywords: { type: [String], default: [] },
    examples: { type: [String], default: [] },
    parent: { type: String, default: null },
    retired: { type: Boolean, default: false },
    retiredAt: { type: Date, default: null },
    mergedInto: { type: String, default: null },
  },
  { collection: 'themes', timestamps: true, versionKey: false },
);
// One theme per key, also when two processes seed the defaults at once.
themeSchema.index({ key: 1 }, { unique: true });

const taxonomyStateSchema = new Schema<TaxonomyStateEntity>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    seeded: { type: Boolean, default: false },
  },
  { collection: 'taxonomy_state', timestamps: { createdAt: false, updatedAt: true }, versionKey: false },
);

const backfillSchema = new Schema<BackfillEntity>(
  {
    version: { type: Number, required: true },
    reason: { type: String, required: true },
    status: { type: String, required: true, enum: ['RUNNING', 'DONE', 'SUPERSEDED'] },
    cursor: { type: Schema.Types.ObjectId, default: null },
    scanned: { type: Number, default: 0 },
    requeued: { type: Number, default: 0 },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
  },
  { collection: 'taxonomy_backfills', versionKey: false },
);
// One backfill per taxonomy version: starting it twice is a no-op.
backfillSchema.index({ version: 1 }, { unique: true });
backfillSchema.index({ status: 1 });

export interface TaxonomyModels {
  themes: Model<ThemeEntity>;
  state: Model<TaxonomyStateEntity>;
  backfills: Model<BackfillEntity>;
}

export function taxonomyModels(connection: Connection): TaxonomyModels {
  return {
    themes: (connection.models.Theme as Model<ThemeEntity>) ?? connection.model<ThemeEntity>('Theme', themeSchema),
    state:
      (connection.models.TaxonomyState as Model<TaxonomyStateEntity>) ??
      connection.model<TaxonomyStateEntity>('TaxonomyState', taxonomyStateSchema),
    backfills:
      (connection.models.TaxonomyBackfill as Model<BackfillEntity>) ?? connection.model<BackfillEntity>('TaxonomyBackfill', backfillSchema),
  };
}

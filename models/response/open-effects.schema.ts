/**
 * Mongoose schema of open after-analysis effects: one small document per analysis batch, written
 * before the batch's analysis writes and deleted once every effect of the batch has run. A
 * document still here after a while names responses whose effects the reconciler re-runs.
 *
 * Why a document per batch and not a marker on each response: clearing a marker rewrote every
 * analysed response a second time, and on the embedded FerretDB each update of a response reads,
 * decodes and rewrites the whole document (docs/pipeline.md, "Effects owed").
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';

interface OpenEffectsEntity {
  /** A fresh ObjectId's hex for a batch; `MOVED_LEGACY_MARKERS` for the one-off migration's record. */
  _id: string;
  /** When the effects became owed (the analysis write's time); null for the migration record. */
  at: Date | null;
  /** The responses and the analysis revision whose effects are owed. */
  refs: { id: Types.ObjectId; revision: number }[];
}

/** Recorded once the per-response markers of older versions have been moved here. */
export const MOVED_LEGACY_MARKERS = 'moved-legacy-response-markers';

const openEffectsSchema = new Schema<OpenEffectsEntity>(
  {
    _id: String,
    at: { type: Date, default: null },
    refs: [{ _id: false, id: Schema.Types.ObjectId, revision: Number }],
  },
  { collection: 'analysis_effects_open', versionKey: false },
);

// The reconciler's scan, oldest first (a small collection: one document per batch in flight).
openEffectsSchema.index({ at: 1 });

export type OpenEffectsModel = Model<OpenEffectsEntity>;

export function openEffectsModel(connection: Connection): OpenEffectsModel {
  return (
    (connection.models.OpenEffects as OpenEffectsModel | undefined) ?? connection.model<OpenEffectsEntity>('OpenEffects', openEffectsSchema)
  );
}

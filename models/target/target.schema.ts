import { Schema, type Connection, type Model } from 'mongoose';
import type { TargetEntity } from './target.entity.js';

const targetSchema = new Schema<TargetEntity>(
  {
    key: { type: String, required: true },
    scope: [{ _id: false, key: String, value: String }],
    scopeTags: [String],
    team: { type: String, default: null },
    owner: { type: String, default: null },
    nps: { type: Number, required: true },
    by: { type: Date, required: true },
    setAt: { type: Date, required: true },
    baselineNps: { type: Number, default: null },
    createdByKeyId: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'targets', versionKey: false },
);
// One target per scope (+ team or owner): setting it again replaces it.
targetSchema.index({ key: 1 }, { unique: true });

export function targetModel(connection: Connection): Model<TargetEntity> {
  return (connection.models.Target as Model<TargetEntity> | undefined) ?? connection.model<TargetEntity>('Target', targetSchema);
}

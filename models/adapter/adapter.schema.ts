/** Versions of the corrections adapter (src/analysis/adapter), one document per version. */
import { Schema, type Connection, type Model } from 'mongoose';
import type { AdapterData } from '../../src/analysis/adapter/adapter.js';

export interface AdapterEntity {
  /** The adapter version. */
  _id: number;
  data: AdapterData;
  /** Corrections it was trained on, and the latest correction's time: a retrain with the same pair changes nothing. */
  corrections: number;
  lastCorrectionAt: Date | null;
  /** Taxonomy version whose backfill re-analyses the responses with this adapter. */
  taxonomyVersion: number;
  trainedAt: Date;
}

/** As stored: the adapter data as JSON text. */
export type StoredAdapter = Omit<AdapterEntity, 'data'> & { data: string };

const adapterSchema = new Schema<StoredAdapter>(
  {
    _id: Number,
    // JSON text: FerretDB 1.24 stores no nested arrays (the sparse vectors are [bucket, weight] pairs).
    data: { type: String, required: true },
    corrections: Number,
    lastCorrectionAt: { type: Date, default: null },
    taxonomyVersion: Number,
    trainedAt: Date,
  },
  { collection: 'adapters', versionKey: false },
);

export type AdapterModel = Model<StoredAdapter>;

export function adapterModel(connection: Connection): AdapterModel {
  return (connection.models.Adapter as AdapterModel | undefined) ?? connection.model<StoredAdapter>('Adapter', adapterSchema);
}

/** Mongoose schema of responses, with the indexes the queries rely on declared beside it. */
import { Schema, type Connection, type Model } from 'mongoose';
import type { ResponseEntity } from './response.entity.js';

const span = { start: Number, end: Number, text: String };
const sentiment = { label: String, score: Number, confidence: Number };

const analysisSchema = new Schema(
  {
    engine: String,
    taxonomyVersion: Number,
    language: { code: String, supported: Boolean },
    truncated: Boolean,
    sentiment,
    themes: [{ _id: false, key: String, label: String, confidence: Number, sentiment, evidence: [{ _id: false, ...span }] }],
    keyPhrases: [String],
    churnSignals: [{ _id: false, type: { type: String }, evidence: span }],
    churnRisk: { type: { score: Number, level: String, reasons: [String], previousScore: Number }, default: null },
    analyzedAt: Date,
    corrected: { type: Boolean, default: undefined },
    correctedBy: { type: String, default: undefined },
    correctedAt: { type: Date, default: undefined },
  },
  { _id: false },
);

const correctionSchema = new Schema(
  {
    themes: { type: [String], default: null },
    sentiment: { type: String, default: null },
    byKeyId: String,
    byName: String,
    at: Date,
    original: { type: analysisSchema, default: null },
  },
  { _id: false },
);

const responseSchema = new Schema<ResponseEntity>(
  {
    externalId: { type: String, required: true },
    score: { type: Number, required: true, min: 0, max: 10 },
    comment: { type: String, default: null },
    category: { type: String, required: true, enum: ['PROMOTER', 'PASSIVE', 'DETRACTOR'] },
    npsWeight: { type: Number, required: true },
    respondedAt: { type: Date, required: true },
    receivedAt: { type: Date, required: true },
    period: { day: String, week: String, month: String, quarter: String },
    touchpoint: { type: String, default: null },
    channel: { type: String, default: null },
    attributes: [{ _id: false, key: String, value: String }],
    attributeTags: { type: [String], default: [] },
    customerExternalId: { type: String, default: null },
    analysisStatus: { type: String, required: true, enum: ['PENDING', 'DONE', 'FAILED'], default: 'PENDING' },
    analysisRevision: { type: Number, default: 0 },
    analysis: { type: analysisSchema, default: null },
    correction: { type: correctionSchema, default: null },
    themeKeys: { type: [String], default: [] },
    analysisError: { type: String, default: null },
    analysisAttempts: { type: Number, default: 0 },
    analysisBackfillVersion: { type: Number, default: null },
    // Legacy: read once by OpenEffectsRepository.moveLegacyMarkers.
    effectsPendingSince: { type: Date, default: undefined },
    requestId: { type: String, default: null },
  },
  { collection: 'responses', timestamps: true, versionKey: false },
);

// Idempotency: one stored response per externalId, also under concurrent submits.
responseSchema.index({ externalId: 1 }, { unique: true });
responseSchema.index({ respondedAt: -1 });
responseSchema.index({ analysisStatus: 1, updatedAt: 1 });
responseSchema.index({ customerExternalId: 1, respondedAt: -1 });
responseSchema.index({ touchpoint: 1, respondedAt: -1 });
responseSchema.index({ attributeTags: 1 });
responseSchema.index({ themeKeys: 1 });
responseSchema.index({ category: 1, respondedAt: -1 });
// Analysis progress of one import (its request id) and of one taxonomy backfill.
responseSchema.index({ requestId: 1, analysisStatus: 1 });
responseSchema.index({ analysisBackfillVersion: 1, analysisStatus: 1 });

export type ResponseModel = Model<ResponseEntity>;

export function responseModel(connection: Connection): ResponseModel {
  return (connection.models.Response as ResponseModel | undefined) ?? connection.model<ResponseEntity>('Response', responseSchema);
}

/** The stored shape of a survey response, as plain objects returned by lean reads. */
import type { Types } from 'mongoose';
import type { NpsCategory } from '../../src/domain/nps.js';
import type { PeriodKeys } from '../../src/domain/periods.js';

export type AnalysisStatus = 'PENDING' | 'DONE' | 'FAILED';

export interface Attribute {
  key: string;
  value: string;
}

export interface StoredSentiment {
  label: 'positive' | 'neutral' | 'negative';
  score: number;
  confidence: number;
}

export interface StoredSpan {
  start: number;
  end: number;
  text: string;
}

export interface StoredThemeMatch {
  key: string;
  label: string;
  confidence: number;
  sentiment: StoredSentiment;
  evidence: StoredSpan[];
}

interface StoredChurnRisk {
  score: number;
  level: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  reasons: string[];
  /**
   * The score of the customer's previous comparable response when the risk was scored (routing's
   * slipping-promoter check reads it); absent on risks stored before 5 December 2026.
   */
  previousScore?: number | null;
}

export interface StoredAnalysis {
  engine: string;
  taxonomyVersion: number;
  language: { code: string; supported: boolean };
  truncated: boolean;
  sentiment: StoredSentiment;
  themes: StoredThemeMatch[];
  keyPhrases: string[];
  churnSignals: { type: string; evidence: StoredSpan }[];
  churnRisk?: StoredChurnRisk | null;
  analyzedAt: Date;
  /** A person corrected the themes or sentiment; the corrected values are the ones stored here. */
  corrected?: boolean;
  /** Who corrected it: the API key's name (or id prefix). */
  correctedBy?: string | null;
  correctedAt?: Date | null;
}

/** A person's correction of a response's analysis: it wins over every later machine analysis. */
export interface StoredCorrection {
  /** The theme keys the response mentions; null: themes were not corrected. */
  themes: string[] | null;
  /** The overall sentiment; null: sentiment was not corrected. */
  sentiment: StoredSentiment['label'] | null;
  /** The API key that corrected it: its id (hash) and name. */
  byKeyId: string;
  byName: string;
  at: Date;
  /** The machine analysis before the first correction, kept for audit (null if there was none yet). */
  original: StoredAnalysis | null;
}

export interface ResponseEntity {
  _id: Types.ObjectId;
  externalId: string;
  score: number;
  comment: string | null;
  category: NpsCategory;
  /** +1 promoter, 0 passive, −1 detractor. */
  npsWeight: number;
  respondedAt: Date;
  receivedAt: Date;
  period: PeriodKeys;
  touchpoint: string | null;
  channel: string | null;
  attributes: Attribute[];
  /** `key=value` strings: lets filters match attributes with a plain indexed `$all`. */
  attributeTags: string[];
  customerExternalId: string | null;
  analysisStatus: AnalysisStatus;
  /** Bumped when a response must be analysed again (taxonomy change); part of the job id. */
  analysisRevision: number;
  analysis: StoredAnalysis | null;
  /** The latest correction of the analysis, if a person made one. */
  correction?: StoredCorrection | null;
  /** Theme keys of the current analysis, for indexed filtering. */
  themeKeys: string[];
  analysisError: string | null;
  /**
   * How often the analysis of the current revision was recorded (DONE or FAILED). The conditional
   * write keeps it at 1 for a DONE response however often its job ran; reset by a re-analysis.
   */
  analysisAttempts: number;
  /**
   * Legacy (before 5 December 2026): owed effects were marked here. Owed effects are now recorded
   * per batch (models/response/open-effects.schema.ts); the first start moves these markers there.
   */
  effectsPendingSince?: Date | null;
  /** Taxonomy version whose backfill queued this response for re-analysis; cleared when done. */
  analysisBackfillVersion?: number | null;
  /** Request id of the submit, so logs can follow a response through its jobs. */
  requestId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function attributeTag(key: string, value: string): string {
  return `${key}=${value}`;
}

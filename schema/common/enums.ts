/**
 * Enums shared by several types. Values are what is stored; GraphQL names are the keys. They are
 * `as const` objects rather than TS enums so the services' string unions are assignable to them.
 */
import { registerEnumType } from 'type-graphql';

export const NpsCategory = {
  PROMOTER: 'PROMOTER',
  PASSIVE: 'PASSIVE',
  DETRACTOR: 'DETRACTOR',
} as const;
export type NpsCategory = (typeof NpsCategory)[keyof typeof NpsCategory];
registerEnumType(NpsCategory, {
  valuesConfig: {
    PROMOTER: { description: 'Score 9–10.' },
    PASSIVE: { description: 'Score 7–8.' },
    DETRACTOR: { description: 'Score 0–6.' },
  },
  name: 'NpsCategory',
  description: 'Promoters score 9–10, passives 7–8, detractors 0–6.',
});

export const AnalysisStatus = {
  PENDING: 'PENDING',
  DONE: 'DONE',
  FAILED: 'FAILED',
} as const;
export type AnalysisStatus = (typeof AnalysisStatus)[keyof typeof AnalysisStatus];
registerEnumType(AnalysisStatus, {
  name: 'AnalysisStatus',
  description: 'Where a response is in the analysis pipeline.',
  valuesConfig: {
    PENDING: { description: 'Stored, waiting for (or in) analysis.' },
    DONE: { description: 'Analysed; `analysis` holds the result.' },
    FAILED: { description: 'Analysis failed after every retry; `analysisError` says why.' },
  },
});

export const SentimentLabel = {
  POSITIVE: 'positive',
  NEUTRAL: 'neutral',
  NEGATIVE: 'negative',
} as const;
export type SentimentLabel = (typeof SentimentLabel)[keyof typeof SentimentLabel];
registerEnumType(SentimentLabel, {
  valuesConfig: {
    POSITIVE: { description: 'Positive polarity.' },
    NEUTRAL: { description: 'Neither positive nor negative.' },
    NEGATIVE: { description: 'Negative polarity.' },
  },
  name: 'SentimentLabel',
  description: 'Polarity of a verbatim or of one aspect of it.',
});

export const RiskLevel = {
  LOW: 'LOW',
  MEDIUM: 'MEDIUM',
  HIGH: 'HIGH',
  CRITICAL: 'CRITICAL',
} as const;
export type RiskLevel = (typeof RiskLevel)[keyof typeof RiskLevel];
registerEnumType(RiskLevel, {
  valuesConfig: {
    LOW: { description: 'Score below the MEDIUM threshold (VERBATIM_RISK_THRESHOLDS, default 25).' },
    MEDIUM: { description: 'Score at or above the MEDIUM threshold (default 25).' },
    HIGH: { description: 'Score at or above the HIGH threshold (default 50).' },
    CRITICAL: { description: 'Score at or above the CRITICAL threshold (default 75).' },
  },
  name: 'RiskLevel',
  description: 'Banded churn-risk score.',
});

/** Enums shared by several types. Values are what is stored; GraphQL names are the keys. */
import { registerEnumType } from 'type-graphql';

export enum NpsCategory {
  PROMOTER = 'PROMOTER',
  PASSIVE = 'PASSIVE',
  DETRACTOR = 'DETRACTOR',
}
registerEnumType(NpsCategory, {
  name: 'NpsCategory',
  description: 'Promoters score 9–10, passives 7–8, detractors 0–6.',
});

export enum AnalysisStatus {
  PENDING = 'PENDING',
  DONE = 'DONE',
  FAILED = 'FAILED',
}
registerEnumType(AnalysisStatus, {
  name: 'AnalysisStatus',
  description: 'Where a response is in the analysis pipeline.',
  valuesConfig: {
    PENDING: { description: 'Stored, waiting for (or in) analysis.' },
    DONE: { description: 'Analysed; `analysis` holds the result.' },
    FAILED: { description: 'Analysis failed after every retry; `analysisError` says why.' },
  },
});

export enum SentimentLabel {
  POSITIVE = 'positive',
  NEUTRAL = 'neutral',
  NEGATIVE = 'negative',
}
registerEnumType(SentimentLabel, { name: 'SentimentLabel', description: 'Polarity of a verbatim or of one aspect of it.' });

export enum RiskLevel {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  CRITICAL = 'CRITICAL',
}
registerEnumType(RiskLevel, { name: 'RiskLevel', description: 'Banded churn-risk score.' });

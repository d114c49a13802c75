/** Every queue and job name in one place. Payloads carry ids only; handlers reload from MongoDB. */

export const QUEUES = {
  /** One job per response and analysis revision. */
  analysis: 'analysis',
  /** Housekeeping: the reconciler (repeatable) and taxonomy backfills. */
  maintenance: 'maintenance',
} as const;

export const JOBS = {
  analyzeResponse: 'analyze-response',
  reconcile: 'reconcile',
  taxonomyBackfill: 'taxonomy-backfill',
} as const;

export interface AnalyzeResponsePayload {
  responseId: string;
  revision: number;
  requestId?: string | null;
}

/** Nothing: the reconciler reads what it needs from MongoDB. */
export type ReconcilePayload = Record<string, never>;

export interface TaxonomyBackfillPayload {
  version: number;
}

export type MaintenancePayload = ReconcilePayload | TaxonomyBackfillPayload;

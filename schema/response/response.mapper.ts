/** Stored response → GraphQL shape. */
import type { ResponseEntity, StoredAnalysis, StoredCorrection } from '../../models/response/response.entity.js';
import type { Analysis, Correction, Response } from './response.types.js';

function toAnalysis(analysis: StoredAnalysis | null | undefined): Analysis | null {
  if (!analysis) return null;
  return {
    sentiment: { ...analysis.sentiment, label: analysis.sentiment.label },
    themes: analysis.themes.map((t) => ({
      key: t.key,
      label: t.label,
      confidence: t.confidence,
      sentiment: t.sentiment.label,
      sentimentScore: t.sentiment.score,
      evidence: t.evidence,
    })),
    keyPhrases: analysis.keyPhrases,
    churnSignals: analysis.churnSignals,
    churnRisk: analysis.churnRisk ? { ...analysis.churnRisk, level: analysis.churnRisk.level } : null,
    language: analysis.language,
    truncated: analysis.truncated,
    engine: analysis.engine,
    taxonomyVersion: analysis.taxonomyVersion,
    analyzedAt: analysis.analyzedAt,
    corrected: analysis.corrected === true,
    correctedBy: analysis.correctedBy ?? null,
    correctedAt: analysis.correctedAt ?? null,
  };
}

function toCorrection(correction: StoredCorrection | null | undefined): Correction | null {
  if (!correction) return null;
  return {
    themes: correction.themes,
    sentiment: correction.sentiment,
    by: correction.byName,
    at: correction.at,
    original: toAnalysis(correction.original),
  };
}

export function toResponse(entity: ResponseEntity): Response {
  return {
    id: entity._id.toHexString(),
    externalId: entity.externalId,
    score: entity.score,
    comment: entity.comment,
    category: entity.category,
    respondedAt: entity.respondedAt,
    receivedAt: entity.receivedAt,
    touchpoint: entity.touchpoint,
    channel: entity.channel,
    attributes: entity.attributes,
    customer: entity.customerExternalId ? { externalId: entity.customerExternalId } : null,
    analysisStatus: entity.analysisStatus,
    analysisError: entity.analysisError,
    analysis: toAnalysis(entity.analysis),
    correction: toCorrection(entity.correction),
  };
}

/**
 * The `response.analyzed` domain event, built from the stored response after its analysis. The
 * payload identifies the customer by externalId only (never name or e-mail), and verbatim text can
 * have contact details masked (VERBATIM_WEBHOOK_REDACT_PII). Documented in docs/webhooks.md.
 */
import type { ResponseEntity } from '../../../models/response/response.entity.js';
import type { AfterAnalysisHook } from '../pipeline/after-analysis.js';
import type { DomainEvent, EventPublisher } from '../events.js';
import { redactContactDetails } from './redact.js';

/** Same response and revision, same id: a retried analysis job publishes the same event. */
function responseAnalyzedEventId(responseId: string, revision: number): string {
  return `response.analyzed:${responseId}:r${revision}`;
}

function responseAnalyzedEvent(response: ResponseEntity, { redactPii }: { redactPii: boolean }): DomainEvent {
  const text = (value: string) => (redactPii ? redactContactDetails(value) : value);
  const analysis = response.analysis;
  const responseId = response._id.toHexString();
  return {
    id: responseAnalyzedEventId(responseId, response.analysisRevision),
    type: 'response.analyzed',
    occurredAt: analysis?.analyzedAt ?? response.updatedAt ?? new Date(),
    attributes: response.attributes,
    data: {
      responseId,
      externalId: response.externalId,
      revision: response.analysisRevision,
      score: response.score,
      category: response.category,
      touchpoint: response.touchpoint,
      channel: response.channel,
      respondedAt: new Date(response.respondedAt).toISOString(),
      customerExternalId: response.customerExternalId,
      comment: response.comment === null ? null : text(response.comment),
      sentiment: analysis ? { label: analysis.sentiment.label, score: analysis.sentiment.score } : null,
      themes: (analysis?.themes ?? []).map((t) => ({ key: t.key, label: t.label, sentiment: t.sentiment.label })),
      churnSignals: (analysis?.churnSignals ?? []).map((s) => ({ type: s.type, evidence: text(s.evidence.text) })),
      churnRisk: analysis?.churnRisk
        ? { score: analysis.churnRisk.score, level: analysis.churnRisk.level, reasons: analysis.churnRisk.reasons }
        : null,
      attributes: response.attributes.map(({ key, value }) => ({ key, value })),
      taxonomyVersion: analysis?.taxonomyVersion ?? null,
    },
  };
}

/** After-analysis hook: publishes `response.analyzed` (idempotent by event id). */
export function publishResponseAnalyzedWebhook(events: EventPublisher, options: { redactPii: boolean }): AfterAnalysisHook {
  return {
    name: 'webhook-response-analyzed',
    analyzed: (analyzed) => events.publish(analyzed.map(({ response }) => responseAnalyzedEvent(response, options))),
  };
}

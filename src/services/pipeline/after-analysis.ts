/**
 * The effects that follow an analysis write — THE single list of them is `afterAnalysisHooks()`.
 *
 * Contract for hooks: they run after the responses' analyses are stored, in list order, before the
 * jobs complete, once per batch (the worker analyses responses in batches; a single response is a
 * batch of one). A hook that throws fails every job of the batch, BullMQ retries them, and on the
 * retry every hook runs again for the same responses and revisions (the analyses are not written
 * twice). So a hook must be idempotent: "set this response's state", never "add one".
 */
import type { ResponseEntity, StoredAnalysis } from '../../../models/response/response.entity.js';
import type { Logger } from '../../logger.js';
import type { PubSub } from '../../pubsub.js';
import type { EventPublisher } from '../events.js';
import { publishResponseAnalyzedWebhook } from '../webhooks/response-analyzed.event.js';

interface ResponseAnalyzedEvent {
  /** The response as stored after the write: status DONE, `analysis` and `themeKeys` set. */
  response: ResponseEntity;
  /** What the response held before, when this run wrote it; null when unknown (a re-run after a crash). */
  previous: { analysis: StoredAnalysis | null; themeKeys: string[] } | null;
  /** True when the job had run before (retry or a worker that died): effects may be repeats. */
  redelivered: boolean;
}

interface ResponseAnalysisFailedEvent {
  /** The response as stored after it was marked FAILED (a previous analysis may still be there). */
  response: ResponseEntity;
  reason: string;
}

export interface AfterAnalysisHook {
  /** For logs: which effect failed. */
  name: string;
  /** The batch's analysed responses (one event per response, never empty): a hook's database work is done once for all. */
  analyzed(events: readonly ResponseAnalyzedEvent[]): Promise<void>;
  /** Optional: runs after the last attempt failed and the response was marked FAILED. */
  failed?(event: ResponseAnalysisFailedEvent): Promise<void>;
}

/** Publishes `RESPONSE_ANALYZED` over Redis pub/sub: the `responseAnalyzed` subscription of every API instance. */
function publishResponseAnalyzed(pubSub: PubSub): AfterAnalysisHook {
  return {
    name: 'publish-response-analyzed',
    async analyzed(events) {
      for (const { response } of events)
        pubSub.publish('RESPONSE_ANALYZED', {
          responseId: response._id.toHexString(),
          revision: response.analysisRevision,
          category: response.category,
          touchpoint: response.touchpoint,
          themeKeys: response.themeKeys,
          sentiment: response.analysis?.sentiment.label ?? null,
          customerExternalId: response.customerExternalId,
          attributes: response.attributes.map(({ key, value }) => ({ key, value })),
        });
    },
  };
}

/** Keeps the insight rollups exact (their writes are idempotent by response and revision). */
function recordInRollups(rollups: { record(responses: readonly ResponseEntity[]): Promise<void> }): AfterAnalysisHook {
  return {
    name: 'rollups',
    analyzed: (events) => rollups.record(events.map((e) => e.response)),
    failed: ({ response }) => rollups.record([response]),
  };
}

export interface AfterAnalysisDeps {
  pubSub: PubSub;
  rollups: { record(responses: readonly ResponseEntity[]): Promise<void> };
  log: Logger;
  /** Where the `response.analyzed` webhook event goes; none when absent. */
  events?: EventPublisher;
  /** Mask e-mail addresses and phone numbers in webhook verbatims (VERBATIM_WEBHOOK_REDACT_PII). */
  redactPii?: boolean;
  /** Churn risk and alerts (src/services/alerts/alerts.hook.ts); runs before the publishes so they carry the risk. */
  churnRiskAndAlerts?: AfterAnalysisHook;
}

/**
 * Every effect of an analysis, in order. Later capabilities add theirs here: churn risk and
 * alerts (before the publish, so subscribers see them), the `response.analyzed` webhook event.
 */
export function afterAnalysisHooks({
  pubSub,
  rollups,
  events,
  redactPii = true,
  churnRiskAndAlerts,
}: AfterAnalysisDeps): AfterAnalysisHook[] {
  return [
    recordInRollups(rollups),
    ...(churnRiskAndAlerts ? [churnRiskAndAlerts] : []),
    publishResponseAnalyzed(pubSub),
    ...(events ? [publishResponseAnalyzedWebhook(events, { redactPii })] : []),
  ];
}

/**
 * The after-analysis effect of this capability: route and raise the alert for each analysed
 * response's churn risk, and announce a newly raised one on Redis pub/sub for the `atRiskAlert`
 * subscription. The risk was scored before the analysis write (AnalysisService) and is stored
 * with it; an analysis stored without the previous score routing needs (before 5 December 2026)
 * is scored again here. Idempotent: the alert id is deterministic, and only the run that inserted
 * the alert announces it (never a HISTORICAL one).
 */
import { metrics } from '../../metrics.js';
import type { PubSub } from '../../pubsub.js';
import type { AfterAnalysisHook } from '../after-analysis.js';
import type { ChurnRiskService } from '../risk/risk.service.js';
import type { ChurnRiskResult } from '../risk/churn-risk.js';
import type { AlertService } from './alert.service.js';

export function churnRiskAndAlertsHook({
  risk,
  alerts,
  pubSub,
}: {
  risk: ChurnRiskService;
  alerts: AlertService;
  pubSub: PubSub;
}): AfterAnalysisHook {
  return {
    name: 'churn-risk-and-alerts',
    async analyzed(events) {
      const responses = events.map((e) => e.response).filter((r) => r.analysis);
      if (responses.length === 0) return;
      const unscored = responses.filter((r) => r.analysis?.churnRisk?.previousScore === undefined);
      const rescored = new Map(unscored.length ? (await risk.scoreBatch(unscored)).map((scored, i) => [unscored[i], scored]) : []);
      const decided = responses.map((response) => {
        const stored = response.analysis?.churnRisk;
        if (rescored.has(response) || !stored) return rescored.get(response) as { risk: ChurnRiskResult; previousScore: number | null };
        return { risk: { score: stored.score, level: stored.level, reasons: stored.reasons }, previousScore: stored.previousScore ?? null };
      });
      // Routing decides in memory; only a routed response writes an alert.
      const outcomes = await alerts.raiseFor(
        responses.map((response, i) => ({ response, risk: decided[i].risk, context: { previousScore: decided[i].previousScore } })),
      );
      responses.forEach((response, i) => {
        // Later hooks (the response.analyzed publish and webhook) and the customers' update see the risk on the response.
        if (rescored.has(response) && response.analysis) response.analysis = { ...response.analysis, churnRisk: decided[i].risk };
        const outcome = outcomes[i];
        // A HISTORICAL alert (an old answer) is a record, not a page.
        const paged = outcome?.raised === true && outcome.alert.status !== 'HISTORICAL';
        if (paged) metrics.alertsRaised.inc();
        if (paged && outcome.alert.channels.includes('SUBSCRIPTION')) {
          pubSub.publish('ALERT_RAISED', {
            alertId: outcome.alert._id,
            assignee: outcome.alert.assignee,
            attributes: outcome.alert.attributes,
          });
        }
      });
    },
  };
}

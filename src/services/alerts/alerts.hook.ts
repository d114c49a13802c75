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
import type { AfterAnalysisHook } from '../pipeline/after-analysis.js';
import type { ChurnRiskService } from '../risk/risk.service.js';
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
      // Scored before the analysis write (AnalysisService); an analysis stored before 5 December 2026
      // has no previous score, so it is scored here (later hooks and the customers' update read it from the response).
      const unscored = responses.filter((r) => r.analysis?.churnRisk?.previousScore === undefined);
      if (unscored.length) {
        const scored = await risk.scoreBatch(unscored);
        unscored.forEach((response, i) => {
          const churnRisk = { ...scored[i].risk, previousScore: scored[i].previousScore };
          if (response.analysis) response.analysis = { ...response.analysis, churnRisk };
        });
      }
      const routed = responses.flatMap((response) => {
        const stored = response.analysis?.churnRisk;
        if (!stored) return [];
        return [
          {
            response,
            risk: { score: stored.score, level: stored.level, reasons: stored.reasons },
            context: { previousScore: stored.previousScore ?? null },
          },
        ];
      });
      // Routing decides in memory; only a routed response writes an alert.
      for (const outcome of await alerts.raiseFor(routed)) {
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
      }
    },
  };
}

/**
 * The after-analysis effect of this capability: score the churn risk (put on the batch's responses
 * in memory; AnalysisService stores it on the response and the customer when the batch's effects
 * complete), then route and raise the alert, and announce a newly raised one on Redis pub/sub
 * for the `atRiskAlert` subscription. Idempotent: the risk is "set", the alert id is deterministic,
 * and only the run that inserted the alert announces it (never a HISTORICAL one).
 */
import { metrics } from '../../metrics.js';
import type { PubSub } from '../../pubsub.js';
import type { AfterAnalysisHook } from '../after-analysis.js';
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
      // One read of the batch's customers and earlier responses; routing decides in memory, only a routed response writes an alert.
      const scored = await risk.scoreBatch(responses);
      const outcomes = await alerts.raiseFor(
        responses.map((response, i) => ({ response, risk: scored[i].risk, context: { previousScore: scored[i].previousScore } })),
      );
      responses.forEach((response, i) => {
        // Later hooks (the response.analyzed publish and webhook) see the risk on the response, and
        // the effects' completion stores it from there.
        if (response.analysis) response.analysis = { ...response.analysis, churnRisk: scored[i].risk };
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

/**
 * The after-analysis effect of this capability: score the churn risk (stored on the response and
 * the customer), then route and raise the alert, and announce a newly raised one on Redis pub/sub
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
    async analyzed({ response }) {
      if (!response.analysis) return;
      const { risk: churnRisk, previousScore } = await risk.scoreWithPrevious(response);
      // Independent writes, in parallel: a job's time is its database round trips.
      const [, outcome] = await Promise.all([risk.store(response, churnRisk), alerts.raiseFor(response, churnRisk, { previousScore })]);
      // Later hooks (the response.analyzed publish and webhook) see the risk on the response.
      response.analysis = { ...response.analysis, churnRisk };
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
    },
  };
}

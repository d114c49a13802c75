/** Enums of alerts (follow-up cases) and their metrics. Values are what is stored. */
import { registerEnumType } from 'type-graphql';

export enum AlertStatus {
  OPEN = 'OPEN',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  RESOLVED = 'RESOLVED',
  HISTORICAL = 'HISTORICAL',
}
registerEnumType(AlertStatus, {
  name: 'AlertStatus',
  description: 'Lifecycle of a follow-up: OPEN → ACKNOWLEDGED → RESOLVED (OPEN → RESOLVED is allowed too).',
  valuesConfig: {
    HISTORICAL: {
      description:
        'Raised for a response answered longer ago than VERBATIM_ALERT_MAX_AGE_DAYS (a historical import, a re-analysis): recorded and queryable, but never paged (no subscription message, no alert.raised webhook) and without an SLA.',
    },
  },
});

export enum AlertOutcome {
  RECOVERED = 'RECOVERED',
  NOT_RECOVERED = 'NOT_RECOVERED',
  NO_RESPONSE = 'NO_RESPONSE',
}
registerEnumType(AlertOutcome, { name: 'AlertOutcome', description: 'How a follow-up ended.' });

export enum AlertAction {
  RAISED = 'RAISED',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  REASSIGNED = 'REASSIGNED',
  RESOLVED = 'RESOLVED',
  SLA_BREACHED = 'SLA_BREACHED',
  ESCALATED = 'ESCALATED',
}
registerEnumType(AlertAction, { name: 'AlertAction', description: 'What a history entry of an alert records.' });

export enum AlertOrder {
  RISK = 'RISK',
  DUE = 'DUE',
  NEWEST = 'NEWEST',
}
registerEnumType(AlertOrder, {
  name: 'AlertOrder',
  description: 'Order of an alert list.',
  valuesConfig: {
    RISK: { description: 'Highest risk score first, then soonest due.' },
    DUE: { description: 'Soonest due first (overdue at the top), then highest risk.' },
    NEWEST: { description: 'Most recently raised first.' },
  },
});

export enum MetricsGroupBy {
  OWNER = 'OWNER',
  TEAM = 'TEAM',
}
registerEnumType(MetricsGroupBy, { name: 'MetricsGroupBy', description: 'Rows of the follow-up leaderboard.' });

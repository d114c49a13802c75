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
    OPEN: { description: 'Raised and waiting for the assignee.' },
    ACKNOWLEDGED: { description: 'Taken on by the assignee; the SLA still runs.' },
    RESOLVED: { description: 'Closed with an outcome.' },
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
registerEnumType(AlertOutcome, {
  valuesConfig: {
    RECOVERED: { description: 'The customer was won back.' },
    NOT_RECOVERED: { description: 'The customer was reached but not won back.' },
    NO_RESPONSE: { description: 'The customer could not be reached.' },
  },
  name: 'AlertOutcome',
  description: 'How a follow-up ended.',
});

export enum AlertAction {
  RAISED = 'RAISED',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  REASSIGNED = 'REASSIGNED',
  RESOLVED = 'RESOLVED',
  SLA_BREACHED = 'SLA_BREACHED',
  ESCALATED = 'ESCALATED',
}
registerEnumType(AlertAction, {
  valuesConfig: {
    RAISED: { description: 'The alert was raised, by a routing rule or the default route.' },
    ACKNOWLEDGED: { description: 'The assignee acknowledged the alert.' },
    REASSIGNED: { description: 'The alert was handed to another assignee.' },
    RESOLVED: { description: 'The alert was resolved with an outcome.' },
    SLA_BREACHED: { description: 'The alert passed its SLA due time unresolved.' },
    ESCALATED: { description: 'The SLA breach was escalated to the rule’s escalateTo.' },
  },
  name: 'AlertAction',
  description: 'What a history entry of an alert records.',
});

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
registerEnumType(MetricsGroupBy, {
  valuesConfig: { OWNER: { description: 'One row per assignee.' }, TEAM: { description: 'One row per routing-rule team.' } },
  name: 'MetricsGroupBy',
  description: 'Rows of the follow-up leaderboard.',
});

/** Enums of routing rules and the alerts they raise. Values are what is stored. */
import { registerEnumType } from 'type-graphql';

export enum AssignMode {
  ATTRIBUTE = 'ATTRIBUTE',
  MAPPING = 'MAPPING',
  FIXED = 'FIXED',
  TEAM = 'TEAM',
}
registerEnumType(AssignMode, {
  name: 'AssignMode',
  description: 'How a routing rule picks the assignee.',
  valuesConfig: {
    ATTRIBUTE: {
      description: 'The value of `assignAttribute` on the response (e.g. its account_manager); else `assignee`, else the fallback queue.',
    },
    MAPPING: {
      description:
        'The value of `assignAttribute` looked up in `assignMapping` (e.g. region → manager); else `assignee`, else the fallback queue.',
    },
    FIXED: { description: 'Always `assignee` (a named team or person).' },
    TEAM: {
      description:
        'Round-robin among the members of the rule’s `team` (setTeam), skipping members at their open follow-up cap; when all are at cap, the team lead.',
    },
  },
});

export enum AlertChannel {
  SUBSCRIPTION = 'SUBSCRIPTION',
  WEBHOOK = 'WEBHOOK',
}
registerEnumType(AlertChannel, {
  name: 'AlertChannel',
  description: 'Where an alert is announced.',
  valuesConfig: {
    SUBSCRIPTION: { description: 'The `atRiskAlert` GraphQL subscription.' },
    WEBHOOK: { description: 'The `alert.raised`, `alert.updated` and `alert.sla_breached` webhook events.' },
  },
});

export enum FollowUpTask {
  RECOVERY_CALL = 'RECOVERY_CALL',
  ASK_WHAT_WOULD_MAKE_IT_A_10 = 'ASK_WHAT_WOULD_MAKE_IT_A_10',
  THANK_AND_ASK_REVIEW = 'THANK_AND_ASK_REVIEW',
  ASK_WHAT_CHANGED = 'ASK_WHAT_CHANGED',
}
registerEnumType(FollowUpTask, {
  name: 'FollowUpTask',
  description: 'What the assignee is asked to do.',
  valuesConfig: {
    RECOVERY_CALL: { description: 'Detractors: call the customer to recover the relationship.' },
    ASK_WHAT_WOULD_MAKE_IT_A_10: { description: 'Passives: ask what would make it a 9 or 10.' },
    THANK_AND_ASK_REVIEW: { description: 'Promoters: thank them and ask for a review or testimonial (with the review link).' },
    ASK_WHAT_CHANGED: { description: 'Slipping promoters (previous answer ≥ 9, now ≤ 8): ask what changed.' },
  },
});

/** An alert (follow-up case): one per response and routing rule, tracked until resolved. */
import type { Types } from 'mongoose';
import type { NpsCategory } from '../../src/domain/nps.js';
import type { Attribute } from '../response/response.entity.js';
import type { AlertChannel, FollowUpTask, RiskLevelName } from '../routing/routing-rule.entity.js';

/** HISTORICAL: raised for an answer too old to page anyone (VERBATIM_ALERT_MAX_AGE_DAYS); kept as a record, no SLA. */
export type AlertStatus = 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED' | 'HISTORICAL';
export type AlertOutcome = 'RECOVERED' | 'NOT_RECOVERED' | 'NO_RESPONSE';
type AlertAction = 'RAISED' | 'ACKNOWLEDGED' | 'REASSIGNED' | 'RESOLVED' | 'SLA_BREACHED' | 'ESCALATED';

export interface AlertHistoryEntry {
  at: Date;
  /** Who did it: an API key id, or `system`. */
  actor: string;
  action: AlertAction;
  /** Assignee or status before and after, when the entry changed one. */
  from: string | null;
  to: string | null;
  note: string | null;
}

export interface AlertEntity {
  /** `${responseId}:${ruleId}` (`default` for the built-in route): at most one alert per response and rule. */
  _id: string;
  responseId: Types.ObjectId;
  ruleId: string | null;
  ruleName: string;
  customerExternalId: string | null;
  category: NpsCategory;
  score: number;
  touchpoint: string | null;
  attributes: Attribute[];
  /** `key=value` of the response's attributes, for scoped reads. */
  attributeTags: string[];
  themeKeys: string[];
  respondedAt: Date;
  task: FollowUpTask;
  /** The task in words, for the assignee (src/services/alerts/follow-up-tasks.ts); absent on older alerts. */
  taskText?: string | null;
  /** Review link of a THANK_AND_ASK_REVIEW task. */
  reviewUrl?: string | null;
  /** Score of the customer's previous comparable response (the "Score slipping" comparison), if any. */
  previousScore?: number | null;
  /** Previous answer ≥ 9, this one ≤ 8: listed by `slippingPromoters`. */
  slippingPromoter?: boolean;
  channels: AlertChannel[];
  assignee: string;
  team: string | null;
  status: AlertStatus;
  riskScore: number;
  riskLevel: RiskLevelName;
  reasons: string[];
  slaHours: number;
  raisedAt: Date;
  dueAt: Date;
  /** First acknowledge or resolve: "contacted". */
  firstActionAt: Date | null;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  resolutionNote: string | null;
  outcome: AlertOutcome | null;
  slaBreached: boolean;
  slaBreachedAt: Date | null;
  /** Set with the SLA breach when the rule names `escalateTo`: who was notified (ESCALATED in the history). */
  escalatedTo?: string | null;
  /** False until the escalation's notifications are planned (null: no escalation); (a sweep that stopped between the flag and the plan finishes it). */
  escalationPlanned?: boolean | null;
  history: AlertHistoryEntry[];
  createdAt: Date;
  updatedAt: Date;
}

export type NewAlert = Omit<AlertEntity, 'createdAt' | 'updatedAt'>;

/** What a new alert holds before anyone acts on it or its SLA runs out. */
export const UNHANDLED: Pick<
  NewAlert,
  'firstActionAt' | 'acknowledgedAt' | 'resolvedAt' | 'resolutionNote' | 'outcome' | 'slaBreached' | 'slaBreachedAt'
> = {
  firstActionAt: null,
  acknowledgedAt: null,
  resolvedAt: null,
  resolutionNote: null,
  outcome: null,
  slaBreached: false,
  slaBreachedAt: null,
};

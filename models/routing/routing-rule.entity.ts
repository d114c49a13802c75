/** A routing rule as stored: what it matches, whom it assigns, the SLA and the follow-up task. */
import type { NpsCategory } from '../../src/domain/nps.js';

export type RiskLevelName = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
/** TEAM: round-robin among the members of the rule's `team` (src/services/alerts/team-assignment.ts). */
export type AssignMode = 'ATTRIBUTE' | 'MAPPING' | 'FIXED' | 'TEAM';
export type AlertChannel = 'SUBSCRIPTION' | 'WEBHOOK';
/** ASK_WHAT_CHANGED: a slipping promoter (previous answer ≥ 9, now ≤ 8), whatever the rule's task. */
export type FollowUpTask = 'RECOVERY_CALL' | 'ASK_WHAT_WOULD_MAKE_IT_A_10' | 'THANK_AND_ASK_REVIEW' | 'ASK_WHAT_CHANGED';

interface RuleAttributeMatch {
  key: string;
  /** Any of these values matches. */
  values: string[];
}

interface RuleMatch {
  /** Empty: any category. */
  categories: NpsCategory[];
  /** Null: any risk level. */
  minRiskLevel: RiskLevelName | null;
  touchpoints: string[];
  /** Any of these theme keys. */
  themes: string[];
  /** Every entry must match. */
  attributes: RuleAttributeMatch[];
}

interface RuleAssign {
  mode: AssignMode;
  /** ATTRIBUTE: the owner is this attribute's value; MAPPING: this attribute's value is looked up. */
  attribute: string | null;
  mapping: { value: string; assignee: string }[];
  /** FIXED: the team or person; otherwise used when the attribute (or its mapping) is missing. */
  assignee: string | null;
}

export interface RoutingRuleEntity {
  _id: string;
  name: string;
  enabled: boolean;
  /** Evaluation order, ascending; the first enabled rule that matches wins. */
  position: number;
  match: RuleMatch;
  assign: RuleAssign;
  /** Team the alerts count towards in the leaderboard (optional). */
  team: string | null;
  slaHours: number;
  /** The SLA counts business hours of the business calendar (setBusinessCalendar), not wall-clock hours. */
  slaBusinessHours?: boolean;
  /** Who is notified (once) when an alert of this rule breaches its SLA: the assignee's manager or a team. */
  escalateTo?: string | null;
  channels: AlertChannel[];
  task: FollowUpTask;
  /** The task follows each response's category (task omitted on a rule matching several categories); absent on older rules: false. */
  taskPerCategory?: boolean;
  /** Review link given to promoters in THANK_AND_ASK_REVIEW tasks (https); null: VERBATIM_REVIEW_URL. */
  reviewUrl?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

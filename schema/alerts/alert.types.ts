/** GraphQL shapes of alerts (follow-up cases), the at-risk customer list and the follow-up metrics. */
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Attribute, AttributeInput } from '../common/attribute.types.js';
import { NpsCategory, RiskLevel } from '../common/enums.js';
import { PageInfo } from '../common/page-info.js';
import { DateTime } from '../common/scalars.js';
import { Customer } from '../customer/customer.types.js';
import { ChurnRisk } from '../response/response.types.js';
import { AlertChannel, FollowUpTask } from '../routing/routing.enums.js';
import { AlertAction, AlertOutcome, AlertStatus, MetricsGroupBy } from './alert.enums.js';

@ObjectType({ description: 'One change of an alert: who did what, when.' })
export class AlertHistoryEntry {
  @Field(() => DateTime, { description: 'When it happened.' })
  at!: Date;

  @Field(() => String, { description: 'API key id of the caller, or `system` (routing, SLA sweep).' })
  actor!: string;

  @Field(() => AlertAction, { description: 'What happened.' })
  action!: AlertAction;

  @Field(() => String, { nullable: true, description: 'Status or assignee before the change.' })
  from!: string | null;

  @Field(() => String, { nullable: true, description: 'Status or assignee after the change.' })
  to!: string | null;

  @Field(() => String, { nullable: true, description: 'Note given with the change.' })
  note!: string | null;
}

@ObjectType({ description: 'An alert (follow-up case) raised for one response by one routing rule.' })
export class Alert {
  @Field(() => ID, { description: '`<responseId>:<ruleId>` (`default` for the built-in route): one per response and rule.' })
  id!: string;

  @Field(() => AlertStatus, { description: 'OPEN → ACKNOWLEDGED → RESOLVED.' })
  status!: AlertStatus;

  @Field(() => String, { description: 'Who must act (a person, team or the fallback queue).' })
  assignee!: string;

  @Field(() => String, { nullable: true, description: 'Team of the routing rule, if it names one.' })
  team!: string | null;

  @Field(() => FollowUpTask, { description: 'What the assignee is asked to do.' })
  task!: FollowUpTask;

  @Field(() => String, {
    nullable: true,
    description:
      'The task in words, e.g. "Ask the customer what would make their 8/10 a 10." (null on alerts raised before tasks had texts).',
  })
  taskText!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Review link of a THANK_AND_ASK_REVIEW task (the rule’s, else VERBATIM_REVIEW_URL).',
  })
  reviewUrl!: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Score of the customer’s previous comparable response (the one the "Score slipping" reason compares with), if any.',
  })
  previousScore!: number | null;

  @Field(() => Boolean, { description: 'Previous answer ≥ 9, this one ≤ 8: a slipping promoter (task ASK_WHAT_CHANGED).' })
  slippingPromoter!: boolean;

  @Field(() => Int, { description: 'Churn-risk score of the response, 0–100.' })
  riskScore!: number;

  @Field(() => RiskLevel, { description: 'Banded risk score.' })
  riskLevel!: RiskLevel;

  @Field(() => [String], { description: 'Why the risk is what it is, biggest contribution first.' })
  reasons!: string[];

  @Field(() => DateTime, { description: 'When it was raised.' })
  raisedAt!: Date;

  @Field(() => DateTime, { description: 'raisedAt + the SLA.' })
  dueAt!: Date;

  @Field(() => Float, { description: 'SLA in hours.' })
  slaHours!: number;

  @Field(() => Boolean, { description: 'Past due and not resolved.' })
  overdue!: boolean;

  @Field(() => Boolean, { description: 'The SLA sweep found it past due before it was resolved (flagged once, never cleared).' })
  slaBreached!: boolean;

  @Field(() => DateTime, { nullable: true, description: 'When the breach was flagged.' })
  slaBreachedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Who the SLA breach was escalated to (the rule’s escalateTo), once; null: not escalated.',
  })
  escalatedTo!: string | null;

  @Field(() => DateTime, { nullable: true, description: 'First acknowledge or resolve: when the customer was contacted.' })
  firstActionAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When it was acknowledged.' })
  acknowledgedAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When it was resolved.' })
  resolvedAt!: Date | null;

  @Field(() => AlertOutcome, { nullable: true, description: 'How it ended (set on resolve).' })
  outcome!: AlertOutcome | null;

  @Field(() => String, { nullable: true, description: 'Resolution note.' })
  resolutionNote!: string | null;

  @Field(() => ID, { nullable: true, description: 'The routing rule that raised it; null for the default route.' })
  ruleId!: string | null;

  @Field(() => String, { description: 'Name of the rule (`default` for the built-in route).' })
  ruleName!: string;

  @Field(() => [AlertChannel], { description: 'Where it is announced.' })
  channels!: AlertChannel[];

  @Field(() => NpsCategory, { description: 'Category of the response.' })
  category!: NpsCategory;

  @Field(() => Int, { description: 'Score of the response, 0–10.' })
  score!: number;

  @Field(() => String, { nullable: true, description: 'externalId of the customer.' })
  customerExternalId!: string | null;

  @Field(() => String, { nullable: true, description: 'Touchpoint of the response.' })
  touchpoint!: string | null;

  @Field(() => [Attribute], { description: 'Segment attributes of the response.' })
  attributes!: Attribute[];

  @Field(() => [AlertHistoryEntry], { description: 'Every change, oldest first.' })
  history!: AlertHistoryEntry[];

  /** Not a field: the response field resolver loads it by this id. */
  responseId!: string;
}

@ObjectType({ description: 'An alert with its cursor.' })
export class AlertEdge {
  @Field(() => String, { description: 'Pass as `after` for the next page.' })
  cursor!: string;

  @Field(() => Alert, { description: 'The alert.' })
  node!: Alert;
}

@ObjectType({ description: 'A page of alerts.' })
export class AlertConnection {
  @Field(() => Int, { description: 'Alerts matching the filter (all pages).' })
  totalCount!: number;

  @Field(() => [AlertEdge], { description: 'This page.' })
  edges!: AlertEdge[];

  @Field(() => PageInfo, { description: 'Paging.' })
  pageInfo!: PageInfo;
}

@InputType({
  description:
    'Which alerts to list (all given conditions must hold). An owner’s inbox: assignee + statuses [OPEN, ACKNOWLEDGED], ordered by RISK or DUE.',
})
export class AlertFilter {
  @Field(() => String, { nullable: true, description: 'Assigned to exactly this owner.' })
  assignee?: string | null;

  @Field(() => [AlertStatus], { nullable: true, description: 'Any of these statuses.' })
  statuses?: AlertStatus[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Only alerts past due and not resolved.' })
  overdue?: boolean | null;

  @Field(() => Int, { nullable: true, description: 'Risk score at least this, 0–100.' })
  minRiskScore?: number | null;

  @Field(() => String, { nullable: true, description: 'Of this customer.' })
  customerExternalId?: string | null;

  @Field(() => [AttributeInput], { nullable: true, description: 'Responses carrying every one of these attributes.' })
  attributes?: AttributeInput[] | null;
}

@ObjectType({ description: 'A customer at risk of churning, with what the account team needs to act.' })
export class AtRiskCustomer {
  @Field(() => Customer, { description: 'The customer (with their score history, oldest first).' })
  customer!: Customer;

  @Field(() => ChurnRisk, { description: 'Risk of their latest analysed response, with reasons.' })
  risk!: ChurnRisk;

  @Field(() => Int, {
    nullable: true,
    description: 'Latest score minus the previous one (negative: slipping); null with a single response.',
  })
  trend!: number | null;

  @Field(() => String, { nullable: true, description: 'Assignee of the open follow-up, else the owner attribute (account_manager).' })
  owner!: string | null;

  @Field(() => Alert, { nullable: true, description: 'The newest unresolved alert of the customer.' })
  openFollowUp!: Alert | null;

  @Field(() => String, { nullable: true, description: 'The verbatim of the response the risk was computed from.' })
  lastVerbatim!: string | null;

  /** Not a field: for the lastVerbatim resolver. */
  riskResponseId!: string;
}

@ObjectType({ description: 'An at-risk customer with its cursor.' })
export class AtRiskCustomerEdge {
  @Field(() => String, { description: 'Pass as `after` for the next page.' })
  cursor!: string;

  @Field(() => AtRiskCustomer, { description: 'The customer.' })
  node!: AtRiskCustomer;
}

@ObjectType({ description: 'A page of at-risk customers, highest risk first.' })
export class AtRiskCustomerConnection {
  @Field(() => [AtRiskCustomerEdge], { description: 'This page.' })
  edges!: AtRiskCustomerEdge[];

  @Field(() => PageInfo, { description: 'Paging.' })
  pageInfo!: PageInfo;
}

@InputType({ description: 'Which at-risk customers to list.' })
export class AtRiskCustomerFilter {
  @Field(() => RiskLevel, { nullable: true, description: 'Lowest level listed; default MEDIUM.' })
  minLevel?: RiskLevel | null;

  @Field(() => String, { nullable: true, description: 'Only customers of this owner.' })
  owner?: string | null;

  @Field(() => [AttributeInput], { nullable: true, description: 'Customers whose latest attributes include every one of these.' })
  attributes?: AttributeInput[] | null;
}

@ObjectType({ description: 'Follow-up figures of one owner or team (or of everyone) over a period.' })
export class FollowUpStats {
  @Field(() => String, { nullable: true, description: 'Owner or team; null for the overall row and for alerts without a team.' })
  key!: string | null;

  @Field(() => Int, { description: 'Alerts raised in the period.' })
  alerts!: number;

  @Field(() => Int, { description: 'Of which for detractors.' })
  detractorAlerts!: number;

  @Field(() => Int, { description: 'Detractor alerts acknowledged or resolved by their due time.' })
  contactedWithinSla!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Closed-loop rate: contactedWithinSla / detractorAlerts (0–1); null without detractor alerts.',
  })
  closedLoopRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Median minutes from raised to first action, over alerts acted on.' })
  medianMinutesToFirstAction!: number | null;

  @Field(() => Int, { description: 'Not resolved yet.' })
  open!: number;

  @Field(() => Int, { description: 'Not resolved and past due now.' })
  overdue!: number;

  @Field(() => Int, { description: 'Resolved.' })
  resolved!: number;

  @Field(() => Int, { description: 'Resolved as RECOVERED.' })
  recovered!: number;

  @Field(() => Int, { description: 'Flagged by the SLA sweep.' })
  slaBreached!: number;

  @Field(() => Int, { description: 'Responses of the period whose owner (team) attribute names this key.' })
  responses!: number;

  @Field(() => Float, { nullable: true, description: 'NPS of those responses; null without any.' })
  nps!: number | null;
}

@ObjectType({ description: 'The follow-up leaderboard of a period: closed-loop rate, time to first action, NPS per owner or team.' })
export class FollowUpMetrics {
  @Field(() => DateTime, { description: 'Start of the period (inclusive).' })
  from!: Date;

  @Field(() => DateTime, { description: 'End of the period (exclusive).' })
  to!: Date;

  @Field(() => MetricsGroupBy, { description: 'What the rows are.' })
  groupBy!: MetricsGroupBy;

  @Field(() => FollowUpStats, { description: 'Everyone together.' })
  overall!: FollowUpStats;

  @Field(() => [FollowUpStats], { description: 'One row per owner or team, best closed-loop rate first.' })
  rows!: FollowUpStats[];
}

@InputType({ description: 'Which slipping promoters to list (all given conditions must hold).' })
export class SlippingPromoterFilter {
  @Field(() => DateTime, { nullable: true, description: 'Answered at or after this time.' })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Answered before this time.' })
  to?: Date | null;

  @Field(() => String, { nullable: true, description: 'Answered at this touchpoint.' })
  touchpoint?: string | null;

  @Field(() => String, { nullable: true, description: 'Follow-up assigned to exactly this owner.' })
  assignee?: string | null;

  @Field(() => [AlertStatus], { nullable: true, description: 'Follow-up in any of these statuses.' })
  statuses?: AlertStatus[] | null;

  @Field(() => [AttributeInput], { nullable: true, description: 'Responses carrying every one of these attributes.' })
  attributes?: AttributeInput[] | null;
}

@ObjectType({ description: 'A customer who was a promoter (≥ 9) last time and is not any more (≤ 8), with their follow-up.' })
export class SlippingPromoter {
  @Field(() => String, { nullable: true, description: 'externalId of the customer.' })
  customerExternalId!: string | null;

  @Field(() => Int, { description: 'Score of the previous comparable response (9 or 10).' })
  previousScore!: number;

  @Field(() => Int, { description: 'Score now (0–8).' })
  score!: number;

  @Field(() => DateTime, { description: 'When the slipping answer was given.' })
  respondedAt!: Date;

  @Field(() => String, { nullable: true, description: 'Touchpoint of the slipping answer.' })
  touchpoint!: string | null;

  @Field(() => Alert, { description: 'The ASK_WHAT_CHANGED follow-up raised for it.' })
  followUp!: Alert;
}

@ObjectType({ description: 'A slipping promoter with its cursor.' })
export class SlippingPromoterEdge {
  @Field(() => String, { description: 'Pass as `after` for the next page.' })
  cursor!: string;

  @Field(() => SlippingPromoter, { description: 'The slipping promoter.' })
  node!: SlippingPromoter;
}

@ObjectType({ description: 'A page of slipping promoters, newest answer first.' })
export class SlippingPromoterConnection {
  @Field(() => Int, { description: 'Slipping promoters matching the filter (all pages).' })
  totalCount!: number;

  @Field(() => [SlippingPromoterEdge], { description: 'This page.' })
  edges!: SlippingPromoterEdge[];

  @Field(() => PageInfo, { description: 'Paging.' })
  pageInfo!: PageInfo;
}

/** GraphQL shapes of routing rules (object type and input). */
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { NpsCategory, RiskLevel } from '../common/enums.js';
import { DateTime } from '../common/scalars.js';
import { AlertChannel, AssignMode, FollowUpTask } from './routing.enums.js';

@ObjectType({ description: 'A segment attribute a rule requires: the response must carry `key` with one of `values`.' })
export class RuleAttributeMatch {
  @Field(() => String, { description: 'Attribute key, e.g. plan.' })
  key!: string;

  @Field(() => [String], { description: 'Any of these values matches.' })
  values!: string[];
}

@ObjectType({ description: 'One entry of an attribute-value → assignee mapping (e.g. region EMEA → Sam).' })
export class AssigneeMapping {
  @Field(() => String, { description: 'Attribute value.' })
  value!: string;

  @Field(() => String, { description: 'Who gets alerts of responses with that value.' })
  assignee!: string;
}

@ObjectType({
  description: 'A routing rule: rules are tried in `position` order and the first enabled one that matches a response raises its alert.',
})
export class RoutingRule {
  @Field(() => ID, { description: 'Rule id (part of the alert ids it raises).' })
  id!: string;

  @Field(() => String, { description: 'Name shown in alerts and their history.' })
  name!: string;

  @Field(() => Boolean, { description: 'Disabled rules are skipped.' })
  enabled!: boolean;

  @Field(() => Int, { description: 'Evaluation order, ascending (reorderRoutingRules sets it).' })
  position!: number;

  @Field(() => [NpsCategory], { description: 'Categories matched; empty: any.' })
  categories!: NpsCategory[];

  @Field(() => RiskLevel, { nullable: true, description: 'Lowest churn-risk level matched; null: any.' })
  minRiskLevel!: RiskLevel | null;

  @Field(() => [String], { description: 'Touchpoints matched; empty: any.' })
  touchpoints!: string[];

  @Field(() => [String], { description: 'Theme keys: the response must mention one of them; empty: any.' })
  themes!: string[];

  @Field(() => [RuleAttributeMatch], { description: 'Segment attributes the response must all carry.' })
  attributes!: RuleAttributeMatch[];

  @Field(() => AssignMode, { description: 'How the assignee is picked.' })
  assignMode!: AssignMode;

  @Field(() => String, { nullable: true, description: 'Attribute holding the owner (ATTRIBUTE) or the mapping key (MAPPING).' })
  assignAttribute!: string | null;

  @Field(() => [AssigneeMapping], { description: 'Attribute value → assignee (MAPPING).' })
  assignMapping!: AssigneeMapping[];

  @Field(() => String, {
    nullable: true,
    description: 'FIXED: the team or person; otherwise who gets the alert when the attribute or mapping has no owner.',
  })
  assignee!: string | null;

  @Field(() => String, { nullable: true, description: 'Team the alerts count towards in followUpMetrics(groupBy: TEAM).' })
  team!: string | null;

  @Field(() => Float, { description: 'Hours until an alert of this rule is due (fractions allowed).' })
  slaHours!: number;

  @Field(() => Boolean, { description: 'True: the SLA counts business hours of the business calendar (setBusinessCalendar).' })
  slaBusinessHours!: boolean;

  @Field(() => String, { nullable: true, description: 'Who is notified, once, when an alert of this rule breaches its SLA.' })
  escalateTo!: string | null;

  @Field(() => [AlertChannel], { description: 'Where its alerts are announced.' })
  channels!: AlertChannel[];

  @Field(() => FollowUpTask, {
    description: 'The follow-up task of its alerts (see taskPerCategory; slipping promoters get ASK_WHAT_CHANGED).',
  })
  task!: FollowUpTask;

  @Field(() => Boolean, {
    description:
      'True when no task was given for a rule of several (or any) categories: each alert gets the task of its response’s category instead of `task`.',
  })
  taskPerCategory!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'Review link (https) put into THANK_AND_ASK_REVIEW tasks of this rule; null: VERBATIM_REVIEW_URL.',
  })
  reviewUrl!: string | null;

  @Field(() => DateTime, { description: 'When the rule was created.' })
  createdAt!: Date;

  @Field(() => DateTime, { description: 'When the rule last changed.' })
  updatedAt!: Date;
}

@InputType({ description: 'A required segment attribute of a rule.' })
export class RuleAttributeMatchInput {
  @Field(() => String, { description: 'Attribute key.' })
  key!: string;

  @Field(() => [String], { description: 'Any of these values matches (at least one).' })
  values!: string[];
}

@InputType({ description: 'Attribute value → assignee.' })
export class AssigneeMappingInput {
  @Field(() => String, { description: 'Attribute value.' })
  value!: string;

  @Field(() => String, { description: 'Assignee for that value.' })
  assignee!: string;
}

@InputType({ description: 'A routing rule. On create, omitted fields take their defaults; on update, omitted fields keep their value.' })
export class RoutingRuleInput {
  @Field(() => String, { nullable: true, description: 'Required on create; up to 100 characters.' })
  name?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Default true.' })
  enabled?: boolean | null;

  @Field(() => [NpsCategory], { nullable: true, description: 'Categories matched; default any.' })
  categories?: NpsCategory[] | null;

  @Field(() => RiskLevel, { nullable: true, description: 'Lowest risk level matched; default any.' })
  minRiskLevel?: RiskLevel | null;

  @Field(() => [String], { nullable: true, description: 'Touchpoints matched; default any.' })
  touchpoints?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Theme keys (any of them); default any.' })
  themes?: string[] | null;

  @Field(() => [RuleAttributeMatchInput], { nullable: true, description: 'Required segment attributes (all of them).' })
  attributes?: RuleAttributeMatchInput[] | null;

  @Field(() => AssignMode, { nullable: true, description: 'Default ATTRIBUTE.' })
  assignMode?: AssignMode | null;

  @Field(() => String, {
    nullable: true,
    description: 'Attribute for ATTRIBUTE / MAPPING; default VERBATIM_OWNER_ATTRIBUTE (account_manager).',
  })
  assignAttribute?: string | null;

  @Field(() => [AssigneeMappingInput], { nullable: true, description: 'Required for MAPPING.' })
  assignMapping?: AssigneeMappingInput[] | null;

  @Field(() => String, { nullable: true, description: 'Required for FIXED; otherwise the rule’s own fallback.' })
  assignee?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Team for the leaderboard; with assignMode TEAM, the team (setTeam) whose members take turns.',
  })
  team?: string | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Hours until due, > 0 and ≤ 8760 (fractions allowed); default VERBATIM_DEFAULT_SLA_HOURS (48).',
  })
  slaHours?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Count the SLA in business hours of the business calendar (setBusinessCalendar; default Mon–Fri 09–17 UTC); default false.',
  })
  slaBusinessHours?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The assignee’s manager (or a team) notified once when an alert of this rule breaches its SLA (ESCALATED in its history); null: none.',
  })
  escalateTo?: string | null;

  @Field(() => [AlertChannel], { nullable: true, description: 'Default both SUBSCRIPTION and WEBHOOK.' })
  channels?: AlertChannel[] | null;

  @Field(() => FollowUpTask, {
    nullable: true,
    description:
      'Default: the task that fits the rule’s single category; for a rule of several (or any) categories, the task of each response’s category.',
  })
  task?: FollowUpTask | null;

  @Field(() => String, {
    nullable: true,
    description: 'Review link for promoters (an absolute https URL, e.g. per touchpoint or segment); default VERBATIM_REVIEW_URL.',
  })
  reviewUrl?: string | null;
}

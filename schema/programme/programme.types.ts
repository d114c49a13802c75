/** GraphQL shapes of the survey programme: rules, events, invitations, settings and response rates. */
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Attribute, AttributeInput } from '../common/attribute.types.js';
import { PageInfo } from '../common/page-info.js';
import { DateTime } from '../common/scalars.js';
import { CustomerInput } from '../response/response.inputs.js';

export enum SurveyKind {
  RELATIONSHIP = 'RELATIONSHIP',
  TRANSACTIONAL = 'TRANSACTIONAL',
}
registerEnumType(SurveyKind, {
  valuesConfig: {
    RELATIONSHIP: { description: 'Asks about the whole relationship every `everyDays` days.' },
    TRANSACTIONAL: { description: 'Follows one touchpoint event.' },
  },
  name: 'SurveyKind',
  description: 'Relationship surveys ask about the whole relationship on a cadence; transactional ones follow one touchpoint event.',
});

export enum InvitationStatus {
  QUEUED = 'QUEUED',
  SENT = 'SENT',
  RESPONDED = 'RESPONDED',
  EXPIRED = 'EXPIRED',
  SKIPPED = 'SKIPPED',
}
registerEnumType(InvitationStatus, {
  valuesConfig: {
    QUEUED: { description: 'Released to the sending tool, not yet reported sent.' },
    SENT: { description: 'Reported sent (markInvitationSent).' },
    RESPONDED: { description: 'The customer answered.' },
    EXPIRED: { description: 'Not answered in time.' },
    SKIPPED: { description: 'Not sent: a rule skipped it (see skipRule).' },
  },
  name: 'InvitationStatus',
  description: 'QUEUED (released to the sending tool) → SENT → RESPONDED, or EXPIRED unanswered; SKIPPED by a rule (see skipRule).',
});

export enum ResponseRateGroupBy {
  TOUCHPOINT = 'TOUCHPOINT',
  ATTRIBUTE = 'ATTRIBUTE',
}
registerEnumType(ResponseRateGroupBy, {
  valuesConfig: {
    TOUCHPOINT: { description: 'One row per touchpoint.' },
    ATTRIBUTE: { description: 'One row per value of the given attribute key.' },
  },
  name: 'ResponseRateGroupBy',
  description: 'What response rates are grouped by.',
});

@InputType({ description: 'A survey rule: when and how a touchpoint is surveyed.' })
export class CreateSurveyRuleInput {
  @Field(() => String, { description: 'Touchpoint the rule belongs to (one rule per touchpoint), e.g. order_delivered.' })
  touchpoint!: string;

  @Field(() => SurveyKind, {
    nullable: true,
    description:
      'Default TRANSACTIONAL. At most one enabled RELATIONSHIP rule: a customer has one relationship cadence, so a second could never fire (refused, field kind).',
  })
  kind?: SurveyKind | null;

  @Field(() => Float, { nullable: true, description: 'Hours after the event the survey becomes due (default 0, never negative).' })
  delayHours?: number | null;

  @Field(() => String, { nullable: true, description: 'Channel the sending tool uses, e.g. email or sms (default email).' })
  channel?: string | null;

  @Field(() => Float, { nullable: true, description: 'Share of events surveyed, above 0 up to 1 (default 1).' })
  sampleRate?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Default true; events of a disabled rule are skipped with RULE_DISABLED.' })
  enabled?: boolean | null;

  @Field(() => Int, { nullable: true, description: 'RELATIONSHIP cadence in days (default 90).' })
  everyDays?: number | null;

  @Field(() => String, { nullable: true, description: 'Team whose daily capacity (setTeamCapacity) its surveys count against.' })
  team?: string | null;
}

@InputType({ description: 'Changes to a survey rule: only the fields given change (the touchpoint never does).' })
export class UpdateSurveyRuleInput {
  @Field(() => SurveyKind, {
    nullable: true,
    description:
      'Relationship or transactional. A rule that would become a second enabled RELATIONSHIP rule is refused (field kind, or enabled).',
  })
  kind?: SurveyKind | null;

  @Field(() => Float, { nullable: true, description: 'Hours after the event the survey becomes due (never negative).' })
  delayHours?: number | null;

  @Field(() => String, { nullable: true, description: 'Channel the sending tool uses, e.g. email or sms.' })
  channel?: string | null;

  @Field(() => Float, { nullable: true, description: 'Share of events surveyed, above 0 up to 1.' })
  sampleRate?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'False: events are skipped with RULE_DISABLED.' })
  enabled?: boolean | null;

  @Field(() => Int, { nullable: true, description: 'RELATIONSHIP cadence in days.' })
  everyDays?: number | null;

  @Field(() => String, { nullable: true, description: 'Team whose daily capacity its surveys count against.' })
  team?: string | null;
}

@ObjectType({ description: 'A survey rule of one touchpoint.' })
export class SurveyRule {
  @Field(() => ID, { description: 'Id of the rule (pass it to updateSurveyRule or deleteSurveyRule).' })
  id!: string;

  @Field(() => String, { description: 'Touchpoint the rule belongs to.' })
  touchpoint!: string;

  @Field(() => SurveyKind, { description: 'Relationship or transactional.' })
  kind!: SurveyKind;

  @Field(() => Float, { description: 'Hours after the event the survey becomes due.' })
  delayHours!: number;

  @Field(() => String, { description: 'Channel the sending tool uses, e.g. email or sms.' })
  channel!: string;

  @Field(() => Float, { description: 'Share of events surveyed, above 0 up to 1.' })
  sampleRate!: number;

  @Field(() => Boolean, { description: 'False: events are skipped with RULE_DISABLED.' })
  enabled!: boolean;

  @Field(() => Int, { description: 'RELATIONSHIP cadence in days.' })
  everyDays!: number;

  @Field(() => String, { nullable: true, description: 'Team whose daily capacity its surveys count against; null if none.' })
  team!: string | null;
}

@InputType({ description: 'A moment in the customer journey that may trigger a survey.' })
export class TouchpointEventInput {
  @Field(() => String, {
    nullable: true,
    description: 'Id in your system: replaying the same id never creates a second event or invitation.',
  })
  externalId?: string | null;

  @Field(() => String, { description: 'A touchpoint with a survey rule.' })
  touchpoint!: string;

  @Field(() => DateTime, { nullable: true, description: 'When it happened (default now).' })
  occurredAt?: Date | null;

  @Field(() => CustomerInput, {
    description: 'The customer, with the contact fields the sending tool needs (email, locale, timeZone) and the opt-out flag.',
  })
  customer!: CustomerInput;

  @Field(() => [AttributeInput], { nullable: true, description: 'Segment attributes carried onto the invitation (at most 50).' })
  attributes?: AttributeInput[] | null;
}

@ObjectType({ description: 'A recorded touchpoint event.' })
export class TouchpointEvent {
  @Field(() => ID, { description: 'Id of the stored event.' })
  id!: string;

  @Field(() => String, { description: 'Id of the event in your system.' })
  externalId!: string;

  @Field(() => String, { description: 'The touchpoint.' })
  touchpoint!: string;

  @Field(() => String, { description: 'Customer id in the source system.' })
  customerExternalId!: string;

  @Field(() => DateTime, { description: 'When it happened.' })
  occurredAt!: Date;

  @Field(() => DateTime, { description: "When its survey becomes due (occurredAt + the rule's delayHours)." })
  dueAt!: Date;

  @Field(() => String, { description: 'PENDING (waiting for the planner), INVITED or SKIPPED.' })
  status!: string;

  @Field(() => Boolean, { description: 'True when this externalId was recorded before (nothing new was stored).' })
  duplicate!: boolean;
}

@ObjectType({ description: 'The customer of an invitation, as the sending tool needs it.' })
export class InvitationCustomer {
  @Field(() => String, { description: 'Customer id in the source system.' })
  externalId!: string;

  @Field(() => String, { nullable: true, description: 'Personal data: visible only to ADMIN and MANAGER keys (null for others).' })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'Language of the survey, e.g. de-DE; null if unknown.' })
  locale!: string | null;

  @Field(() => String, { description: 'Zone of the customer (default the business calendar’s).' })
  timeZone!: string;
}

@ObjectType({ description: 'One survey the planner released (or skipped, with the rule that skipped it).' })
export class SurveyInvitation {
  @Field(() => ID, { description: 'Pass it back as `invitationId` on the response.' })
  id!: string;

  @Field(() => InvitationCustomer, { description: 'Who to survey.' })
  customer!: InvitationCustomer;

  @Field(() => String, { description: 'Touchpoint of the event that triggered it.' })
  touchpoint!: string;

  @Field(() => SurveyKind, { description: 'Relationship or transactional.' })
  kind!: SurveyKind;

  @Field(() => String, { description: 'Channel the sending tool uses (the rule’s channel).' })
  channel!: string;

  @Field(() => String, { nullable: true, description: 'Team whose daily capacity it counts against; null if none.' })
  team!: string | null;

  @Field(() => DateTime, { description: 'When the survey became due (event time + delayHours).' })
  dueAt!: Date;

  @Field(() => InvitationStatus, { description: 'Where the invitation is.' })
  status!: InvitationStatus;

  @Field(() => String, {
    nullable: true,
    description:
      'SKIPPED: the rule, one of RULE_DISABLED, SAMPLED_OUT, OPTED_OUT, MIN_DAYS_BETWEEN, TOUCHPOINT_DAYS, ACCOUNT_LIMIT, DEFERRED_TOO_LONG (still deferred VERBATIM_MAX_DEFER_DAYS after it was due; the reason says why it was deferred).',
  })
  skipRule!: string | null;

  @Field(() => String, { nullable: true, description: 'SKIPPED: why, in words.' })
  skipReason!: string | null;

  @Field(() => DateTime, { description: 'When the planner released or skipped it.' })
  plannedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When the sending tool reported it sent; null until then.' })
  sentAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When the customer answered; null until then.' })
  respondedAt!: Date | null;

  @Field(() => ID, { nullable: true, description: 'The response that answered it.' })
  responseId!: string | null;

  @Field(() => [Attribute], { description: 'Segment attributes carried over from the event.' })
  attributes!: Attribute[];
}

@ObjectType({ description: 'One invitation of a page, with its cursor.' })
export class SurveyInvitationEdge {
  @Field(() => String, { description: 'Pass as `after` to continue after this invitation.' })
  cursor!: string;

  @Field(() => SurveyInvitation, { description: 'The invitation.' })
  node!: SurveyInvitation;
}

@ObjectType({ description: 'A page of invitations, newest first.' })
export class SurveyInvitationConnection {
  @Field(() => Int, { description: 'Invitations matching the filter, over all pages.' })
  totalCount!: number;

  @Field(() => [SurveyInvitationEdge], { description: 'The invitations of this page.' })
  edges!: SurveyInvitationEdge[];

  @Field(() => PageInfo, { description: 'Cursor of the next page.' })
  pageInfo!: PageInfo;
}

@InputType({ description: 'Which invitations a query covers (by plannedAt for from/to).' })
export class SurveyInvitationFilter {
  @Field(() => [InvitationStatus], { nullable: true, description: 'Any of these statuses.' })
  statuses?: InvitationStatus[] | null;

  @Field(() => [String], { nullable: true, description: 'Any of these touchpoints.' })
  touchpoints?: string[] | null;

  @Field(() => String, { nullable: true, description: "The customer's externalId." })
  customerExternalId?: string | null;

  @Field(() => DateTime, { nullable: true, description: 'plannedAt ≥ from.' })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'plannedAt < to.' })
  to?: Date | null;
}

@ObjectType({ description: 'How many released invitations were answered, for one group.' })
export class ResponseRate {
  @Field(() => String, { description: 'The touchpoint, or the attribute value ("(none)" when absent).' })
  key!: string;

  @Field(() => Int, { description: 'Invitations released (skipped ones not counted).' })
  invitations!: number;

  @Field(() => Int, { description: 'Invitations answered.' })
  responses!: number;

  @Field(() => Float, { description: 'responses / invitations, 0–1.' })
  rate!: number;

  @Field(() => Float, { nullable: true, description: 'Median hours from sent (else released) to the answer.' })
  medianHoursToRespond!: number | null;
}

@InputType({ description: 'Contact-frequency (fatigue) rules; only the fields given change.' })
export class ContactRulesInput {
  @Field(() => Float, { nullable: true, description: 'Minimum days between any two surveys of one customer (default 30).' })
  minDaysBetweenSurveys?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Minimum days between two surveys of one customer at the same touchpoint (default 0: off).',
  })
  touchpointDays?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Event attribute naming the account (company), e.g. account_id; null: no account limit.',
  })
  accountAttribute?: string | null;

  @Field(() => Int, { nullable: true, description: 'At most this many surveys per account per accountPeriodDays (0: off).' })
  accountMaxSurveys?: number | null;

  @Field(() => Float, { nullable: true, description: 'Period of the account limit, in days (default 30).' })
  accountPeriodDays?: number | null;

  @Field(() => Int, { nullable: true, description: 'Local hour from which nothing is released (with quietHoursEnd).' })
  quietHoursStart?: number | null;

  @Field(() => Int, { nullable: true, description: 'Local hour until which nothing is released (exclusive).' })
  quietHoursEnd?: number | null;
}

@ObjectType({ description: 'Contact-frequency (fatigue) rules in force.' })
export class ContactRules {
  @Field(() => Float, { description: 'Minimum days between any two surveys of one customer.' })
  minDaysBetweenSurveys!: number;

  @Field(() => Float, { description: 'Minimum days between two surveys of one customer at the same touchpoint (0: off).' })
  touchpointDays!: number;

  @Field(() => String, { nullable: true, description: 'Event attribute naming the account (company); null: no account limit.' })
  accountAttribute!: string | null;

  @Field(() => Int, { description: 'At most this many surveys per account per accountPeriodDays (0: off).' })
  accountMaxSurveys!: number;

  @Field(() => Float, { description: 'Period of the account limit, in days.' })
  accountPeriodDays!: number;

  @Field(() => Int, { nullable: true, description: 'Local hour from which nothing is released; null: no quiet hours.' })
  quietHoursStart!: number | null;

  @Field(() => Int, { nullable: true, description: 'Local hour until which nothing is released (exclusive); null: no quiet hours.' })
  quietHoursEnd!: number | null;
}

@InputType({ description: 'The business calendar surveys are released in; only the fields given change.' })
export class BusinessCalendarInput {
  @Field(() => [Int], { nullable: true, description: 'ISO weekdays that are business days, 1 = Monday … 7 = Sunday (default 1–5).' })
  workdays?: number[] | null;

  @Field(() => [String], { nullable: true, description: 'Public holidays, YYYY-MM-DD (local dates).' })
  holidays?: string[] | null;

  @Field(() => Int, { nullable: true, description: 'Opening hour, local (default 9).' })
  openHour?: number | null;

  @Field(() => Int, { nullable: true, description: 'Closing hour, local, exclusive (default 17).' })
  closeHour?: number | null;

  @Field(() => String, { nullable: true, description: "Zone of customers without one, and of the teams' days (default UTC)." })
  timeZone?: string | null;
}

@ObjectType({ description: 'The business calendar in force.' })
export class BusinessCalendar {
  @Field(() => [Int], { description: 'ISO weekdays that are business days, 1 = Monday … 7 = Sunday.' })
  workdays!: number[];

  @Field(() => [String], { description: 'Public holidays, YYYY-MM-DD (local dates).' })
  holidays!: string[];

  @Field(() => Int, { description: 'Opening hour, local.' })
  openHour!: number;

  @Field(() => Int, { description: 'Closing hour, local, exclusive.' })
  closeHour!: number;

  @Field(() => String, { description: "Zone of customers without one, and of the teams' days." })
  timeZone!: string;
}

@ObjectType({ description: 'How many surveys a team may release per day (so its follow-ups stay answerable).' })
export class TeamCapacity {
  @Field(() => String, { description: 'Team name (a survey rule’s `team`).' })
  team!: string;

  @Field(() => Int, { description: 'Most surveys of the team’s rules released per day.' })
  perDay!: number;
}

@ObjectType({ description: 'One dispatch planner tick: what it released, skipped and deferred, and how long it took.' })
export class DispatchTick {
  @Field(() => String, { description: 'Tick number (clock time divided by VERBATIM_DISPATCH_EVERY_SECONDS).' })
  tick!: string;

  @Field(() => DateTime, { description: 'The clock time the tick ran at.' })
  at!: Date;

  @Field(() => Int, {
    description: 'Relationship surveys the cadence made due in this tick (customers with no triggering event, see RELATIONSHIP rules).',
  })
  relationship!: number;

  @Field(() => Int, { description: 'Invitations released (QUEUED) and sent to the sending tool in one survey.due webhook.' })
  released!: number;

  @Field(() => Int, { description: 'Surveys skipped, each recorded on a SKIPPED invitation with its rule.' })
  skipped!: number;

  @Field(() => Int, { description: 'Due surveys held back: outside business hours, quiet hours or team capacity.' })
  deferred!: number;

  @Field(() => Int, { description: 'Unanswered invitations that became EXPIRED.' })
  expired!: number;

  @Field(() => Int, { description: 'Planner time of the tick, in milliseconds.' })
  tookMs!: number;

  @Field(() => Boolean, { description: 'False while the tick runs.' })
  done!: boolean;
}

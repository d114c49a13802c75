/** The survey programme as stored: touchpoint events, survey rules, contacts, invitations and settings. */
import type { Types } from 'mongoose';
import type { Attribute } from '../response/response.entity.js';

export type SurveyKind = 'RELATIONSHIP' | 'TRANSACTIONAL';
export type InvitationStatus = 'QUEUED' | 'SENT' | 'RESPONDED' | 'EXPIRED' | 'SKIPPED';
/** The rule that skipped a survey (recorded on the SKIPPED invitation). */
export type SkipRule =
  | 'RULE_DISABLED'
  | 'SAMPLED_OUT'
  | 'OPTED_OUT'
  | 'MIN_DAYS_BETWEEN'
  | 'TOUCHPOINT_DAYS'
  | 'ACCOUNT_LIMIT'
  /** Still deferred (business hours, quiet hours, team capacity) VERBATIM_MAX_DEFER_DAYS after it was due. */
  | 'DEFERRED_TOO_LONG';

export interface SurveyRuleEntity {
  _id: Types.ObjectId;
  touchpoint: string;
  kind: SurveyKind;
  delayHours: number;
  channel: string;
  /** Share of events surveyed, 0 < rate <= 1 (decided per event, deterministically). */
  sampleRate: number;
  enabled: boolean;
  /** RELATIONSHIP: days between two relationship surveys of one customer. */
  everyDays: number;
  /** Team whose daily capacity the released surveys count against. */
  team: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Contact fields the sending tool needs, and what fatigue rules read. `_id` is the customer externalId. */
export interface ContactEntity {
  _id: string;
  email: string | null;
  locale: string | null;
  timeZone: string | null;
  optedOut: boolean;
  /** Value of the account attribute (B2B company), for the per-account limit. */
  account: string | null;
  lastSurveyedAt: Date | null;
  /** Absent on contacts created before their first survey. */
  lastByTouchpoint?: { touchpoint: string; at: Date }[];
  /** Latest attributes of the customer's events or responses: relationship surveys carry them (and scopes read them). */
  attributes?: Attribute[];
  /**
   * Start of the relationship cadence: the last relationship survey planned, or first seen. Due for a
   * RELATIONSHIP rule once older than its `everyDays` (indexed: the planner reads a page by this date).
   */
  relationshipAnchor?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type EventStatus = 'PENDING' | 'INVITED' | 'SKIPPED';

export interface TouchpointEventEntity {
  _id: Types.ObjectId;
  /** Id in the caller's system (generated when absent): replays with the same id are duplicates. */
  externalId: string;
  customerId: string;
  touchpoint: string;
  occurredAt: Date;
  attributes: Attribute[];
  /** When its survey becomes due (occurredAt + the rule's delay). */
  dueAt: Date;
  status: EventStatus;
  invitationId: Types.ObjectId | null;
  createdAt: Date;
}

/**
 * A pending event in the planner's due queue (`_id` = the event's): only events not yet settled are
 * here, read a page at a time by `_id` from the keys of the due day buckets (day-buckets.ts): FerretDB
 * serves only `_id` equality and `$in` from an index; any other filter reads the whole collection.
 */
export type DueEventEntity = Pick<TouchpointEventEntity, '_id' | 'customerId' | 'touchpoint' | 'attributes' | 'dueAt'>;

/** When surveys were released to one account (`_id` = the account): the per-account limit reads it by `_id`. */
export interface AccountSurveysEntity {
  _id: string;
  at: Date[];
}

export interface InvitationEntity {
  _id: Types.ObjectId;
  /** The event behind it (unique: one invitation per event, however often the planner runs). */
  eventId: Types.ObjectId;
  customerId: string;
  touchpoint: string;
  kind: SurveyKind;
  channel: string;
  team: string | null;
  email: string | null;
  locale: string | null;
  timeZone: string;
  /** The customer's account (contact rules' accountAttribute), for the per-account limit. */
  account: string | null;
  attributes: Attribute[];
  /** `key=value` tags of `attributes` (attributeTag): MANAGER scopes match them with `$all`. */
  attributeTags: string[];
  dueAt: Date;
  status: InvitationStatus;
  skipRule: SkipRule | null;
  skipDetail: string | null;
  /** When the planner released it (or skipped it). */
  plannedAt: Date;
  sentAt: Date | null;
  respondedAt: Date | null;
  responseId: Types.ObjectId | null;
  expiredAt: Date | null;
}

/** Contact-frequency rules (one document). */
export interface ContactRulesEntity {
  _id: 'contact-rules';
  minDaysBetweenSurveys: number;
  /** Days between two surveys of one customer at the same touchpoint. */
  touchpointDays: number;
  /** Customer attribute naming the account (company); null turns the account limit off. */
  accountAttribute: string | null;
  accountMaxSurveys: number;
  accountPeriodDays: number;
  /** Local hours [start, end) in which nothing is released, e.g. 12–14; null: none. */
  quietHoursStart: number | null;
  quietHoursEnd: number | null;
}

export interface CalendarEntity {
  _id: 'calendar';
  workdays: number[];
  holidays: string[];
  openHour: number;
  closeHour: number;
  /** Zone of customers without one, and of teams' days (capacity). */
  timeZone: string;
}

export interface TeamCapacityEntity {
  _id: string;
  perDay: number;
}

/** Released surveys of a team on a day (`_id` = team|YYYY-MM-DD). */
export interface CapacityUseEntity {
  _id: string;
  count: number;
}

/** A claimed planner tick: one plan per tick, however many workers run. */
export interface DispatchTickEntity {
  _id: string;
  at: Date;
  /** Relationship surveys the cadence made due (absent on ticks of older versions). */
  relationship?: number;
  released: number;
  skipped: number;
  deferred: number;
  expired: number;
  tookMs: number;
  /** False while the tick runs (or when its worker died mid-plan). */
  done: boolean;
}

/**
 * Whether one due survey is released now, skipped (and by which rule) or deferred to a later tick.
 * Pure: the planner gathers the state, this decides. Skips are final and recorded; deferrals are not
 * (outside business hours, quiet hours, or the team's capacity for the day used up) — until the survey
 * has been due for `maxDeferDays`: then it is skipped with DEFERRED_TOO_LONG, so the due queue of a
 * team whose capacity is smaller than what is due stays bounded.
 */
import { isBusinessTime, type BusinessCalendar } from '../../domain/business-calendar.js';
import type { ContactEntity, ContactRulesEntity, SkipRule, SurveyRuleEntity } from '../../../models/programme/programme.entity.js';
import { DAY_MS } from '../../domain/time.js';
import { fnv1a } from '../../domain/hash.js';

export const DEFAULT_CONTACT_RULES: Omit<ContactRulesEntity, '_id'> = {
  minDaysBetweenSurveys: 30,
  touchpointDays: 0,
  accountAttribute: null,
  accountMaxSurveys: 0,
  accountPeriodDays: 30,
  quietHoursStart: null,
  quietHoursEnd: null,
};

export type DeferReason = 'OUTSIDE_BUSINESS_HOURS' | 'QUIET_HOURS' | 'TEAM_CAPACITY';

export type Decision =
  { action: 'RELEASE' } | { action: 'SKIP'; rule: SkipRule; detail: string } | { action: 'DEFER'; reason: DeferReason };

export interface Candidate {
  eventId: string;
  touchpoint: string;
  /** When the survey became due: deferred for `maxDeferDays` after it, it is skipped. */
  dueAt: Date;
  rule: Pick<SurveyRuleEntity, 'enabled' | 'sampleRate'> | null;
  contact: Pick<ContactEntity, 'optedOut' | 'lastSurveyedAt' | 'lastByTouchpoint'> | null;
  timeZone: string;
  /** Surveys already released to the customer's account inside the account period. */
  accountSurveys: number;
  /** Surveys the owning team still may release today (Infinity: no capacity set). */
  teamRemaining: number;
}

/** Deterministic share in [0, 1) of an id, so re-planning the same event samples it the same way. */
export function sampleShare(id: string): number {
  return fnv1a(id) / 2 ** 32;
}

function localHour(now: Date, tz: string): number {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone: tz, hour: '2-digit', hourCycle: 'h23' }).format(now));
}

export function decide(
  c: Candidate,
  rules: Omit<ContactRulesEntity, '_id'>,
  calendar: BusinessCalendar,
  now: Date,
  maxDeferDays = Infinity,
): Decision {
  const decision = skipOrDefer(c, rules, calendar, now);
  if (decision.action !== 'DEFER' || now.getTime() - c.dueAt.getTime() < maxDeferDays * DAY_MS) return decision;
  return {
    action: 'SKIP',
    rule: 'DEFERRED_TOO_LONG',
    detail: `due ${c.dueAt.toISOString()}, still deferred (${decision.reason}) ${maxDeferDays} days later`,
  };
}

function skipOrDefer(c: Candidate, rules: Omit<ContactRulesEntity, '_id'>, calendar: BusinessCalendar, now: Date): Decision {
  if (!c.rule || !c.rule.enabled)
    return { action: 'SKIP', rule: 'RULE_DISABLED', detail: `no enabled survey rule for touchpoint ${c.touchpoint}` };
  if (sampleShare(c.eventId) >= c.rule.sampleRate)
    return { action: 'SKIP', rule: 'SAMPLED_OUT', detail: `outside the sample rate ${c.rule.sampleRate}` };
  if (c.contact?.optedOut) return { action: 'SKIP', rule: 'OPTED_OUT', detail: 'the customer opted out of surveys' };
  const last = c.contact?.lastSurveyedAt;
  if (last && now.getTime() - last.getTime() < rules.minDaysBetweenSurveys * DAY_MS)
    return {
      action: 'SKIP',
      rule: 'MIN_DAYS_BETWEEN',
      detail: `surveyed ${last.toISOString()}, less than ${rules.minDaysBetweenSurveys} days ago`,
    };
  const lastHere = c.contact?.lastByTouchpoint?.find((t) => t.touchpoint === c.touchpoint)?.at;
  if (lastHere && now.getTime() - lastHere.getTime() < rules.touchpointDays * DAY_MS)
    return { action: 'SKIP', rule: 'TOUCHPOINT_DAYS', detail: `surveyed at ${c.touchpoint} less than ${rules.touchpointDays} days ago` };
  if (rules.accountAttribute && rules.accountMaxSurveys > 0 && c.accountSurveys >= rules.accountMaxSurveys)
    return {
      action: 'SKIP',
      rule: 'ACCOUNT_LIMIT',
      detail: `account reached ${rules.accountMaxSurveys} surveys in ${rules.accountPeriodDays} days`,
    };
  if (!isBusinessTime(now, c.timeZone, calendar)) return { action: 'DEFER', reason: 'OUTSIDE_BUSINESS_HOURS' };
  if (rules.quietHoursStart !== null && rules.quietHoursEnd !== null) {
    const hour = localHour(now, c.timeZone);
    if (hour >= rules.quietHoursStart && hour < rules.quietHoursEnd) return { action: 'DEFER', reason: 'QUIET_HOURS' };
  }
  if (c.teamRemaining <= 0) return { action: 'DEFER', reason: 'TEAM_CAPACITY' };
  return { action: 'RELEASE' };
}

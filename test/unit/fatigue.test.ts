import { describe, expect, it } from 'vitest';
import { DEFAULT_BUSINESS_CALENDAR } from '../../src/domain/business-calendar.js';
import { decide, DEFAULT_CONTACT_RULES, sampleShare, type Candidate } from '../../src/services/programme/fatigue.js';

const calendar = { ...DEFAULT_BUSINESS_CALENDAR, holidays: ['2026-11-26'] };
const monday10 = new Date('2026-11-23T10:00:00Z'); // 10:00 UTC, a Monday
const base: Candidate = {
  eventId: 'e1',
  touchpoint: 'order_delivered',
  dueAt: new Date('2026-11-23T09:00:00Z'),
  rule: { enabled: true, sampleRate: 1 },
  contact: { optedOut: false, lastSurveyedAt: null, lastByTouchpoint: [] },
  timeZone: 'UTC',
  accountSurveys: 0,
  teamRemaining: Infinity,
};
const days = (n: number) => new Date(monday10.getTime() - n * 86_400_000);

describe('contact-frequency decision', () => {
  it('releases a due survey in business hours', () => {
    expect(decide(base, DEFAULT_CONTACT_RULES, calendar, monday10)).toEqual({ action: 'RELEASE' });
  });

  it('records the rule of every skip', () => {
    const rules = { ...DEFAULT_CONTACT_RULES, touchpointDays: 90, accountAttribute: 'account_id', accountMaxSurveys: 2 };
    const skip = (c: Partial<Candidate>) => decide({ ...base, ...c }, rules, calendar, monday10);
    expect(skip({ rule: null })).toMatchObject({ action: 'SKIP', rule: 'RULE_DISABLED' });
    expect(skip({ rule: { enabled: false, sampleRate: 1 } })).toMatchObject({ action: 'SKIP', rule: 'RULE_DISABLED' });
    expect(skip({ contact: { optedOut: true, lastSurveyedAt: null } })).toMatchObject({ action: 'SKIP', rule: 'OPTED_OUT' });
    expect(skip({ contact: { optedOut: false, lastSurveyedAt: days(29) } })).toMatchObject({ action: 'SKIP', rule: 'MIN_DAYS_BETWEEN' });
    expect(skip({ contact: { optedOut: false, lastSurveyedAt: days(31) } })).toEqual({ action: 'RELEASE' });
    expect(
      skip({ contact: { optedOut: false, lastSurveyedAt: days(31), lastByTouchpoint: [{ touchpoint: 'order_delivered', at: days(60) }] } }),
    ).toMatchObject({
      action: 'SKIP',
      rule: 'TOUCHPOINT_DAYS',
    });
    expect(skip({ accountSurveys: 2 })).toMatchObject({ action: 'SKIP', rule: 'ACCOUNT_LIMIT' });
    expect(skip({ accountSurveys: 1 })).toEqual({ action: 'RELEASE' });
  });

  it('samples deterministically by event id', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `event-${i}`);
    const kept = ids.filter(
      (id) =>
        decide({ ...base, eventId: id, rule: { enabled: true, sampleRate: 0.25 } }, DEFAULT_CONTACT_RULES, calendar, monday10).action ===
        'RELEASE',
    );
    expect(kept.length / ids.length).toBeGreaterThan(0.2);
    expect(kept.length / ids.length).toBeLessThan(0.3);
    expect(sampleShare('event-1')).toBe(sampleShare('event-1'));
  });

  it('defers outside business hours, in quiet hours and when the team is full, in the customer time zone', () => {
    expect(decide({ ...base, timeZone: 'America/New_York' }, DEFAULT_CONTACT_RULES, calendar, monday10)).toEqual({
      action: 'DEFER',
      reason: 'OUTSIDE_BUSINESS_HOURS',
    });
    expect(decide(base, DEFAULT_CONTACT_RULES, calendar, new Date('2026-11-26T10:00:00Z'))).toEqual({
      action: 'DEFER',
      reason: 'OUTSIDE_BUSINESS_HOURS',
    }); // holiday
    expect(decide(base, DEFAULT_CONTACT_RULES, calendar, new Date('2026-11-22T10:00:00Z'))).toEqual({
      action: 'DEFER',
      reason: 'OUTSIDE_BUSINESS_HOURS',
    }); // Sunday
    const quiet = { ...DEFAULT_CONTACT_RULES, quietHoursStart: 10, quietHoursEnd: 12 };
    expect(decide(base, quiet, calendar, monday10)).toEqual({ action: 'DEFER', reason: 'QUIET_HOURS' });
    expect(decide({ ...base, teamRemaining: 0 }, DEFAULT_CONTACT_RULES, calendar, monday10)).toEqual({
      action: 'DEFER',
      reason: 'TEAM_CAPACITY',
    });
  });

  it('skips a survey still deferred maxDeferDays after it was due (DEFERRED_TOO_LONG), and releases one that can go', () => {
    const full = { ...base, teamRemaining: 0, dueAt: days(7) };
    expect(decide(full, DEFAULT_CONTACT_RULES, calendar, monday10, 7)).toEqual({
      action: 'SKIP',
      rule: 'DEFERRED_TOO_LONG',
      detail: `due ${days(7).toISOString()}, still deferred (TEAM_CAPACITY) 7 days later`,
    });
    expect(decide({ ...full, dueAt: days(6.9) }, DEFAULT_CONTACT_RULES, calendar, monday10, 7)).toEqual({
      action: 'DEFER',
      reason: 'TEAM_CAPACITY',
    });
    // Old but releasable now: released; a skip rule that applies keeps its own rule.
    expect(decide({ ...base, dueAt: days(30) }, DEFAULT_CONTACT_RULES, calendar, monday10, 7)).toEqual({ action: 'RELEASE' });
    expect(decide({ ...full, rule: null }, DEFAULT_CONTACT_RULES, calendar, monday10, 7)).toMatchObject({ rule: 'RULE_DISABLED' });
  });
});

import { describe, expect, it } from 'vitest';
import {
  addBusinessHours,
  calendarProblems,
  DEFAULT_BUSINESS_CALENDAR,
  isBusinessDay,
  isBusinessTime,
  isValidTimeZone,
  localDateKey,
  nextBusinessWindow,
} from '../../src/domain/business-calendar.js';

const cal = { ...DEFAULT_BUSINESS_CALENDAR, holidays: ['2026-12-25'] };

describe('business calendar', () => {
  it('knows weekends and holidays in the local time zone', () => {
    expect(isBusinessDay(new Date('2026-12-04T12:00:00Z'), 'Europe/Berlin', cal)).toBe(true); // Friday
    expect(isBusinessDay(new Date('2026-12-05T12:00:00Z'), 'Europe/Berlin', cal)).toBe(false); // Saturday
    expect(isBusinessDay(new Date('2026-12-25T12:00:00Z'), 'Europe/Berlin', cal)).toBe(false); // holiday
    // Saturday 02:00 in Tokyo is still Friday in UTC.
    expect(isBusinessDay(new Date('2026-12-04T17:00:00Z'), 'UTC', cal)).toBe(true);
    expect(isBusinessDay(new Date('2026-12-04T17:00:00Z'), 'Asia/Tokyo', cal)).toBe(false);
  });

  it('checks business hours in the customer time zone', () => {
    // 08:30 UTC = 09:30 Berlin (winter) but 03:30 New York.
    const t = new Date('2026-12-02T08:30:00Z');
    expect(isBusinessTime(t, 'Europe/Berlin', cal)).toBe(true);
    expect(isBusinessTime(t, 'America/New_York', cal)).toBe(false);
    expect(localDateKey(new Date('2026-12-02T23:30:00Z'), 'Europe/Berlin')).toBe('2026-12-03');
  });

  it('finds the next window across weekends, holidays and DST', () => {
    // Friday 18:00 Berlin -> Monday 09:00 Berlin.
    const w = nextBusinessWindow(new Date('2026-12-04T17:00:00Z'), 'Europe/Berlin', cal);
    expect(w.start.toISOString()).toBe('2026-12-07T08:00:00.000Z');
    expect(w.end.toISOString()).toBe('2026-12-07T16:00:00.000Z');
    // Thursday 24 Dec evening -> 25 is a holiday, 26/27 weekend -> Monday 28.
    expect(nextBusinessWindow(new Date('2026-12-24T18:00:00Z'), 'Europe/Berlin', cal).start.toISOString()).toBe('2026-12-28T08:00:00.000Z');
    // Inside a window the start is the instant itself.
    expect(nextBusinessWindow(new Date('2026-12-02T10:00:00Z'), 'Europe/Berlin', cal).start.toISOString()).toBe('2026-12-02T10:00:00.000Z');
    // After the spring DST change Berlin opens at 07:00 UTC.
    expect(nextBusinessWindow(new Date('2026-03-28T12:00:00Z'), 'Europe/Berlin', cal).start.toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  it('adds business hours, skipping nights and weekends', () => {
    // Friday 15:00 Berlin + 4 business hours = Monday 11:00 Berlin.
    expect(addBusinessHours(new Date('2026-12-04T14:00:00Z'), 4, 'Europe/Berlin', cal).toISOString()).toBe('2026-12-07T10:00:00.000Z');
    expect(addBusinessHours(new Date('2026-12-02T08:00:00Z'), 2, 'Europe/Berlin', cal).toISOString()).toBe('2026-12-02T10:00:00.000Z');
  });

  it('validates time zones and calendars by field', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(calendarProblems({ workdays: [], holidays: ['2026-13-01'], openHour: 18, closeHour: 9 }).map((p) => p.field)).toEqual([
      'workdays',
      'holidays',
      'openHour',
    ]);
  });
});

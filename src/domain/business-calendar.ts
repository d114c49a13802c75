/**
 * Business days and business hours in a time zone: weekdays, public holidays as data, opening hours.
 * Pure (no I/O); time zones through Intl so no date library is needed.
 */
import { HOUR_MS } from './time.js';

export interface BusinessCalendar {
  /** ISO weekdays that are working days: 1 = Monday … 7 = Sunday. */
  workdays: readonly number[];
  /** Public holidays as local dates `YYYY-MM-DD` (in the time zone the calendar is applied in). */
  holidays: readonly string[];
  /** Opening hour, local, 0–23 (inclusive). */
  openHour: number;
  /** Closing hour, local, 1–24 (exclusive). */
  closeHour: number;
}

export const DEFAULT_BUSINESS_CALENDAR: BusinessCalendar = { workdays: [1, 2, 3, 4, 5], holidays: [], openHour: 9, closeHour: 17 };

export interface BusinessWindow {
  start: Date;
  end: Date;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** True when `tz` is an IANA time zone name this runtime knows (e.g. `Europe/Berlin`). */
export function isValidTimeZone(tz: string): boolean {
  // Bounded so a hostile string never reaches Intl (IANA names are far shorter).
  if (tz.length === 0 || tz.length > 64) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** Problems of a calendar definition, each naming its field; empty when valid. */
export function calendarProblems(cal: BusinessCalendar): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (cal.workdays.length === 0 || cal.workdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7))
    problems.push({ field: 'workdays', message: 'workdays must be ISO weekdays 1 (Monday) to 7 (Sunday), at least one' });
  const badHoliday = cal.holidays.find((h) => !DATE_RE.test(h) || Number.isNaN(Date.parse(`${h}T00:00:00Z`)));
  if (badHoliday !== undefined) problems.push({ field: 'holidays', message: `holiday "${badHoliday}" is not a YYYY-MM-DD date` });
  if (
    !Number.isInteger(cal.openHour) ||
    !Number.isInteger(cal.closeHour) ||
    cal.openHour < 0 ||
    cal.closeHour > 24 ||
    cal.openHour >= cal.closeHour
  )
    problems.push({ field: 'openHour', message: 'business hours need whole hours with 0 <= openHour < closeHour <= 24' });
  return problems;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Wall-clock fields of an instant in a time zone (weekday ISO 1 = Monday … 7 = Sunday). */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

export function localParts(date: Date, tz: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(date)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
  };
}

/** The local calendar date `YYYY-MM-DD` of an instant in a time zone (the key for per-day capacity). */
export function localDateKey(date: Date, tz: string): string {
  const p = localParts(date, tz);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Offset of `tz` from UTC at `date`, in ms. */
function offsetMs(date: Date, tz: string): number {
  const p = localParts(date, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(date.getTime() / 1000) * 1000;
}

/** The instant of a local wall-clock time in `tz` (a skipped DST hour maps forward). */
export function zonedTime(year: number, month: number, day: number, hour: number, tz: string): Date {
  const wall = Date.UTC(year, month - 1, day, hour);
  const first = wall - offsetMs(new Date(wall), tz);
  return new Date(wall - offsetMs(new Date(first), tz));
}

function isWorkday(p: LocalParts, cal: BusinessCalendar): boolean {
  if (!cal.workdays.includes(p.weekday)) return false;
  const key = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  return !cal.holidays.includes(key);
}

/** True when the local date of `date` in `tz` is a working day and not a public holiday. */
export function isBusinessDay(date: Date, tz: string, cal: BusinessCalendar = DEFAULT_BUSINESS_CALENDAR): boolean {
  return isWorkday(localParts(date, tz), cal);
}

/** True when `date` falls on a business day inside business hours in `tz`. */
export function isBusinessTime(date: Date, tz: string, cal: BusinessCalendar = DEFAULT_BUSINESS_CALENDAR): boolean {
  const p = localParts(date, tz);
  return isWorkday(p, cal) && p.hour >= cal.openHour && p.hour < cal.closeHour;
}

/**
 * The business window that contains `from`, or the next one after it: `start` is `from` itself when it is
 * already business time, else the next opening; `end` is that day's closing.
 */
export function nextBusinessWindow(from: Date, tz: string, cal: BusinessCalendar = DEFAULT_BUSINESS_CALENDAR): BusinessWindow {
  if (calendarProblems(cal).length > 0) throw new RangeError('invalid business calendar');
  // Walk local days; 400 days covers any calendar with at least one workday and a year of holidays.
  const p0 = localParts(from, tz);
  for (let i = 0; i < 400; i++) {
    const noon = new Date(Date.UTC(p0.year, p0.month - 1, p0.day + i, 12));
    const d = { ...localParts(noon, 'UTC'), weekday: ((noon.getUTCDay() + 6) % 7) + 1 };
    if (!isWorkday(d, cal)) continue;
    const open = zonedTime(d.year, d.month, d.day, cal.openHour, tz);
    const close = zonedTime(d.year, d.month, d.day, cal.closeHour, tz);
    if (close.getTime() <= from.getTime()) continue;
    return { start: open.getTime() > from.getTime() ? open : new Date(from), end: close };
  }
  throw new RangeError('no business day within 400 days');
}

/** `start` plus `hours` of business time in `tz` (hours outside business windows do not count). */
export function addBusinessHours(start: Date, hours: number, tz: string, cal: BusinessCalendar = DEFAULT_BUSINESS_CALENDAR): Date {
  let remaining = hours * HOUR_MS;
  let at = start;
  for (;;) {
    const window = nextBusinessWindow(at, tz, cal);
    const available = window.end.getTime() - window.start.getTime();
    if (remaining <= available) return new Date(window.start.getTime() + remaining);
    remaining -= available;
    at = window.end;
  }
}

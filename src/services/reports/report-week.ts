/** ISO weeks of the weekly report: `2026-W47` ↔ its UTC Monday-to-Monday range. Pure. */
import { InputError } from '../../errors.js';
import { periodKeys } from '../../domain/periods.js';
import { DAY_MS } from '../../domain/time.js';

const WEEK_KEY = /^(\d{4})-W(\d{2})$/;

export interface ReportWeek {
  key: string;
  /** Monday 00:00 UTC. */
  from: Date;
  /** The next Monday 00:00 UTC (exclusive). */
  to: Date;
}

/** Monday 00:00 UTC of the ISO week `week` of ISO year `year` (week 1 holds January 4th). */
function mondayOf(year: number, week: number): Date {
  const jan4 = Date.UTC(year, 0, 4);
  const jan4Weekday = new Date(jan4).getUTCDay() || 7;
  return new Date(jan4 - (jan4Weekday - 1) * DAY_MS + (week - 1) * 7 * DAY_MS);
}

/** The week a key names; a field-named error when it is not an ISO week that exists. */
export function parseWeek(key: string, field = 'week'): ReportWeek {
  const match = WEEK_KEY.exec(key);
  const from = match ? mondayOf(Number(match[1]), Number(match[2])) : null;
  // Week 53 exists only in some years: the Monday must map back to the same key.
  if (!from || periodKeys(from).week !== key) throw new InputError([{ field, message: 'must be an ISO week such as 2026-W47' }]);
  return { key, from, to: new Date(from.getTime() + 7 * DAY_MS) };
}

/** The week containing `date` (UTC). */
export function weekOf(date: Date): ReportWeek {
  return parseWeek(periodKeys(date).week);
}

/** The last complete week before `now`: what a report sent on Monday morning covers. */
export function lastCompleteWeek(now: Date): ReportWeek {
  return weekOf(new Date(weekOf(now).from.getTime() - DAY_MS));
}

/** `weeks` weeks ending with (and including) `week`. */
export function weeksEndingWith(week: ReportWeek, weeks: number): { from: Date; to: Date } {
  return { from: new Date(week.to.getTime() - weeks * 7 * DAY_MS), to: week.to };
}

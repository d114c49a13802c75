/**
 * When a weekly subscription is due: the most recent local `weekday` `hour`:00 in its time zone
 * at or before `now`, as a UTC instant, with the local date as the period key. Pure; zoned time
 * comes from the business calendar's helpers.
 */
import type { Weekday } from '../../../models/report/report.entity.js';
import { localParts, zonedTime } from '../../domain/business-calendar.js';
import { DAY_MS } from '../../domain/time.js';

export const WEEKDAYS: readonly Weekday[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

export interface DueSlot {
  /** Local date of the slot, e.g. 2026-12-07: the period key. */
  period: string;
  at: Date;
}

/** The latest slot at or before `now`. */
export function latestSlot(now: Date, weekday: Weekday, hour: number, zone: string): DueSlot {
  const local = localParts(now, zone);
  const todayUtc = Date.UTC(local.year, local.month - 1, local.day);
  const todayIndex = (new Date(todayUtc).getUTCDay() + 6) % 7; // Monday = 0
  let back = (todayIndex - WEEKDAYS.indexOf(weekday) + 7) % 7;
  for (;;) {
    const date = new Date(todayUtc - back * DAY_MS);
    const at = zonedTime(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), hour, zone);
    if (at.getTime() <= now.getTime()) return { period: date.toISOString().slice(0, 10), at };
    back += 7;
  }
}

/** The latest local `hour`:00 in `zone` at or before `now` (daily digests), with its local date as the period key. */
export function latestDailySlot(now: Date, hour: number, zone: string): DueSlot {
  const local = localParts(now, zone);
  for (let back = 0; ; back++) {
    const date = new Date(Date.UTC(local.year, local.month - 1, local.day) - back * DAY_MS);
    const at = zonedTime(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), hour, zone);
    if (at.getTime() <= now.getTime()) return { period: date.toISOString().slice(0, 10), at };
  }
}

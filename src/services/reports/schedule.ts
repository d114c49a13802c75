/**
 * When a weekly subscription is due: the most recent local `weekday` `hour`:00 in its time zone
 * at or before `now`, as a UTC instant, with the local date as the period key. Pure (Intl only).
 */
import type { Weekday } from '../../../models/report/report.entity.js';

export const WEEKDAYS: readonly Weekday[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const DAY_MS = 86_400_000;

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0 && zone.length <= 64;
  } catch {
    return false;
  }
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(instant: Date, zone: string): LocalParts {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** Offset of the zone from UTC at `instant`, in ms (local − UTC). */
function offsetAt(instant: Date, zone: string): number {
  const p = localParts(instant, zone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The UTC instant of a local wall time (a time skipped by a DST jump lands just after it). */
export function zonedTime(year: number, month: number, day: number, hour: number, zone: string): Date {
  const wall = Date.UTC(year, month - 1, day, hour);
  let utc = wall - offsetAt(new Date(wall), zone);
  utc = wall - offsetAt(new Date(utc), zone);
  return new Date(utc);
}

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

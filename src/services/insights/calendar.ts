/** UTC day arithmetic on `YYYY-MM-DD` keys, and the periods (day, ISO week, month, quarter) days fall in. */
import { periodField, periodKeys, type Interval } from '../../domain/periods.js';
import { DAY_MS } from '../../domain/time.js';

export const dayStart = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
export const dayOf = (date: Date): string => date.toISOString().slice(0, 10);
export const addDays = (day: string, n: number): string => dayOf(new Date(dayStart(day).getTime() + n * DAY_MS));
export const monthOf = (day: string): string => day.slice(0, 7);

/** True when the instant is a UTC midnight. */
export const isMidnight = (date: Date): boolean => date.getTime() % DAY_MS === 0;

/** Days from `first` to `last`, both included. */
export function daysFromTo(first: string, last: string): string[] {
  const days: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) days.push(d);
  return days;
}

export function firstDayOfMonth(month: string): string {
  return `${month}-01`;
}

export function lastDayOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return dayOf(new Date(Date.UTC(y, m, 0)));
}

export function periodOfDay(day: string, interval: Interval): string {
  return periodKeys(dayStart(day))[periodField(interval)];
}

/** First day of a period. */
export function periodFirstDay(key: string, interval: Interval): string {
  switch (interval) {
    case 'DAY':
      return key;
    case 'MONTH':
      return `${key}-01`;
    case 'QUARTER': {
      const [y, q] = key.split('-Q').map(Number) as [number, number];
      return dayOf(new Date(Date.UTC(y, (q - 1) * 3, 1)));
    }
    case 'WEEK': {
      // ISO week 1 holds January 4th; weeks start on Monday.
      const [y, w] = key.split('-W').map(Number) as [number, number];
      const jan4 = new Date(Date.UTC(y, 0, 4));
      const monday = jan4.getTime() - ((jan4.getUTCDay() || 7) - 1) * DAY_MS;
      return dayOf(new Date(monday + (w - 1) * 7 * DAY_MS));
    }
  }
}

/** First day of the next period. */
export function periodEndDay(key: string, interval: Interval): string {
  const first = periodFirstDay(key, interval);
  switch (interval) {
    case 'DAY':
      return addDays(first, 1);
    case 'WEEK':
      return addDays(first, 7);
    case 'MONTH': {
      const [y, m] = key.split('-').map(Number) as [number, number];
      return dayOf(new Date(Date.UTC(y, m, 1)));
    }
    case 'QUARTER': {
      const [y, q] = key.split('-Q').map(Number) as [number, number];
      return dayOf(new Date(Date.UTC(y, q * 3, 1)));
    }
  }
}

/** Every period from the one holding `firstDay` to the one holding `lastDay`, in order. */
export function periodsBetween(firstDay: string, lastDay: string, interval: Interval): string[] {
  const keys: string[] = [];
  for (let key = periodOfDay(firstDay, interval); ;) {
    keys.push(key);
    const next = periodEndDay(key, interval);
    if (next > lastDay) break;
    key = periodOfDay(next, interval);
  }
  return keys;
}

/** Period keys precomputed at write time so trends group without date operators (FerretDB lacks $dateTrunc). */
import { DAY_MS } from './time.js';

export interface PeriodKeys {
  day: string; // 2026-11-22
  week: string; // 2026-W47 (ISO week, ISO week-year)
  month: string; // 2026-11
  quarter: string; // 2026-Q4
}

export type Interval = 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function isoWeek(date: Date): { year: number; week: number } {
  // Thursday of this week decides the ISO year.
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / DAY_MS + 1) / 7);
  return { year: d.getUTCFullYear(), week };
}

export function periodKeys(date: Date): PeriodKeys {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + 1;
  const { year: wy, week } = isoWeek(date);
  return {
    day: `${y}-${pad(m)}-${pad(date.getUTCDate())}`,
    week: `${wy}-W${pad(week)}`,
    month: `${y}-${pad(m)}`,
    quarter: `${y}-Q${Math.ceil(m / 3)}`,
  };
}

export function periodField(interval: Interval): keyof PeriodKeys {
  return ({ DAY: 'day', WEEK: 'week', MONTH: 'month', QUARTER: 'quarter' } as const)[interval];
}

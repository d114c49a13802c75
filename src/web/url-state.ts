/**
 * The view and its filters live in the URL's query string, so a view can be shared and the back
 * button works. Never the API key.
 */
import { useEffect, useState } from 'preact/hooks';

const VIEWS = ['overview', 'why', 'segments', 'followups', 'atrisk', 'emerging'] as const;
export type View = (typeof VIEWS)[number];
export const PERIODS = { '30d': 30, '90d': 90, '12m': 365, all: 0 } as const;
export type Period = keyof typeof PERIODS;
export const INTERVALS = ['DAY', 'WEEK', 'MONTH', 'QUARTER'] as const;
type Interval = (typeof INTERVALS)[number];
export const CATEGORIES = ['PROMOTER', 'PASSIVE', 'DETRACTOR'] as const;
type Category = (typeof CATEGORIES)[number];

export interface UrlState {
  view: View;
  period: Period;
  interval: Interval;
  touchpoint: string;
  /** A segment as `key:value`, e.g. `region:Nevada`. */
  segment: string;
  category: Category | '';
  theme: string;
  /** The attribute the Segments view groups by. */
  attribute: string;
  assignee: string;
}

const DEFAULTS: UrlState = {
  view: 'overview',
  period: '90d',
  interval: 'WEEK',
  touchpoint: '',
  segment: '',
  category: '',
  theme: '',
  attribute: 'region',
  assignee: '',
};

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function readUrlState(search = location.search): UrlState {
  const p = new URLSearchParams(search);
  return {
    view: oneOf(p.get('view'), VIEWS, DEFAULTS.view),
    period: oneOf(p.get('period'), Object.keys(PERIODS) as Period[], DEFAULTS.period),
    interval: oneOf(p.get('interval'), INTERVALS, DEFAULTS.interval),
    touchpoint: p.get('touchpoint') ?? '',
    segment: p.get('segment') ?? '',
    category: oneOf(p.get('category'), ['', ...CATEGORIES], ''),
    theme: p.get('theme') ?? '',
    attribute: p.get('attribute') || DEFAULTS.attribute,
    assignee: p.get('assignee') ?? '',
  };
}

function toSearch(state: UrlState): string {
  const p = new URLSearchParams();
  for (const k of Object.keys(state) as (keyof UrlState)[]) if (state[k] && state[k] !== DEFAULTS[k]) p.set(k, state[k]);
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function useUrlState(): [UrlState, (patch: Partial<UrlState>) => void] {
  const [state, setState] = useState(readUrlState);
  useEffect(() => {
    const onPop = () => setState(readUrlState());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const update = (patch: Partial<UrlState>) => {
    const next = { ...readUrlState(), ...patch };
    history.pushState(null, '', `${location.pathname}${toSearch(next)}`);
    setState(next);
  };
  return [state, update];
}

export interface DateRange {
  from?: string;
  to?: string;
}

/** The selected period and the one before it (same length), for "change vs previous period". */
export function periodRanges(period: Period, now = new Date()): { current: DateRange; previous: DateRange | null } {
  const days = PERIODS[period];
  if (!days) return { current: {}, previous: null };
  const day = 86_400_000;
  const to = new Date(Math.ceil(now.getTime() / day) * day);
  const from = new Date(to.getTime() - days * day);
  const prevFrom = new Date(from.getTime() - days * day);
  return {
    current: { from: from.toISOString(), to: to.toISOString() },
    previous: { from: prevFrom.toISOString(), to: from.toISOString() },
  };
}

/** The ResponseFilter of the URL's filters over a date range. */
export function responseFilter(state: UrlState, range: DateRange, extra: { themes?: string[]; withCategory?: boolean } = {}) {
  const [key, ...rest] = state.segment.split(':');
  const value = rest.join(':');
  return {
    ...range,
    ...(state.touchpoint ? { touchpoints: [state.touchpoint] } : {}),
    ...(key && value ? { attributes: [{ key, value }] } : {}),
    ...(extra.withCategory !== false && state.category ? { categories: [state.category] } : {}),
    ...(extra.themes ? { themes: extra.themes } : {}),
  };
}

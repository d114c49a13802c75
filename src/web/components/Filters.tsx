/** The filter bar: period, trend interval, touchpoint, one segment and category, all kept in the URL. */
import { useQuery } from '@urql/preact';
import { graphql } from '../graphql';
import { CATEGORIES, INTERVALS, type PERIODS, type UrlState } from '../url-state';

/** Attribute keys offered for segments; the API groups by any key responses carry. */
export const ATTRIBUTE_KEYS = ['region', 'plan', 'account_manager', 'acquisition_channel', 'journey_stage'];

const FilterOptionsQuery = graphql(`
  query FilterOptions($attribute: String) {
    segments(attribute: $attribute, themes: 0) {
      byTouchpoint {
        segments {
          value
        }
      }
      byAttribute {
        segments {
          value
        }
      }
    }
  }
`);

const PERIOD_LABELS: Record<keyof typeof PERIODS, string> = {
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  '12m': 'Last 12 months',
  all: 'All time',
};

export function Filters({ state, update }: { state: UrlState; update: (p: Partial<UrlState>) => void }) {
  const [segKey = state.attribute, segValue = ''] = state.segment
    ? [state.segment.split(':')[0], state.segment.split(':').slice(1).join(':')]
    : [];
  const [{ data }] = useQuery({ query: FilterOptionsQuery, variables: { attribute: segKey } });
  const touchpoints = data?.segments.byTouchpoint.segments.map((s) => s.value).filter((v): v is string => !!v) ?? [];
  const values = data?.segments.byAttribute?.segments.map((s) => s.value).filter((v): v is string => !!v) ?? [];
  return (
    <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        Period
        <select value={state.period} onChange={(e) => update({ period: e.currentTarget.value as UrlState['period'] })}>
          {Object.entries(PERIOD_LABELS).map(([v, l]) => (
            <option value={v}>{l}</option>
          ))}
        </select>
      </label>
      {state.view === 'overview' && (
        <label>
          Trend by
          <select value={state.interval} onChange={(e) => update({ interval: e.currentTarget.value as UrlState['interval'] })}>
            {INTERVALS.map((i) => (
              <option value={i}>{i.toLowerCase()}</option>
            ))}
          </select>
        </label>
      )}
      <label>
        Touchpoint
        <select value={state.touchpoint} onChange={(e) => update({ touchpoint: e.currentTarget.value })}>
          <option value="">All</option>
          {[...new Set([...touchpoints, state.touchpoint].filter(Boolean))].map((t) => (
            <option value={t}>{t}</option>
          ))}
        </select>
      </label>
      <label>
        Segment
        <select value={segKey} onChange={(e) => update({ segment: '', attribute: e.currentTarget.value })}>
          {ATTRIBUTE_KEYS.map((k) => (
            <option value={k}>{k}</option>
          ))}
        </select>
      </label>
      <label>
        <span class="sr-only">Segment value</span>
        <select
          aria-label="Segment value"
          value={segValue}
          onChange={(e) => update({ segment: e.currentTarget.value ? `${segKey}:${e.currentTarget.value}` : '' })}
        >
          <option value="">All</option>
          {[...new Set([...values, segValue].filter(Boolean))].map((v) => (
            <option value={v}>{v}</option>
          ))}
        </select>
      </label>
      {state.view !== 'overview' && (
        <label>
          Category
          <select value={state.category} onChange={(e) => update({ category: e.currentTarget.value as UrlState['category'] })}>
            <option value="">All</option>
            {CATEGORIES.map((c) => (
              <option value={c}>{c.toLowerCase()}s</option>
            ))}
          </select>
        </label>
      )}
    </form>
  );
}

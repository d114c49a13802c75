/** Segments and journey: NPS per touchpoint and per attribute value, and a segment × theme heat map. */
import { useQuery } from '@urql/preact';
import { Card, Chart } from '../components/Chart';
import { QueryStatus } from '../components/Status';
import { fmtInt, fmtMoe, fmtNps, fmtPoints, npsBand } from '../format';
import { graphql, type ResultOf } from '../graphql';
import { COLORS } from '../theme';
import { periodRanges, responseFilter, type UrlState } from '../url-state';
import { ATTRIBUTE_KEYS } from '../components/Filters';

const SegmentsQuery = graphql(`
  query Segments($filter: ResponseFilter, $attribute: String) {
    journey
    segments(filter: $filter, attribute: $attribute, themes: 5) {
      byTouchpoint {
        ...SegmentGroupFields
      }
      byAttribute {
        ...SegmentGroupFields
      }
    }
  }
  fragment SegmentGroupFields on SegmentGroup @_unmask {
    dimension
    happiest {
      value
      nps
    }
    leastSatisfied {
      value
      nps
    }
    segments {
      value
      nps
      marginOfError
      responses
      smallSample
      topThemes {
        theme {
          label
        }
        impact
        mentions
      }
    }
  }
`);

type Group = NonNullable<ResultOf<typeof SegmentsQuery>['segments']['byAttribute']>;

export function Segments({ state, update }: { state: UrlState; update: (p: Partial<UrlState>) => void }) {
  const { current } = periodRanges(state.period);
  const [{ data, fetching, error }] = useQuery({
    query: SegmentsQuery,
    variables: { filter: responseFilter(state, current), attribute: state.attribute },
  });
  if (!data) return <QueryStatus fetching={fetching} error={error} />;
  const byAttribute = data.segments.byAttribute;
  const journey = data.journey;
  return (
    <div class="grid">
      <QueryStatus fetching={fetching} error={error} />
      <SegmentChart
        title={journey.length ? 'NPS per touchpoint, in journey order' : 'NPS per touchpoint'}
        group={inJourneyOrder(data.segments.byTouchpoint, journey)}
      />
      <Card
        title={`NPS per ${state.attribute}`}
        actions={
          <label class="inline-filters">
            Group by{' '}
            <select value={state.attribute} onChange={(e) => update({ attribute: e.currentTarget.value })}>
              {ATTRIBUTE_KEYS.map((k) => (
                <option value={k}>{k}</option>
              ))}
            </select>
          </label>
        }
      >
        {byAttribute ? <SegmentBars group={byAttribute} /> : <p class="empty">No responses carry “{state.attribute}”.</p>}
      </Card>
      {byAttribute && <HeatMap group={byAttribute} />}
    </div>
  );
}

/**
 * Touchpoints in the configured journey order (the API's `journey`); any not in it follow, happiest
 * first as the API lists them. No journey configured: the API's order.
 */
function inJourneyOrder(group: Group, journey: readonly string[]): Group {
  const rank = (value: string | null) => {
    const i = value === null ? -1 : journey.indexOf(value);
    return i === -1 ? journey.length : i;
  };
  // Array.prototype.sort is stable, so touchpoints outside the journey keep the API's order.
  return { ...group, segments: [...group.segments].sort((a, b) => rank(a.value) - rank(b.value)) };
}

function SegmentChart({ title, group }: { title: string; group: Group }) {
  return (
    <Card title={title}>
      <SegmentBars group={group} />
    </Card>
  );
}

function SegmentBars({ group }: { group: Group }) {
  type Row = Group['segments'][number] & { nps: number };
  const rows = group.segments.filter((s) => s.nps !== null) as Row[];
  return (
    <>
      {(group.happiest || group.leastSatisfied) && (
        <p class="hint">
          {group.happiest && (
            <>
              Happiest: <strong>{group.happiest.value ?? '(none)'}</strong> ({fmtNps(group.happiest.nps)}).{' '}
            </>
          )}
          {group.leastSatisfied && (
            <>
              Least satisfied: <strong>{group.leastSatisfied.value ?? '(none)'}</strong> ({fmtNps(group.leastSatisfied.nps)}).
            </>
          )}
        </p>
      )}
      <Chart
        title={`NPS per ${group.dimension} with 95% margin`}
        height={Math.max(120, rows.length * 28 + 40)}
        render={(Plot, { width, height }) =>
          Plot.plot({
            width,
            height,
            marginLeft: Math.min(180, width / 3),
            x: { label: 'NPS', grid: true, domain: [-100, 100] },
            y: { label: null, domain: rows.map((r) => r.value ?? '(none)') },
            marks: [
              Plot.barX(rows, {
                x: 'nps',
                y: (d: Row) => d.value ?? '(none)',
                fill: (d: Row) => (d.nps < 0 ? COLORS.detractor : COLORS.accent),
                fillOpacity: (d: Row) => (d.smallSample ? 0.4 : 0.9),
              }),
              Plot.ruleY(rows, {
                y: (d: Row) => d.value ?? '(none)',
                x1: (d: Row) => npsBand(d.nps, d.marginOfError)[0],
                x2: (d: Row) => npsBand(d.nps, d.marginOfError)[1],
                stroke: '#24292f',
              }),
              Plot.ruleX([0]),
            ],
          })
        }
        table={{
          columns: [
            { label: group.dimension },
            { label: 'NPS', numeric: true },
            { label: 'Margin', numeric: true },
            { label: 'Responses', numeric: true },
          ],
          rows: group.segments.map((s) => [
            s.value ?? '(none)',
            `${fmtNps(s.nps)}${s.smallSample ? ' (small)' : ''}`,
            fmtMoe(s.marginOfError),
            fmtInt(s.responses),
          ]),
        }}
      />
    </>
  );
}

function HeatMap({ group }: { group: Group }) {
  const cells = group.segments.flatMap((s) =>
    s.topThemes.map((t) => ({ segment: s.value ?? '(none)', theme: t.theme.label, impact: t.impact ?? 0, mentions: t.mentions })),
  );
  type Cell = (typeof cells)[number];
  return (
    <Card title={`Themes per ${group.dimension}`}>
      <Chart
        title={`Impact of each segment’s top themes, in NPS points (${group.dimension} × theme)`}
        height={Math.max(140, group.segments.length * 34 + 110)}
        render={(Plot, { width, height }) =>
          Plot.plot({
            width,
            height,
            marginLeft: Math.min(160, width / 3),
            marginBottom: 90,
            padding: 0.05,
            x: { label: null, tickRotate: -35 },
            y: { label: null },
            color: { type: 'diverging', scheme: 'RdBu', pivot: 0, legend: true, label: 'Impact (points)' },
            marks: [
              Plot.cell(cells, {
                x: 'theme',
                y: 'segment',
                fill: 'impact',
                inset: 0.5,
                title: (d: Cell) => `${d.segment} · ${d.theme}: ${fmtPoints(d.impact)} points, ${d.mentions} mentions`,
              }),
              Plot.text(cells, {
                x: 'theme',
                y: 'segment',
                text: (d: Cell) => fmtPoints(d.impact),
                fill: (d: Cell) => (Math.abs(d.impact) > 6 ? 'white' : 'black'),
              }),
            ],
          })
        }
        table={{
          columns: [
            { label: group.dimension },
            { label: 'Theme' },
            { label: 'Impact (points)', numeric: true },
            { label: 'Mentions', numeric: true },
          ],
          rows: cells.map((c) => [c.segment, c.theme, fmtPoints(c.impact), fmtInt(c.mentions)]),
        }}
      />
    </Card>
  );
}

/** Overview: NPS with its margin and change, the trend with its margin band, categories and volume. */
import { useQuery } from '@urql/preact';
import { Card, Chart } from '../components/Chart';
import { QueryStatus } from '../components/Status';
import { fmtDate, fmtInt, fmtMoe, fmtNps, fmtPct, fmtPoints, npsBand, significantChange } from '../format';
import { graphql } from '../graphql';
import { CATEGORY_SCALE, COLORS } from '../theme';
import { periodRanges, responseFilter, type UrlState } from '../url-state';

const OverviewQuery = graphql(`
  query Overview($filter: ResponseFilter, $previous: ResponseFilter, $withPrevious: Boolean!, $interval: TrendInterval!) {
    npsTrend(filter: $filter, interval: $interval, limit: 1) {
      total {
        nps
        marginOfError
        responses
        promoters
        passives
        detractors
        smallSample
        benchmark {
          industry
          region
          statistic
          value
          source
          year
        }
        target {
          nps
          by
          label
          progress {
            gap
            onTrack
            reached
          }
        }
      }
      series {
        points {
          period
          start
          nps
          marginOfError
          responses
          promoters
          passives
          detractors
          smallSample
        }
      }
    }
    previous: npsTrend(filter: $previous, interval: QUARTER, limit: 1) @include(if: $withPrevious) {
      total {
        nps
        marginOfError
        responses
        smallSample
      }
    }
  }
`);

export function Overview({ state }: { state: UrlState }) {
  const { current, previous } = periodRanges(state.period);
  // NPS over one category is meaningless, so the category filter does not apply here.
  const [{ data, fetching, error }] = useQuery({
    query: OverviewQuery,
    variables: {
      filter: responseFilter(state, current, { withCategory: false }),
      previous: previous ? responseFilter(state, previous, { withCategory: false }) : null,
      withPrevious: previous !== null,
      interval: state.interval,
    },
  });
  if (!data) return <QueryStatus fetching={fetching} error={error} />;
  // The headline figures come with the trend, from the same rollups (one read, no scan of the responses).
  const now = data.npsTrend.total;
  const before = data.previous?.total ?? null;
  const delta = before && now.nps !== null && before.nps !== null ? now.nps - before.nps : null;
  const significant = before ? significantChange(now, before) : false;
  const points = data.npsTrend.series[0]?.points ?? [];
  const total = Math.max(1, now.responses);
  const split = [
    { category: 'Promoters', count: now.promoters },
    { category: 'Passives', count: now.passives },
    { category: 'Detractors', count: now.detractors },
  ];
  const volume = points.flatMap((p) => [
    { period: p.period, category: 'Promoters', count: p.promoters },
    { period: p.period, category: 'Passives', count: p.passives },
    { period: p.period, category: 'Detractors', count: p.detractors },
  ]);
  type NpsPoint = (typeof points)[number] & { nps: number };
  const withNps = points.filter((p) => p.nps !== null) as NpsPoint[];
  // The industry's published figure (VERBATIM_BENCHMARK_INDUSTRY), drawn as a rule; null when none is configured.
  const benchmark = now.benchmark ?? null;
  const benchmarkLabel = benchmark
    ? `${benchmark.industry} benchmark ${fmtNps(benchmark.value)} (${benchmark.statistic.toLowerCase()}, ${benchmark.region}, ${benchmark.source} ${benchmark.year})`
    : null;
  // The NPS target set for exactly the viewer's scope (and segment filter), drawn as a solid rule; null when none is set.
  const target = now.target ?? null;
  const targetStatus = target
    ? target.progress.reached
      ? 'reached'
      : target.progress.onTrack === null
        ? null
        : target.progress.onTrack
          ? 'on track'
          : 'behind the pace'
    : null;
  const description = [benchmarkLabel ? `dashed line: ${benchmarkLabel}` : null, target ? `solid line: ${target.label}` : null]
    .filter(Boolean)
    .join('; ');

  return (
    <div class="grid">
      <QueryStatus fetching={fetching} error={error} />
      <section class="kpis" aria-label="Headline figures">
        <div class="kpi">
          <span class="kpi-label">NPS</span>
          <span class="kpi-value" data-testid="nps">
            {fmtNps(now.nps)}
          </span>
          <span class="kpi-sub">
            {fmtMoe(now.marginOfError)} (95%) · {fmtInt(now.responses)} responses{now.smallSample ? ' · small sample' : ''}
          </span>
        </div>
        <div class="kpi">
          <span class="kpi-label">Change vs previous period</span>
          <span class={`kpi-value ${delta === null ? '' : delta >= 0 ? 'up' : 'down'}`}>{delta === null ? '–' : fmtPoints(delta)}</span>
          <span class="kpi-sub">
            {before
              ? `was ${fmtNps(before.nps)} (${fmtInt(before.responses)} responses) · ${significant ? 'significant' : 'within the margin of error'}`
              : 'no previous period for “all time”'}
          </span>
        </div>
        {split.map((s) => (
          <div class="kpi">
            <span class="kpi-label">{s.category}</span>
            <span class="kpi-value">{fmtPct(s.count / total)}</span>
            <span class="kpi-sub">{fmtInt(s.count)} responses</span>
          </div>
        ))}
      </section>

      <Card title="NPS trend" half>
        <Chart
          title={`NPS per ${state.interval.toLowerCase()} with its 95% margin band`}
          description={description || undefined}
          render={(Plot, { width, height }) =>
            Plot.plot({
              width,
              height,
              marginLeft: 44,
              x: { type: 'utc', label: null },
              y: { label: 'NPS', grid: true, nice: true },
              marks: [
                Plot.ruleY([0], { stroke: COLORS.grid }),
                benchmark
                  ? Plot.ruleY([benchmark.value], {
                      stroke: COLORS.benchmark,
                      strokeDasharray: '6 4',
                      strokeWidth: 1.5,
                      title: () => benchmarkLabel,
                    })
                  : null,
                target ? Plot.ruleY([target.nps], { stroke: COLORS.target, strokeWidth: 2, title: () => target.label }) : null,
                Plot.areaY(withNps, {
                  x: (d: NpsPoint) => new Date(d.start),
                  y1: (d: NpsPoint) => npsBand(d.nps, d.marginOfError)[0],
                  y2: (d: NpsPoint) => npsBand(d.nps, d.marginOfError)[1],
                  fill: COLORS.band,
                  fillOpacity: 0.45,
                  curve: 'monotone-x',
                }),
                Plot.lineY(withNps, {
                  x: (d: NpsPoint) => new Date(d.start),
                  y: 'nps',
                  stroke: COLORS.accent,
                  strokeWidth: 2,
                  curve: 'monotone-x',
                }),
                Plot.dot(withNps, {
                  x: (d: NpsPoint) => new Date(d.start),
                  y: 'nps',
                  fill: (d: NpsPoint) => (d.smallSample ? 'white' : COLORS.accent),
                  stroke: COLORS.accent,
                  tip: true,
                  title: (d: NpsPoint) => `${d.period}: ${fmtNps(d.nps)} ${fmtMoe(d.marginOfError)} (${d.responses})`,
                }),
                // The target's label last, so the margin band never covers it.
                target
                  ? Plot.text([target.nps], {
                      y: (d: number) => d,
                      frameAnchor: 'right',
                      textAnchor: 'end',
                      // Below its line when the benchmark's is just above, so the two never cross the label.
                      dy: benchmark && benchmark.value > target.nps && benchmark.value - target.nps < 20 ? 12 : -7,
                      fill: COLORS.target,
                      stroke: 'white',
                      strokeWidth: 3,
                      paintOrder: 'stroke',
                      fontWeight: 'bold',
                      text: () => target.label,
                    })
                  : null,
              ],
            })
          }
          table={{
            columns: [
              { label: 'Period' },
              { label: 'NPS', numeric: true },
              { label: 'Margin (95%)', numeric: true },
              { label: 'Responses', numeric: true },
            ],
            rows: [
              ...points.map((p) => [`${p.period} (from ${fmtDate(p.start)})`, fmtNps(p.nps), fmtMoe(p.marginOfError), fmtInt(p.responses)]),
              ...(benchmark ? [[benchmarkLabel ?? '', fmtNps(benchmark.value), '–', '–']] : []),
              ...(target ? [[`${target.label}${targetStatus ? ` (${targetStatus})` : ''}`, fmtNps(target.nps), '–', '–']] : []),
            ],
          }}
        />
        {benchmarkLabel ? (
          <p class="hint" data-testid="benchmark">
            <span class="benchmark-key" aria-hidden="true" /> Dashed line: {benchmarkLabel}.
          </p>
        ) : null}
        {target ? (
          <p class="hint" data-testid="target">
            <span class="target-key" aria-hidden="true" /> Solid line: {target.label}
            {targetStatus ? ` — ${targetStatus}` : ''}
            {target.progress.gap !== null && !target.progress.reached ? `, ${target.progress.gap.toFixed(1)} points to go` : ''}.
          </p>
        ) : null}
        <p class="hint">Hollow dots are small samples: read them with care.</p>
      </Card>

      <Card title="Promoters, passives, detractors" half>
        <Chart
          title="Share of each category"
          height={90}
          render={(Plot, { width, height }) =>
            Plot.plot({
              width,
              height,
              x: { label: null, percent: true, domain: [0, 100] },
              color: { ...CATEGORY_SCALE, legend: true },
              marks: [
                Plot.barX(
                  split,
                  Plot.stackX({
                    x: (d: (typeof split)[number]) => d.count / total,
                    fill: 'category',
                    title: (d: (typeof split)[number]) => `${d.category}: ${fmtPct(d.count / total)}`,
                  }),
                ),
              ],
            })
          }
          table={{
            columns: [{ label: 'Category' }, { label: 'Responses', numeric: true }, { label: 'Share', numeric: true }],
            rows: split.map((s) => [s.category, fmtInt(s.count), fmtPct(s.count / total)]),
          }}
        />
      </Card>

      <Card title="Responses over time">
        <Chart
          title={`Responses per ${state.interval.toLowerCase()} by category`}
          render={(Plot, { width, height }) =>
            Plot.plot({
              width,
              height,
              marginLeft: 44,
              x: {
                label: null,
                tickRotate: points.length > 16 ? -45 : 0,
                ticks: points.filter((_, i) => i % Math.ceil(points.length / 12) === 0).map((p) => p.period),
              },
              y: { label: 'Responses', grid: true },
              color: { ...CATEGORY_SCALE, legend: true },
              marks: [
                Plot.barY(volume, {
                  x: 'period',
                  y: 'count',
                  fill: 'category',
                  order: CATEGORY_SCALE.domain,
                  title: (d: (typeof volume)[number]) => `${d.period} ${d.category}: ${d.count}`,
                }),
                Plot.ruleY([0]),
              ],
            })
          }
          table={{
            columns: [
              { label: 'Period' },
              { label: 'Promoters', numeric: true },
              { label: 'Passives', numeric: true },
              { label: 'Detractors', numeric: true },
            ],
            rows: points.map((p) => [p.period, fmtInt(p.promoters), fmtInt(p.passives), fmtInt(p.detractors)]),
          }}
        />
      </Card>
    </div>
  );
}

/**
 * Why: which themes cost and earn NPS points (drivers), every theme's figures, and a theme's
 * verbatims with the words that matched it highlighted.
 */
import { useQuery } from '@urql/preact';
import { Card, Chart } from '../components/Chart';
import { DataTable } from '../components/DataTable';
import { CorrectAnalysis } from '../components/CorrectAnalysis';
import { Highlight } from '../components/Highlight';
import { QueryStatus } from '../components/Status';
import { fmtDate, fmtInt, fmtNps, fmtPct, fmtPoints } from '../format';
import { graphql } from '../graphql';
import { COLORS } from '../theme';
import { CATEGORIES, periodRanges, responseFilter, type UrlState } from '../url-state';

const WhyQuery = graphql(`
  query Why($filter: ResponseFilter) {
    drivers(filter: $filter, limit: 8) {
      overall {
        nps
        responses
      }
      detraction {
        theme {
          key
          label
        }
        impact
        mentions
        significant
      }
      promotion {
        theme {
          key
          label
        }
        impact
        mentions
        significant
      }
    }
    themeBreakdown(filter: $filter, examples: 0) {
      theme {
        key
        label
      }
      mentions
      share
      nps
      marginOfError
      impact
      significant
      smallSample
      sentiment {
        positive
        neutral
        negative
      }
      change {
        share
        previousShare
        shareSignificant
        nps
        previousNps
        npsSignificant
      }
    }
  }
`);

const ThemeVerbatimsQuery = graphql(`
  query ThemeVerbatims($filter: ResponseFilter, $after: String) {
    responses(filter: $filter, first: 20, after: $after) {
      totalCount
      edges {
        node {
          id
          score
          category
          comment
          respondedAt
          touchpoint
          attributes {
            key
            value
          }
          analysis {
            corrected
            sentiment {
              label
            }
            themes {
              key
              evidence {
                start
                end
              }
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** `canCorrect` is null until the viewer's role is known: the drill-down waits for it rather than growing its correction controls late. */
export function Why({
  state,
  update,
  canCorrect,
}: {
  state: UrlState;
  update: (p: Partial<UrlState>) => void;
  canCorrect: boolean | null;
}) {
  const { current } = periodRanges(state.period);
  const [{ data, fetching, error }] = useQuery({ query: WhyQuery, variables: { filter: responseFilter(state, current) } });
  if (!data) return <QueryStatus fetching={fetching} error={error} />;
  const drivers = [...data.drivers.detraction, ...data.drivers.promotion].sort((a, b) => a.impact - b.impact);
  type Driver = (typeof drivers)[number];
  const selected = data.themeBreakdown.find((t) => t.theme.key === state.theme);

  return (
    <div class="grid">
      <QueryStatus fetching={fetching} error={error} />
      <Card title="Drivers: themes that cost and earn NPS points">
        <Chart
          title="Impact of each theme on NPS, in points"
          description="negative bars cost points, positive bars earn them"
          height={Math.max(160, drivers.length * 26 + 40)}
          render={(Plot, { width, height }) =>
            Plot.plot({
              width,
              height,
              marginLeft: Math.min(200, width / 3),
              marginRight: 40,
              x: { label: 'NPS points', grid: true, insetLeft: 36, insetRight: 36 },
              y: { label: null, domain: drivers.map((d) => d.theme.label) },
              marks: [
                Plot.barX(drivers, {
                  x: 'impact',
                  y: (d: Driver) => d.theme.label,
                  fill: (d: Driver) => (d.impact < 0 ? COLORS.detractor : COLORS.promoter),
                  title: (d: Driver) => `${d.theme.label}: ${fmtPoints(d.impact)} points`,
                }),
                Plot.text(
                  drivers.filter((d) => d.impact < 0),
                  { x: 'impact', y: (d: Driver) => d.theme.label, text: (d: Driver) => fmtPoints(d.impact), textAnchor: 'end', dx: -4 },
                ),
                Plot.text(
                  drivers.filter((d) => d.impact >= 0),
                  { x: 'impact', y: (d: Driver) => d.theme.label, text: (d: Driver) => fmtPoints(d.impact), textAnchor: 'start', dx: 4 },
                ),
                Plot.ruleX([0]),
              ],
            })
          }
          table={{
            columns: [
              { label: 'Theme' },
              { label: 'Impact (points)', numeric: true },
              { label: 'Mentions', numeric: true },
              { label: 'Significant' },
            ],
            rows: drivers.map((d) => [d.theme.label, fmtPoints(d.impact), fmtInt(d.mentions), d.significant ? 'yes' : 'no']),
          }}
        />
      </Card>

      <Card title="Themes">
        <p class="hint">
          Overall NPS {fmtNps(data.drivers.overall.nps)} over {fmtInt(data.drivers.overall.responses)} responses. Select a theme to read its
          verbatims.
        </p>
        <DataTable
          caption="Every theme mentioned, most mentioned first"
          columns={[
            { label: 'Theme' },
            { label: 'Mentions', numeric: true },
            { label: 'Share', numeric: true },
            { label: 'NPS of mentioners', numeric: true },
            { label: 'Impact', numeric: true },
            { label: 'Sentiment (+ / = / −)', numeric: true },
            { label: 'Change in share', numeric: true },
          ]}
          rows={data.themeBreakdown.map((t) => [
            <button
              type="button"
              class={`link ${t.theme.key === state.theme ? 'active' : ''}`}
              aria-pressed={t.theme.key === state.theme}
              onClick={() => update({ theme: t.theme.key === state.theme ? '' : t.theme.key })}
            >
              {t.theme.label}
            </button>,
            fmtInt(t.mentions),
            fmtPct(t.share),
            `${fmtNps(t.nps)}${t.smallSample ? ' (small)' : ''}`,
            <span class={t.impact !== null && t.impact < 0 ? 'down' : 'up'}>
              {fmtPoints(t.impact)}
              {t.significant ? ' *' : ''}
            </span>,
            `${t.sentiment.positive} / ${t.sentiment.neutral} / ${t.sentiment.negative}`,
            t.change ? `${fmtPoints((t.change.share - t.change.previousShare) * 100)} pp${t.change.shareSignificant ? ' *' : ''}` : '–',
          ])}
        />
        <p class="hint">* significant at 95%.</p>
      </Card>

      {state.theme && canCorrect !== null && (
        <ThemeVerbatims state={state} update={update} label={selected?.theme.label ?? state.theme} canCorrect={canCorrect} />
      )}
    </div>
  );
}

function ThemeVerbatims({
  state,
  update,
  label,
  canCorrect,
}: {
  state: UrlState;
  update: (p: Partial<UrlState>) => void;
  label: string;
  canCorrect: boolean;
}) {
  const { current } = periodRanges(state.period);
  const [{ data, fetching, error }] = useQuery({
    query: ThemeVerbatimsQuery,
    variables: { filter: responseFilter(state, current, { themes: [state.theme] }) },
  });
  const edges = data?.responses.edges ?? [];
  return (
    <Card
      title={<>Verbatims about “{label}”</>}
      actions={
        <div class="inline-filters">
          <label>
            Category{' '}
            <select value={state.category} onChange={(e) => update({ category: (e.currentTarget.value || '') as UrlState['category'] })}>
              <option value="">All</option>
              {CATEGORIES.map((c) => (
                <option value={c}>{c.toLowerCase()}s</option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => update({ theme: '' })}>
            Close
          </button>
        </div>
      }
    >
      <QueryStatus fetching={fetching && !data} error={error} />
      {data && <p class="hint">{fmtInt(data.responses.totalCount)} responses mention it; the words that matched are highlighted.</p>}
      <ul class="verbatims" data-testid="verbatims">
        {edges.map(({ node }) => {
          const spans = node.analysis?.themes.find((t) => t.key === state.theme)?.evidence ?? [];
          return (
            <li class={`verbatim ${node.category.toLowerCase()}`} data-response-id={node.id}>
              <span class="score" aria-label={`score ${node.score}`}>
                {node.score}
              </span>
              <blockquote>
                <Highlight text={node.comment ?? ''} spans={spans} />
              </blockquote>
              <p class="meta">
                {fmtDate(node.respondedAt)}
                {node.touchpoint ? ` · ${node.touchpoint}` : ''}
                {node.attributes.length > 0 ? ` · ${node.attributes.map((a) => `${a.key}: ${a.value}`).join(', ')}` : ''}
                {node.analysis?.corrected ? ' · corrected' : ''}
              </p>
              {canCorrect && node.analysis && (
                <CorrectAnalysis
                  responseId={node.id}
                  themes={node.analysis.themes.map((t) => t.key)}
                  sentiment={node.analysis.sentiment?.label ?? null}
                />
              )}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

/**
 * Emerging themes: candidates the taxonomy does not cover, with examples. An ADMIN accepts one in
 * two clicks (Accept, then Confirm); the re-analysis it starts shows its progress.
 */
import { useMutation, useQuery } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { Card } from '../components/Chart';
import { QueryStatus } from '../components/Status';
import { fmtDate, fmtPct } from '../format';
import { graphql } from '../graphql';
import { periodRanges, responseFilter, type UrlState } from '../url-state';

const EmergingQuery = graphql(`
  query Emerging($filter: ResponseFilter) {
    emergingThemes(filter: $filter, limit: 8) {
      sampled
      nearDuplicates
      candidates {
        phrase
        count
        share
        relatedPhrases
        examples {
          id
          comment
          score
          respondedAt
          nearDuplicates
        }
        suggestion {
          key
          label
          description
          keywords
          examples
        }
      }
    }
  }
`);

const AcceptTheme = graphql(`
  mutation AcceptTheme($input: CreateThemeInput!) {
    createTheme(input: $input) {
      version
      theme {
        key
        label
      }
    }
  }
`);

const BackfillQuery = graphql(`
  query Backfill($version: Int) {
    taxonomyBackfill(version: $version) {
      status
      total
      done
      failed
      pending
      complete
    }
  }
`);

export function Emerging({ state, isAdmin }: { state: UrlState; isAdmin: boolean }) {
  const { current } = periodRanges(state.period);
  const [{ data, fetching, error }, refetch] = useQuery({ query: EmergingQuery, variables: { filter: responseFilter(state, current) } });
  const [accepting, setAccepting] = useState('');
  const [accepted, setAccepted] = useState<{ version: number; label: string; key: string } | null>(null);
  const [result, accept] = useMutation(AcceptTheme);
  if (!data) return <QueryStatus fetching={fetching} error={error} />;
  // The candidate just accepted is a theme now, even before the candidates are read again.
  const candidates = data.emergingThemes.candidates.filter((c) => c.suggestion.key !== accepted?.key);
  return (
    <div class="grid">
      {accepted && (
        <Backfill
          version={accepted.version}
          label={accepted.label}
          // Re-analysed: the accepted theme now covers its verbatims, so the candidates are read again.
          onDone={() => refetch({ requestPolicy: 'network-only' })}
        />
      )}
      {result.error && (
        <p class="notice error" role="alert">
          {result.error.graphQLErrors[0]?.message ?? result.error.message}
        </p>
      )}
      <p class="hint">
        Read {data.emergingThemes.sampled} recent verbatims that no theme covers well
        {data.emergingThemes.nearDuplicates
          ? ` (${data.emergingThemes.nearDuplicates} repeats of another verbatim counted once)`
          : ''}. {isAdmin ? 'Accept a candidate to add it to the taxonomy.' : 'An ADMIN key can accept a candidate into the taxonomy.'}
      </p>
      {candidates.length === 0 && <p class="empty">No emerging themes in this period.</p>}
      {candidates.map((c) => (
        <Card
          title={
            <>
              “{c.suggestion.label}”{' '}
              <span class="count">
                {c.count} mentions · {fmtPct(c.share)}
              </span>
            </>
          }
          actions={
            isAdmin &&
            (accepting === c.suggestion.key ? (
              <span class="actions">
                <button
                  type="button"
                  class="primary"
                  disabled={result.fetching}
                  onClick={() => {
                    const s = c.suggestion;
                    // urql answers errors in the result (shown by the mutation's status), so nothing is left to reject.
                    void accept({
                      input: { key: s.key, label: s.label, description: s.description, keywords: s.keywords, examples: s.examples },
                    }).then((r) => {
                      if (r.data) setAccepted({ version: r.data.createTheme.version, label: r.data.createTheme.theme.label, key: s.key });
                      setAccepting('');
                    });
                  }}
                >
                  Confirm: add “{c.suggestion.label}”
                </button>
                <button type="button" onClick={() => setAccepting('')}>
                  Cancel
                </button>
              </span>
            ) : (
              <button type="button" onClick={() => setAccepting(c.suggestion.key)}>
                Accept…
              </button>
            ))
          }
        >
          <p class="meta">
            Keywords: {c.suggestion.keywords.join(', ')}
            {c.relatedPhrases.length ? ` · related: ${c.relatedPhrases.join(', ')}` : ''}
          </p>
          <ul class="verbatims">
            {c.examples.slice(0, 3).map((e) => (
              <li class="verbatim">
                <span class="score" aria-label={`score ${e.score}`}>
                  {e.score}
                </span>
                <blockquote>{e.comment}</blockquote>
                <p class="meta">
                  {fmtDate(e.respondedAt)}
                  {e.nearDuplicates ? ` · repeated by ${e.nearDuplicates} other response${e.nearDuplicates === 1 ? '' : 's'}` : ''}
                </p>
              </li>
            ))}
          </ul>
        </Card>
      ))}
    </div>
  );
}

function Backfill({ version, label, onDone }: { version: number; label: string; onDone: () => void }) {
  const [{ data }, refetch] = useQuery({ query: BackfillQuery, variables: { version }, requestPolicy: 'network-only' });
  const b = data?.taxonomyBackfill;
  const complete = b?.complete ?? false;
  useEffect(() => {
    if (complete) onDone();
    // Once, when the re-analysis completes.
  }, [complete]);
  useEffect(() => {
    if (b?.complete) return;
    const t = setTimeout(() => refetch({ requestPolicy: 'network-only' }), 2_000);
    return () => clearTimeout(t);
  });
  const pct = b && b.total > 0 ? Math.round(((b.done + b.failed) / b.total) * 100) : 0;
  return (
    <p class="notice" role="status">
      Added “{label}” (taxonomy version {version}).{' '}
      {b ? (
        b.complete ? (
          `Re-analysis done: ${b.done} responses.`
        ) : (
          <>
            Re-analysing: <progress max={100} value={pct} /> {b.done}/{b.total}
          </>
        )
      ) : (
        'Starting re-analysis…'
      )}
    </p>
  );
}

/**
 * Follow-ups: a manager's inbox of open alerts, acted on in place, kept current by the
 * `atRiskAlert` (new alerts) and `alertUpdated` (changes made anywhere) subscriptions.
 */
import { useMutation, useQuery, useSubscription } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { Card } from '../components/Chart';
import { QueryStatus } from '../components/Status';
import { formText } from '../form';
import { fmtDate, slaText } from '../format';
import { graphql, type ResultOf } from '../graphql';
import type { UrlState } from '../url-state';

const AlertFields = graphql(`
  fragment AlertFields on Alert @_unmask {
    id
    status
    assignee
    team
    riskScore
    riskLevel
    reasons
    dueAt
    overdue
    raisedAt
    score
    touchpoint
    customerExternalId
    task
    response {
      id
      comment
    }
  }
`);

const InboxQuery = graphql(
  `
    query Inbox($filter: AlertFilter) {
      alerts(filter: $filter, first: 50, orderBy: DUE) {
        totalCount
        edges {
          node {
            ...AlertFields
          }
        }
      }
    }
  `,
  [AlertFields],
);

const AlertRaised = graphql(`
  subscription AlertRaised($assignee: String) {
    atRiskAlert(assignee: $assignee) {
      id
      status
      assignee
    }
  }
`);
const AlertUpdated = graphql(`
  subscription AlertUpdated($assignee: String) {
    alertUpdated(assignee: $assignee) {
      id
      status
      assignee
    }
  }
`);

const Acknowledge = graphql(
  `
    mutation Acknowledge($id: ID!) {
      acknowledgeAlert(id: $id) {
        ...AlertFields
      }
    }
  `,
  [AlertFields],
);
const Resolve = graphql(
  `
    mutation Resolve($id: ID!, $outcome: AlertOutcome!, $note: String) {
      resolveAlert(id: $id, outcome: $outcome, note: $note) {
        ...AlertFields
      }
    }
  `,
  [AlertFields],
);
const Reassign = graphql(
  `
    mutation Reassign($id: ID!, $assignee: String!) {
      reassignAlert(id: $id, assignee: $assignee) {
        ...AlertFields
      }
    }
  `,
  [AlertFields],
);

type AlertRow = ResultOf<typeof AlertFields>;

export function FollowUps({ state, update, canAct }: { state: UrlState; update: (p: Partial<UrlState>) => void; canAct: boolean }) {
  const assignee = state.assignee || null;
  const [{ data, fetching, error }, refetch] = useQuery({
    query: InboxQuery,
    variables: { filter: { statuses: ['OPEN', 'ACKNOWLEDGED'], ...(assignee ? { assignee } : {}) } },
  });
  const [live, setLive] = useState('');
  // Any alert raised or changed for this inbox: reload it from the server (one small page).
  const onEvent =
    (what: string) => (_prev: unknown, event: { atRiskAlert?: { id: string }; alertUpdated?: { id: string; status: string } }) => {
      const alert = event.atRiskAlert ?? event.alertUpdated;
      setLive(`${what} ${alert?.id ?? ''} at ${new Date().toLocaleTimeString()}`);
      refetch({ requestPolicy: 'network-only' });
      return event;
    };
  useSubscription({ query: AlertRaised, variables: { assignee } }, onEvent('New alert'));
  useSubscription({ query: AlertUpdated, variables: { assignee } }, onEvent('Alert updated'));
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(t);
  }, []);

  const alerts = (data?.alerts.edges ?? []).map((e) => e.node);
  return (
    <div class="grid">
      <Card
        title={<>Follow-up inbox {data && <span class="count">{data.alerts.totalCount} open</span>}</>}
        actions={
          <form
            class="inline-filters"
            onSubmit={(e) => {
              e.preventDefault();
              update({ assignee: formText(e.currentTarget, 'assignee') });
            }}
          >
            <label>
              Owner <input name="assignee" defaultValue={state.assignee} placeholder="everyone" size={12} />
            </label>
            <button type="submit">Show</button>
          </form>
        }
      >
        <p class="live" role="status" aria-live="polite" data-testid="live">
          {live ? `Live: ${live}` : 'Live updates on'}
        </p>
        <QueryStatus fetching={fetching && !data} error={error} />
        {data && alerts.length === 0 && <p class="empty">Nothing to follow up. 🎉</p>}
        <ul class="alerts" data-testid="alerts">
          {alerts.map((a) => (
            <AlertItem key={a.id} alert={a} canAct={canAct} now={now} />
          ))}
        </ul>
      </Card>
    </div>
  );
}

function AlertItem({ alert, canAct, now }: { alert: AlertRow; canAct: boolean; now: number }) {
  // urql mutations resolve with their error inside the result (shown below), so their promises are void-ed.
  const [ack, acknowledge] = useMutation(Acknowledge);
  const [res, resolve] = useMutation(Resolve);
  const [re, reassign] = useMutation(Reassign);
  const [mode, setMode] = useState<'' | 'resolve' | 'reassign'>('');
  const sla = slaText(alert.dueAt, now);
  const err = ack.error ?? res.error ?? re.error;
  return (
    <li class={`alert-item ${alert.riskLevel.toLowerCase()}`} data-alert-id={alert.id} data-status={alert.status}>
      <div class="alert-head">
        <span class={`risk ${alert.riskLevel.toLowerCase()}`}>Risk {alert.riskScore}</span>
        <strong>{alert.customerExternalId ?? 'unknown customer'}</strong>
        <span class="badge">{alert.status.toLowerCase()}</span>
        <span class={sla.overdue ? 'sla overdue' : 'sla'}>{sla.text}</span>
      </div>
      <blockquote>
        <span class="score" aria-label={`score ${alert.score}`}>
          {alert.score}
        </span>{' '}
        {alert.response?.comment ?? '(no comment)'}
      </blockquote>
      <p class="meta">
        {alert.reasons.join(' · ')} — owner {alert.assignee}
        {alert.team ? ` (${alert.team})` : ''} · {alert.touchpoint ?? 'no touchpoint'} · raised {fmtDate(alert.raisedAt)}
      </p>
      {canAct && (
        <div class="actions">
          {alert.status === 'OPEN' && (
            <button type="button" disabled={ack.fetching} onClick={() => void acknowledge({ id: alert.id })}>
              Acknowledge
            </button>
          )}
          <button type="button" onClick={() => setMode(mode === 'reassign' ? '' : 'reassign')}>
            Reassign…
          </button>
          <button type="button" onClick={() => setMode(mode === 'resolve' ? '' : 'resolve')}>
            Resolve…
          </button>
        </div>
      )}
      {mode === 'reassign' && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const to = formText(e.currentTarget, 'to');
            if (to) void reassign({ id: alert.id, assignee: to }).then(() => setMode(''));
          }}
        >
          <label>
            New owner <input name="to" required />
          </label>
          <button type="submit" disabled={re.fetching}>
            Reassign
          </button>
        </form>
      )}
      {mode === 'resolve' && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            void resolve({ id: alert.id, outcome: f.get('outcome') as 'RECOVERED', note: formText(f, 'note') || null }).then(() =>
              setMode(''),
            );
          }}
        >
          <label>
            Outcome{' '}
            <select name="outcome">
              <option value="RECOVERED">Recovered</option>
              <option value="NOT_RECOVERED">Not recovered</option>
              <option value="NO_RESPONSE">No response</option>
            </select>
          </label>
          <label>
            Note <input name="note" maxLength={2000} />
          </label>
          <button type="submit" disabled={res.fetching}>
            Resolve
          </button>
        </form>
      )}
      {err && (
        <p class="notice error" role="alert">
          {err.graphQLErrors[0]?.message ?? err.message}
        </p>
      )}
    </li>
  );
}

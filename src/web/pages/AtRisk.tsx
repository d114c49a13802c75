/** At-risk customers: latest churn risk with reasons, score history and the open follow-up. */
import { useQuery } from '@urql/preact';
import { Card } from '../components/Chart';
import { DataTable } from '../components/DataTable';
import { QueryStatus } from '../components/Status';
import { graphql } from '../graphql';

const AtRiskQuery = graphql(`
  query AtRisk {
    atRiskCustomers(first: 25) {
      edges {
        node {
          customer {
            externalId
            name
            scoreHistory {
              score
              respondedAt
            }
          }
          risk {
            score
            level
            reasons
          }
          trend
          owner
          lastVerbatim
          openFollowUp {
            id
            status
            dueAt
          }
        }
      }
    }
  }
`);

export function AtRisk() {
  const [{ data, fetching, error }] = useQuery({ query: AtRiskQuery });
  if (!data) return <QueryStatus fetching={fetching} error={error} />;
  return (
    <Card title="Customers at risk">
      <DataTable
        caption="Customers by their latest churn risk, highest first"
        visuallyHiddenCaption
        columns={[
          { label: 'Customer' },
          { label: 'Risk', numeric: true },
          { label: 'Why' },
          { label: 'Scores (oldest → latest)' },
          { label: 'Owner' },
          { label: 'Follow-up' },
          { label: 'Latest verbatim' },
        ]}
        rows={data.atRiskCustomers.edges.map(({ node }) => [
          node.customer.name ?? node.customer.externalId,
          <span class={`risk ${node.risk.level.toLowerCase()}`}>{node.risk.score}</span>,
          node.risk.reasons.join('; '),
          node.customer.scoreHistory.map((p) => p.score).join(' → ') + (node.trend ? ` (${node.trend > 0 ? '+' : ''}${node.trend})` : ''),
          node.owner ?? '–',
          node.openFollowUp ? node.openFollowUp.status.toLowerCase() : 'none',
          <span class="clip">{node.lastVerbatim ?? ''}</span>,
        ])}
      />
    </Card>
  );
}

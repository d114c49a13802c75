/**
 * `verbatim import FILE.csv|FILE.jsonl`: streams a file of responses into a running Verbatim through
 * the same `importResponses` mutation every client uses (file-import.ts).
 */
import { numberCell, runFileImport } from './file-import.js';

const HELP = `usage: verbatim import FILE.csv|FILE.jsonl [--url URL] [--key API_KEY] [--batch N]

Sends responses to a running Verbatim API in batches (importResponses). Each record is a
ResponseInput: JSONL objects as in the GraphQL API, or CSV columns
  externalId, score, comment, respondedAt, touchpoint, channel, invitationId,
  customerId (or customer.externalId), customerName, customerEmail, accountValue,
  customerLocale, customerTimeZone, customerOptedOut (true/false),
  and any other column becomes an attribute (e.g. region, plan, account_manager).
A row with invitationId answers that survey invitation (it becomes RESPONDED).
Options:
  --url URL     GraphQL endpoint (default $VERBATIM_URL or http://localhost:4000/graphql)
  --key KEY     API key (default $VERBATIM_API_KEY)
  --batch N     rows per request, 1–5000 (default 1000)
Exit code: 0 when every row was stored or was a duplicate, 1 when some rows failed, 2 on usage errors.`;

const MUTATION = `mutation Import($input: [ResponseInput!]!) {
  importResponses(input: $input) { accepted duplicates errors { index field message } }
}`;

const COLUMNS = new Set([
  'externalId',
  'score',
  'comment',
  'respondedAt',
  'touchpoint',
  'channel',
  'customer',
  'attributes',
  'invitationId',
]);

export function run(argv: string[]): Promise<number> {
  return runFileImport(argv, {
    name: 'import',
    help: HELP,
    mutation: MUTATION,
    field: 'importResponses',
    columns: COLUMNS,
    typed: (column, value) => (column === 'score' ? numberCell(value) : value),
  });
}

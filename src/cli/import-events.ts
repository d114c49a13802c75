/**
 * `verbatim import-events FILE.csv|FILE.jsonl`: streams touchpoint events (order delivered, ticket
 * closed…) into a running Verbatim through `importTouchpointEvents`; replays by externalId count as
 * duplicates and never create a second invitation.
 */
import { runFileImport } from './file-import.js';

const HELP = `usage: verbatim import-events FILE.csv|FILE.jsonl [--url URL] [--key API_KEY] [--batch N]

Sends touchpoint events to a running Verbatim API in batches (importTouchpointEvents). Each record
is a TouchpointEventInput: JSONL objects as in the GraphQL API, or CSV columns
  externalId, touchpoint, occurredAt,
  customerId (or customer.externalId), customerName, customerEmail, accountValue,
  customerLocale, customerTimeZone, customerOptedOut (true/false),
  and any other column becomes an attribute (e.g. account_id, region).
Options:
  --url URL     GraphQL endpoint (default $VERBATIM_URL or http://localhost:4000/graphql)
  --key KEY     API key (default $VERBATIM_API_KEY)
  --batch N     rows per request, 1–5000 (default 1000)
Exit code: 0 when every row was stored or was a duplicate, 1 when some rows failed, 2 on usage errors.`;

const MUTATION = `mutation ImportEvents($input: [TouchpointEventInput!]!) {
  importTouchpointEvents(input: $input) { accepted duplicates errors { index field message } }
}`;

const COLUMNS = new Set(['externalId', 'touchpoint', 'occurredAt', 'customer', 'attributes']);

export function run(argv: string[]): Promise<number> {
  return runFileImport(argv, {
    name: 'import-events',
    help: HELP,
    mutation: MUTATION,
    field: 'importTouchpointEvents',
    columns: COLUMNS,
  });
}

/**
 * `verbatim import-events FILE.csv|FILE.jsonl`: streams touchpoint events (order delivered, ticket
 * closed…) into a running Verbatim through `importTouchpointEvents`; replays by externalId count as
 * duplicates and never create a second invitation.
 */
import { asText, runFileImport } from './file-import.js';
import { CUSTOMER_COLUMNS, customerCell } from './import.js';

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

const KNOWN = new Set(['externalId', 'touchpoint', 'occurredAt', 'customer', 'attributes']);

/** A CSV row (all strings) → TouchpointEventInput. */
export function csvRowToEvent(row: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const customer: Record<string, unknown> = {};
  const attributes: { key: string; value: string }[] = [];
  for (const [column, raw] of Object.entries(row)) {
    const value = typeof raw === 'string' ? raw.trim() : raw;
    if (value === '' || value === undefined || value === null) continue;
    const field = CUSTOMER_COLUMNS[column];
    if (field) customer[field] = customerCell(field, value);
    else if (KNOWN.has(column)) input[column] = value;
    else attributes.push({ key: column, value: asText(value) });
  }
  if (Object.keys(customer).length) input.customer = customer;
  if (attributes.length) input.attributes = attributes;
  return input;
}

export function run(argv: string[]): Promise<number> {
  return runFileImport(argv, {
    name: 'import-events',
    help: HELP,
    mutation: MUTATION,
    field: 'importTouchpointEvents',
    fromCsv: csvRowToEvent,
  });
}

/**
 * `verbatim import FILE.csv|FILE.jsonl`: streams a file of responses into a running Verbatim through
 * the same `importResponses` mutation every client uses (file-import.ts).
 */
import { asText, runFileImport } from './file-import.js';

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

const KNOWN = new Set(['externalId', 'score', 'comment', 'respondedAt', 'touchpoint', 'channel', 'customer', 'attributes', 'invitationId']);

/** CSV columns of the customer (and its survey-programme contact fields), by the CustomerInput field they fill. */
export const CUSTOMER_COLUMNS: Record<string, string> = {
  customerId: 'externalId',
  'customer.externalId': 'externalId',
  customerName: 'name',
  'customer.name': 'name',
  customerEmail: 'email',
  'customer.email': 'email',
  accountValue: 'accountValue',
  'customer.accountValue': 'accountValue',
  customerLocale: 'locale',
  'customer.locale': 'locale',
  customerTimeZone: 'timeZone',
  'customer.timeZone': 'timeZone',
  customerOptedOut: 'optedOut',
  'customer.optedOut': 'optedOut',
};

/** A customer cell typed for its field: numbers for accountValue, booleans for optedOut (others stay text). */
export function customerCell(field: string, value: unknown): unknown {
  const text = asText(value);
  if (field === 'accountValue' && /^\d+(\.\d+)?$/.test(text)) return Number(value);
  if (field === 'optedOut' && /^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  return value;
}

/** A CSV row (all strings) → ResponseInput; JSONL objects pass through unchanged. */
export function csvRowToInput(row: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const customer: Record<string, unknown> = {};
  const attributes: { key: string; value: string }[] = [];
  for (const [column, raw] of Object.entries(row)) {
    const value = typeof raw === 'string' ? raw.trim() : raw;
    if (value === '' || value === undefined || value === null) continue;
    if (column === 'score') input.score = /^-?\d+(\.\d+)?$/.test(asText(value)) ? Number(value) : value;
    else if (CUSTOMER_COLUMNS[column]) customer[CUSTOMER_COLUMNS[column]] = customerCell(CUSTOMER_COLUMNS[column], value);
    else if (KNOWN.has(column)) input[column] = value;
    else attributes.push({ key: column, value: asText(value) });
  }
  if (Object.keys(customer).length) input.customer = customer;
  if (attributes.length) input.attributes = attributes;
  return input;
}

export function run(argv: string[]): Promise<number> {
  return runFileImport(argv, { name: 'import', help: HELP, mutation: MUTATION, field: 'importResponses', fromCsv: csvRowToInput });
}

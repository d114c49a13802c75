/**
 * `verbatim import FILE.csv|FILE.jsonl`: streams a file into a running Verbatim through the
 * same `importResponses` mutation every client uses, with a progress bar and a summary.
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { readRecords } from './read-records.js';

const HELP = `usage: verbatim import FILE.csv|FILE.jsonl [--url URL] [--key API_KEY] [--batch N]

Sends responses to a running Verbatim API in batches (importResponses). Each record is a
ResponseInput: JSONL objects as in the GraphQL API, or CSV columns
  externalId, score, comment, respondedAt, touchpoint, channel,
  customerId (or customer.externalId), customerName, customerEmail, accountValue,
  and any other column becomes an attribute (e.g. region, plan, account_manager).
Options:
  --url URL     GraphQL endpoint (default $VERBATIM_URL or http://localhost:4000/graphql)
  --key KEY     API key (default $VERBATIM_API_KEY)
  --batch N     rows per request, 1–5000 (default 1000)
Exit code: 0 when every row was stored or was a duplicate, 1 when some rows failed, 2 on usage errors.`;

const MUTATION = `mutation Import($input: [ResponseInput!]!) {
  importResponses(input: $input) { accepted duplicates errors { index field message } }
}`;

const KNOWN = new Set(['externalId', 'score', 'comment', 'respondedAt', 'touchpoint', 'channel', 'customer', 'attributes']);
const CUSTOMER_COLUMNS: Record<string, string> = {
  customerId: 'externalId',
  'customer.externalId': 'externalId',
  customerName: 'name',
  'customer.name': 'name',
  customerEmail: 'email',
  'customer.email': 'email',
  accountValue: 'accountValue',
  'customer.accountValue': 'accountValue',
};

/** A cell as text: CSV cells are strings already; anything else (JSONL) is shown as JSON, never "[object Object]". */
const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** A CSV row (all strings) → ResponseInput; JSONL objects pass through unchanged. */
export function csvRowToInput(row: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const customer: Record<string, unknown> = {};
  const attributes: { key: string; value: string }[] = [];
  for (const [column, raw] of Object.entries(row)) {
    const value = typeof raw === 'string' ? raw.trim() : raw;
    if (value === '' || value === undefined || value === null) continue;
    if (column === 'score') input.score = /^-?\d+(\.\d+)?$/.test(asText(value)) ? Number(value) : value;
    else if (CUSTOMER_COLUMNS[column]) {
      const field = CUSTOMER_COLUMNS[column];
      customer[field] = field === 'accountValue' && /^\d+(\.\d+)?$/.test(asText(value)) ? Number(value) : value;
    } else if (KNOWN.has(column)) input[column] = value;
    else attributes.push({ key: column, value: asText(value) });
  }
  if (Object.keys(customer).length) input.customer = customer;
  if (attributes.length) input.attributes = attributes;
  return input;
}

interface BatchRow {
  line: number;
  input: Record<string, unknown>;
}

export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { url: { type: 'string' }, key: { type: 'string' }, batch: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.values.help) {
    console.log(HELP);
    return 0;
  }
  const file = args.positionals[0];
  const batchSize = Number(args.values.batch ?? 1000);
  if (!file || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000) {
    console.error(HELP);
    return 2;
  }
  const size = await stat(file)
    .then((s) => s.size)
    .catch(() => -1);
  if (size < 0) {
    console.error(`verbatim import: cannot read ${file}`);
    return 2;
  }
  const url = args.values.url ?? process.env.VERBATIM_URL ?? 'http://localhost:4000/graphql';
  const key = args.values.key ?? process.env.VERBATIM_API_KEY;
  const isCsv = /\.(csv|tsv)$/i.test(file);

  const bar = new cliProgress.SingleBar(
    {
      format: 'importing [{bar}] {value} rows | {accepted} stored, {duplicates} duplicates, {failed} errors',
      stream: process.stderr,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 2000,
    },
    cliProgress.Presets.shades_classic,
  );
  const totals = { accepted: 0, duplicates: 0, failed: 0 };
  const failures: { line: number; message: string }[] = [];
  bar.start(0, 0, totals);

  let batch: BatchRow[] = [];
  let seen = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    const result = await send(
      url,
      key,
      rows.map((r) => r.input),
    );
    totals.accepted += result.accepted;
    totals.duplicates += result.duplicates;
    const failedIndexes = new Set<number>();
    for (const error of result.errors) {
      failedIndexes.add(error.index);
      failures.push({ line: rows[error.index]?.line ?? -1, message: error.message });
    }
    totals.failed += failedIndexes.size;
    bar.update(seen, totals);
  };

  try {
    for await (const record of readRecords(file)) {
      seen += 1;
      bar.setTotal(seen);
      if (!record.value) {
        totals.failed += 1;
        failures.push({ line: record.line, message: record.error ?? 'unreadable line' });
        continue;
      }
      batch.push({ line: record.line, input: isCsv ? csvRowToInput(record.value) : record.value });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } catch (err) {
    bar.stop();
    console.error(`verbatim import: ${(err as Error).message}`);
    return 1;
  }
  bar.stop();

  console.log(`rows read: ${seen}\nstored: ${totals.accepted}\nduplicates: ${totals.duplicates}\nerrors: ${totals.failed}`);
  for (const failure of failures.slice(0, 100)) console.log(`  line ${failure.line}: ${failure.message}`);
  if (failures.length > 100) console.log(`  … and ${failures.length - 100} more`);
  return totals.failed > 0 ? 1 : 0;
}

async function send(
  url: string,
  key: string | undefined,
  input: Record<string, unknown>[],
): Promise<{ accepted: number; duplicates: number; errors: { index: number; message: string }[] }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query: MUTATION, variables: { input } }),
  });
  const body = (await res.json().catch(() => null)) as {
    data?: { importResponses: { accepted: number; duplicates: number; errors: { index: number; message: string }[] } };
    errors?: { message: string; extensions?: { code?: string } }[];
  } | null;
  if (body?.data?.importResponses) return body.data.importResponses;
  // A whole-batch error (e.g. one row's type is wrong): fall back to rows one by one so the rest still land.
  if (body?.errors?.[0]?.extensions?.code === 'BAD_USER_INPUT' && input.length > 1) {
    const merged = { accepted: 0, duplicates: 0, errors: [] as { index: number; message: string }[] };
    for (const [index, row] of input.entries()) {
      const one = await send(url, key, [row]);
      merged.accepted += one.accepted;
      merged.duplicates += one.duplicates;
      merged.errors.push(...one.errors.map((e) => ({ ...e, index })));
    }
    return merged;
  }
  if (body?.errors?.[0]?.extensions?.code === 'BAD_USER_INPUT') {
    return { accepted: 0, duplicates: 0, errors: [{ index: 0, message: body.errors[0].message }] };
  }
  throw new Error(`API answered ${res.status}: ${body?.errors?.[0]?.message ?? 'unexpected response'}`);
}

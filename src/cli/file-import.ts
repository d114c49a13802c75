/**
 * The shared body of `verbatim import` and `verbatim import-events`: streams a CSV/JSONL file into a
 * running Verbatim through one batch mutation (the same every client uses), with a progress bar and a
 * summary. Each command gives its mutation and how a CSV row becomes an input.
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { readRecords } from './read-records.js';

export interface FileImportSpec {
  /** Command name, for messages. */
  name: string;
  help: string;
  /** A mutation taking `$input: [X!]!` and returning `{ accepted duplicates errors { index field message } }`. */
  mutation: string;
  /** The mutation's root field. */
  field: string;
  /** CSV columns that are fields of the input itself; customer columns fill `customer`, any other is an attribute. */
  columns: ReadonlySet<string>;
  /** Types an input field's CSV cell (e.g. a score as a number); cells stay text otherwise. */
  typed?: (column: string, value: unknown) => unknown;
}

interface BatchResult {
  accepted: number;
  duplicates: number;
  errors: { index: number; message: string }[];
}

/** A cell as text: CSV cells are strings already; anything else (JSONL) is shown as JSON, never "[object Object]". */
const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** CSV columns of the customer (and its survey-programme contact fields), by the CustomerInput field they fill. */
const CUSTOMER_COLUMNS: Record<string, string> = {
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
function customerCell(field: string, value: unknown): unknown {
  const text = asText(value);
  if (field === 'accountValue' && /^\d+(\.\d+)?$/.test(text)) return Number(value);
  if (field === 'optedOut' && /^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  return value;
}

/** A number cell as a number; anything else is sent as it is, for the API to name the field. */
export const numberCell = (value: unknown): unknown => (/^-?\d+(\.\d+)?$/.test(asText(value)) ? Number(value) : value);

/** A CSV row (all strings) → the mutation's input: its own `columns`, the `customer`, and the rest as attributes. */
function csvRowToInput(
  row: Record<string, unknown>,
  { columns, typed = (_column, value) => value }: Pick<FileImportSpec, 'columns' | 'typed'>,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const customer: Record<string, unknown> = {};
  const attributes: { key: string; value: string }[] = [];
  for (const [column, raw] of Object.entries(row)) {
    const value = typeof raw === 'string' ? raw.trim() : raw;
    if (value === '' || value === undefined || value === null) continue;
    const field = CUSTOMER_COLUMNS[column];
    if (field) customer[field] = customerCell(field, value);
    else if (columns.has(column)) input[column] = typed(column, value);
    else attributes.push({ key: column, value: asText(value) });
  }
  if (Object.keys(customer).length) input.customer = customer;
  if (attributes.length) input.attributes = attributes;
  return input;
}

export async function runFileImport(argv: string[], spec: FileImportSpec): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { url: { type: 'string' }, key: { type: 'string' }, batch: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${spec.help}`);
    return 2;
  }
  if (args.values.help) {
    console.log(spec.help);
    return 0;
  }
  const file = args.positionals[0];
  const batchSize = Number(args.values.batch ?? 1000);
  if (!file || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000) {
    console.error(spec.help);
    return 2;
  }
  const size = await stat(file)
    .then((s) => s.size)
    .catch(() => -1);
  if (size < 0) {
    console.error(`verbatim ${spec.name}: cannot read ${file}`);
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

  let batch: { line: number; input: Record<string, unknown> }[] = [];
  let seen = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    const result = await send(
      spec,
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
      batch.push({ line: record.line, input: isCsv ? csvRowToInput(record.value, spec) : record.value });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } catch (err) {
    bar.stop();
    console.error(`verbatim ${spec.name}: ${(err as Error).message}`);
    return 1;
  }
  bar.stop();

  console.log(`rows read: ${seen}\nstored: ${totals.accepted}\nduplicates: ${totals.duplicates}\nerrors: ${totals.failed}`);
  for (const failure of failures.slice(0, 100)) console.log(`  line ${failure.line}: ${failure.message}`);
  if (failures.length > 100) console.log(`  … and ${failures.length - 100} more`);
  return totals.failed > 0 ? 1 : 0;
}

async function send(spec: FileImportSpec, url: string, key: string | undefined, input: Record<string, unknown>[]): Promise<BatchResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query: spec.mutation, variables: { input } }),
  });
  const body = (await res.json().catch(() => null)) as {
    data?: Record<string, BatchResult>;
    errors?: { message: string; extensions?: { code?: string } }[];
  } | null;
  const result = body?.data?.[spec.field];
  if (result) return result;
  // A whole-batch error (e.g. one row's type is wrong): fall back to rows one by one so the rest still land.
  if (body?.errors?.[0]?.extensions?.code === 'BAD_USER_INPUT' && input.length > 1) {
    const merged: BatchResult = { accepted: 0, duplicates: 0, errors: [] };
    for (const [index, row] of input.entries()) {
      const one = await send(spec, url, key, [row]);
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

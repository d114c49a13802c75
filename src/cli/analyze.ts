/**
 * `verbatim analyze --input FILE --output OUT.jsonl [--taxonomy T.json] [--text-column NAME] [--engine E]`:
 * streams verbatims from JSONL or CSV through the lexical or transformer engine into JSONL, one output line per
 * input record in input order, in constant memory (a million lines need no more RAM than ten).
 */
import { createReadStream, createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { parse as parseCsv } from 'csv-parse';
import {
  analyze,
  compileTaxonomy,
  defaultTaxonomy,
  validateTaxonomy,
  type AnalysisResult,
  type AnalyzeOptions,
  type CompiledTaxonomy,
  type Taxonomy,
} from '../analysis/index.js';
import { loadConfig } from '../config.js';
import {
  resolveEngine,
  transformerAnalyzer,
  transformerOptionsFromConfig,
  analyzeInTurn,
  type EngineChoice,
  type TaxonomyAnalyzer,
} from '../services/pipeline/analysis-engine.js';

const HELP = `usage: verbatim analyze --input FILE --output OUT.jsonl [options]

Analyses each verbatim (sentiment, themes, key phrases, churn signals) locally, with the lexical
engine or the transformer engine (sentence embeddings from $VERBATIM_MODEL_DIR; install the model
with 'npx verbatim models install').

Input: JSONL, one object per line with "id" and "text" (or the --text-column field), or CSV with a
header row. The format follows the file extension (.csv/.tsv vs .jsonl/.ndjson/.json); otherwise it is
sniffed from the first character. "-" reads standard input.
Output: one JSON line per input record, in input order:
  {"id","sentiment":{"label","score"},"themes":[{"key","label","confidence","sentiment"}],
   "keyPhrases":[...],"churnSignals":[{"type","evidence"}],"language"}
"-" writes to standard output.

Options:
  --input FILE         verbatims to analyse (required)
  --output FILE        where to write the JSONL results (required)
  --taxonomy FILE      taxonomy JSON {"themes":[{"key","label","description","keywords","examples"}]}
                       (default: the built-in customer-feedback taxonomy)
  --text-column NAME   field/column holding the text (default "text")
  --id-column NAME     field/column holding the id (default "id"; the line number when absent)
  --format jsonl|csv   force the input format
  --max-chars N        analyse at most N characters of each verbatim (default 5000)
  --engine E           lexical | transformer | auto (default: $VERBATIM_ANALYSIS_ENGINE, else auto:
                       transformer when the model files are present, else lexical with a warning)
  --quiet              no progress on stderr
  -h, --help           this help

Bad records (invalid JSON, missing or non-string text, malformed CSV rows) are reported on stderr
with their line number and skipped; they produce no output line.
Exit status: 0 when the whole input was processed (even with skipped bad records), 1 on a fatal
error (unreadable input, invalid taxonomy, unwritable output), 2 on a usage error.`;

export type InputFormat = 'jsonl' | 'csv';

export interface InputRecord {
  /** 1-based line number where the record starts. */
  line: number;
  value?: Record<string, unknown>;
  /** Why the record could not be read (it is then skipped). */
  error?: string;
}

export function formatFromPath(path: string): InputFormat | null {
  if (/\.(csv|tsv)$/i.test(path)) return 'csv';
  if (/\.(jsonl|ndjson|json)$/i.test(path)) return 'jsonl';
  return null;
}

/** Reads the first non-blank character to tell JSONL from CSV when the extension does not say. */
async function sniffFormat(path: string): Promise<InputFormat> {
  const stream = createReadStream(path, { start: 0, end: 4095, encoding: 'utf8' });
  let head = '';
  for await (const chunk of stream) head += chunk as string;
  return head
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('{')
    ? 'jsonl'
    : 'csv';
}

async function* readJsonl(input: NodeJS.ReadableStream): AsyncGenerator<InputRecord> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line++;
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      yield { line, error: `invalid JSON (${(err as Error).message})` };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) yield { line, error: 'not a JSON object' };
    else yield { line, value: value as Record<string, unknown> };
  }
}

async function* readCsv(input: NodeJS.ReadableStream, tsv: boolean): AsyncGenerator<InputRecord> {
  const skipped: InputRecord[] = [];
  const parser = input.pipe(
    parseCsv({
      columns: true,
      bom: true,
      delimiter: tsv ? '\t' : ',',
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      info: true,
      on_skip: (err) => {
        const e = err as (Error & { lines?: number }) | undefined;
        skipped.push({ line: e?.lines ?? 0, error: `malformed CSV row (${e?.message ?? 'unreadable'})` });
      },
    }),
  );
  for await (const row of parser as AsyncIterable<{ record: Record<string, unknown>; info: { lines: number } }>) {
    yield* skipped.splice(0);
    yield { line: row.info.lines, value: row.record };
  }
  yield* skipped.splice(0);
}

export interface ReadOptions {
  format?: InputFormat;
}

/** Records of a JSONL or CSV file (or "-" for stdin), streamed in order with their line numbers. */
export async function* readVerbatims(path: string, options: ReadOptions = {}): AsyncGenerator<InputRecord> {
  const stdin = path === '-';
  const format = options.format ?? (stdin ? 'jsonl' : (formatFromPath(path) ?? (await sniffFormat(path))));
  const input = stdin ? process.stdin : createReadStream(path);
  if (format === 'csv') yield* readCsv(input, /\.tsv$/i.test(path));
  else yield* readJsonl(input);
}

/** Reads and validates a taxonomy file, or the built-in one. */
export function readTaxonomy(path: string | undefined): Taxonomy {
  if (!path) return defaultTaxonomy;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read taxonomy ${path}: ${(err as Error).message}`, { cause: err });
  }
  return validateTaxonomy(json);
}

/** Loads and validates a taxonomy file, or the built-in one, compiled for the lexical engine. */
export function loadTaxonomy(path: string | undefined): CompiledTaxonomy {
  return compileTaxonomy(readTaxonomy(path));
}

const ENGINES: readonly EngineChoice[] = ['lexical', 'transformer', 'auto'];
/** Records analysed concurrently by the transformer engine, so their embeddings share model runs. */
const TRANSFORMER_WINDOW = 64;

/** The engine for this run, by the worker's rule; `auto` without a model warns on stderr. */
async function createEngine(
  choice: EngineChoice,
  taxonomy: Taxonomy,
  maxChars: number | undefined,
): Promise<TaxonomyAnalyzer & { window: number }> {
  const options = transformerOptionsFromConfig(loadConfig());
  const { engine, warning } = await resolveEngine(choice, options);
  if (warning) console.error(`verbatim analyze: warning: ${warning}`);
  if (engine === 'transformer') {
    const lexical = {
      compileTaxonomy,
      analyze: (text: string, compiled: CompiledTaxonomy, options?: AnalyzeOptions) => analyze(text, compiled, { ...options, maxChars }),
    };
    return { ...(await transformerAnalyzer(options, lexical)(taxonomy)), window: TRANSFORMER_WINDOW };
  }
  const compiled = compileTaxonomy(taxonomy);
  const analyzeOne = (text: string) => analyze(text, compiled, { maxChars });
  return { analyze: async (text) => analyzeOne(text), analyzeBatch: analyzeInTurn(analyzeOne), dispose: async () => undefined, window: 1 };
}

/** The CLI's output line (DESIGN.md contract; "language" added). */
export function toOutputLine(id: unknown, result: AnalysisResult): string {
  return JSON.stringify({
    id,
    sentiment: { label: result.sentiment.label, score: result.sentiment.score },
    themes: result.themes.map((t) => ({ key: t.key, label: t.label, confidence: t.confidence, sentiment: t.sentiment.label })),
    keyPhrases: result.keyPhrases,
    churnSignals: result.churnSignals.map((c) => ({ type: c.type, evidence: c.evidence.text })),
    language: result.language.code,
    ...(result.truncated ? { truncated: true } : {}),
  });
}

/** Progress on stderr, at most once a second; a final summary line. */
export class Progress {
  private readonly started = Date.now();
  private last = 0;

  constructor(
    readonly enabled: boolean,
    private readonly verb: string,
  ) {}

  tick(done: number, bad: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 1000) return;
    this.last = now;
    process.stderr.write(`${this.line(done, bad)}${process.stderr.isTTY ? '\r' : '\n'}`);
  }

  finish(done: number, bad: number): void {
    if (this.enabled) process.stderr.write(`${this.line(done, bad)} — done\n`);
  }

  private line(done: number, bad: number): string {
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    const rss = Math.round(process.memoryUsage.rss() / 1048576);
    return `${this.verb} ${done} records (${Math.round(done / seconds)}/s), ${bad} skipped, RSS ${rss} MB`;
  }
}

async function write(out: WriteStream | NodeJS.WriteStream, line: string): Promise<void> {
  if (!out.write(line)) await once(out, 'drain');
}

function idOf(value: Record<string, unknown>, column: string, line: number): unknown {
  const id = value[column];
  return typeof id === 'string' || typeof id === 'number' ? id : line;
}

interface Options {
  input?: string;
  output?: string;
  taxonomy?: string;
  'text-column': string;
  'id-column': string;
  format?: string;
  'max-chars'?: string;
  engine?: string;
  quiet: boolean;
  help: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string', short: 'i' },
      output: { type: 'string', short: 'o' },
      taxonomy: { type: 'string' },
      'text-column': { type: 'string', default: 'text' },
      'id-column': { type: 'string', default: 'id' },
      format: { type: 'string' },
      'max-chars': { type: 'string' },
      engine: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  return values;
}

export async function run(argv: string[]): Promise<number> {
  let opts: Options;
  try {
    opts = parseOptions(argv);
  } catch (err) {
    console.error(`verbatim analyze: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (opts.help) {
    console.log(HELP);
    return 0;
  }
  if (!opts.input || !opts.output) {
    console.error(`verbatim analyze: --input and --output are required\n\n${HELP}`);
    return 2;
  }
  if (opts.format && opts.format !== 'jsonl' && opts.format !== 'csv') {
    console.error(`verbatim analyze: --format must be jsonl or csv`);
    return 2;
  }
  const maxChars = opts['max-chars'] === undefined ? undefined : Number(opts['max-chars']);
  if (maxChars !== undefined && !(Number.isInteger(maxChars) && maxChars > 0)) {
    console.error(`verbatim analyze: --max-chars must be a positive integer`);
    return 2;
  }

  if (opts.engine !== undefined && !ENGINES.includes(opts.engine as EngineChoice)) {
    console.error(`verbatim analyze: --engine must be one of ${ENGINES.join(', ')}`);
    return 2;
  }

  let engine: TaxonomyAnalyzer & { window: number };
  try {
    const choice = (opts.engine as EngineChoice | undefined) ?? loadConfig().VERBATIM_ANALYSIS_ENGINE;
    engine = await createEngine(choice, readTaxonomy(opts.taxonomy), maxChars);
  } catch (err) {
    console.error(`verbatim analyze: ${(err as Error).message}`);
    return 1;
  }
  try {
    return await analyzeFile({ ...opts, input: opts.input, output: opts.output }, engine);
  } finally {
    await engine.dispose();
  }
}

async function analyzeFile(
  opts: Options & { input: string; output: string },
  engine: TaxonomyAnalyzer & { window: number },
): Promise<number> {
  const out = opts.output === '-' ? process.stdout : createWriteStream(opts.output);
  // Typed by a cast so that the assignment in the error handler is not narrowed away.
  let outputError = null as Error | null;
  out.on('error', (err: Error) => (outputError = err));
  const progress = new Progress(!opts.quiet, 'analysed');
  const textColumn = opts['text-column'];
  let done = 0;
  let bad = 0;
  const reportBad = (line: number, why: string): void => {
    bad++;
    console.error(`line ${line}: ${why}; skipped`);
  };

  // Results are written in input order; a window of analyses runs concurrently (transformer batching).
  let window: Array<{ id: unknown; result: Promise<AnalysisResult> }> = [];
  const flush = async (): Promise<void> => {
    const pending = window;
    window = [];
    for (const { id, result } of pending) {
      await write(out, toOutputLine(id, await result) + '\n');
      done++;
      progress.tick(done, bad);
    }
  };

  try {
    for await (const record of readVerbatims(opts.input, { format: opts.format as InputFormat | undefined })) {
      if (outputError) throw outputError;
      if (!record.value) {
        reportBad(record.line, record.error ?? 'unreadable');
        continue;
      }
      const text = record.value[textColumn];
      if (typeof text !== 'string') {
        reportBad(record.line, text === undefined ? `no "${textColumn}" field` : `"${textColumn}" is not a string`);
        continue;
      }
      const result = engine.analyze(text);
      // Awaited in order by flush(); this only keeps a failure from counting as unhandled meanwhile.
      result.catch(() => undefined);
      window.push({ id: idOf(record.value, opts['id-column'], record.line), result });
      if (window.length >= engine.window) await flush();
    }
    await flush();
  } catch (err) {
    console.error(`verbatim analyze: ${(err as Error).message}`);
    if (out !== process.stdout) (out as WriteStream).end();
    return 1;
  }
  if (out !== process.stdout) {
    (out as WriteStream).end();
    await once(out, 'finish').catch(() => undefined);
  }
  if (outputError) {
    console.error(`verbatim analyze: cannot write ${opts.output}: ${outputError.message}`);
    return 1;
  }
  progress.finish(done, bad);
  return 0;
}

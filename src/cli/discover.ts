/**
 * `verbatim discover --input FILE [--text-column NAME] [--taxonomy T.json] [--min-count N]`:
 * proposes candidate new themes: recurring key phrases that no theme of the taxonomy covers,
 * with how many verbatims mention them and a few examples. Streams the file twice (once to
 * count, once to fetch the examples), so memory does not grow with the file.
 */
import { parseArgs } from 'node:util';
import { ThemeDiscovery, type CompiledTaxonomy, type ThemeCandidate } from '../analysis/index.js';
import { loadTaxonomy, Progress, readVerbatims, type InputFormat } from './analyze.js';

const HELP = `usage: verbatim discover --input FILE [options]

Proposes candidate new themes from a file of verbatims (JSONL or CSV, as for 'verbatim analyze'):
recurring salient phrases that no theme of the taxonomy covers, with counts and example verbatims.

Options:
  --input FILE         verbatims (required; JSONL with "text", or CSV with a header)
  --text-column NAME   field/column holding the text (default "text")
  --taxonomy FILE      taxonomy JSON (default: the built-in one)
  --min-count N        only phrases found in at least N verbatims (default 3)
  --limit N            at most N candidates (default 20)
  --format jsonl|csv   force the input format
  --json               print the candidates as JSON instead of a table
  --quiet              no progress on stderr
  -h, --help           this help

Bad records are reported on stderr with their line number and skipped.
Exit status: 0 on success, 1 on a fatal error (unreadable input, invalid taxonomy), 2 on a usage error.`;

const EXAMPLE_CHARS = 120;

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXAMPLE_CHARS ? `${flat.slice(0, EXAMPLE_CHARS - 1)}…` : flat;
}

async function collect(
  input: string,
  format: InputFormat | undefined,
  textColumn: string,
  taxonomy: CompiledTaxonomy,
  progress: Progress,
): Promise<ThemeDiscovery> {
  const discovery = new ThemeDiscovery(taxonomy);
  let bad = 0;
  let done = 0;
  for await (const record of readVerbatims(input, { format })) {
    const text = record.value?.[textColumn];
    if (typeof text !== 'string') {
      bad++;
      console.error(`line ${record.line}: ${record.error ?? `no string "${textColumn}" field`}; skipped`);
      continue;
    }
    discovery.add(text);
    progress.tick(++done, bad);
  }
  progress.finish(done, bad);
  return discovery;
}

/** Second pass: the texts of the example verbatims, by their index among the valid records. */
async function exampleTexts(
  input: string,
  format: InputFormat | undefined,
  textColumn: string,
  wanted: Set<number>,
): Promise<Map<number, string>> {
  const texts = new Map<number, string>();
  if (wanted.size === 0) return texts;
  let index = 0;
  for await (const record of readVerbatims(input, { format })) {
    const text = record.value?.[textColumn];
    if (typeof text !== 'string') continue;
    if (wanted.has(index)) texts.set(index, text);
    index++;
    if (texts.size === wanted.size) break;
  }
  return texts;
}

function printTable(candidates: ThemeCandidate[], examples: Map<number, string>): void {
  if (candidates.length === 0) {
    console.log('no candidate themes found (try a lower --min-count)');
    return;
  }
  for (const c of candidates) {
    console.log(`${String(c.count).padStart(6)}  ${c.phrase}${c.relatedPhrases.length ? `  (also: ${c.relatedPhrases.join(', ')})` : ''}`);
    for (const i of c.exampleIndexes) console.log(`        - ${oneLine(examples.get(i) ?? '')}`);
  }
}

export async function run(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        input: { type: 'string', short: 'i' },
        taxonomy: { type: 'string' },
        'text-column': { type: 'string', default: 'text' },
        'min-count': { type: 'string' },
        limit: { type: 'string' },
        format: { type: 'string' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    console.error(`verbatim discover: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const input = values.input as string | undefined;
  if (!input || input === '-') {
    console.error(`verbatim discover: --input FILE is required (the file is read twice, so not stdin)\n\n${HELP}`);
    return 2;
  }
  const format = values.format as InputFormat | undefined;
  if (format && format !== 'jsonl' && format !== 'csv') {
    console.error('verbatim discover: --format must be jsonl or csv');
    return 2;
  }
  let minCount: number;
  let limit: number;
  try {
    minCount = positiveInt(values['min-count'] as string | undefined, 3, 'min-count');
    limit = positiveInt(values.limit as string | undefined, 20, 'limit');
  } catch (err) {
    console.error(`verbatim discover: ${(err as Error).message}`);
    return 2;
  }
  const textColumn = values['text-column'] as string;
  try {
    const taxonomy = loadTaxonomy(values.taxonomy as string | undefined);
    const discovery = await collect(input, format, textColumn, taxonomy, new Progress(!values.quiet, 'read'));
    const candidates = discovery.candidates({ minCount, limit });
    const examples = await exampleTexts(input, format, textColumn, new Set(candidates.flatMap((c) => c.exampleIndexes)));
    if (values.json) {
      const withText = candidates.map((c) => ({ ...c, examples: c.exampleIndexes.map((i) => examples.get(i) ?? '') }));
      console.log(JSON.stringify(withText, null, 2));
    } else printTable(candidates, examples);
    return 0;
  } catch (err) {
    console.error(`verbatim discover: ${(err as Error).message}`);
    return 1;
  }
}

/**
 * `verbatim discover --input FILE [--text-column NAME] [--taxonomy T.json] [--min-count N]`:
 * proposes candidate new themes: recurring key phrases that no theme of the taxonomy covers,
 * with how many verbatims mention them and a few examples. Near-duplicates (copy-pasted or templated
 * answers, double submissions, bots) count once, as the API's emerging themes do. Streams the file
 * twice (once to count, once to fetch the examples); memory grows with the distinct verbatims only.
 */
import { parseArgs } from 'node:util';
import { lexicalNearDuplicateIndex, ThemeDiscovery, type CompiledTaxonomy, type ThemeCandidate } from '../analysis/index.js';
import { loadTaxonomy, Progress, readVerbatims, type InputFormat } from './analyze.js';

const HELP = `usage: verbatim discover --input FILE [options]

Proposes candidate new themes from a file of verbatims (JSONL or CSV, as for 'verbatim analyze'):
recurring salient phrases that no theme of the taxonomy covers, with counts and example verbatims.
Near-duplicate verbatims (the same text repeated, up to case, punctuation and small edits) count
once; an example's "(+N repeats)" says how many it stood for.

Options:
  --input FILE         verbatims (required; JSONL with "text", or CSV with a header)
  --text-column NAME   field/column holding the text (default "text")
  --taxonomy FILE      taxonomy JSON (default: the built-in one)
  --min-count N        only phrases found in at least N verbatims (default 3)
  --limit N            at most N candidates (default 20)
  --keep-duplicates    count every verbatim, near-duplicates too
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

interface Collected {
  discovery: ThemeDiscovery;
  /** Index among the valid records of each verbatim given to the discovery (its own index there is the position here). */
  kept: number[];
  /** Index among the valid records of a kept verbatim → how many near-duplicates of it were collapsed. */
  repeats: Map<number, number>;
}

async function collect(
  input: string,
  format: InputFormat | undefined,
  textColumn: string,
  taxonomy: CompiledTaxonomy,
  keepDuplicates: boolean,
  progress: Progress,
): Promise<Collected> {
  const discovery = new ThemeDiscovery(taxonomy);
  const dedupe = keepDuplicates ? null : lexicalNearDuplicateIndex();
  const kept: number[] = [];
  const repeats = new Map<number, number>();
  let bad = 0;
  let done = 0;
  for await (const record of readVerbatims(input, { format })) {
    const text = record.value?.[textColumn];
    if (typeof text !== 'string') {
      bad++;
      console.error(`line ${record.line}: ${record.error ?? `no string "${textColumn}" field`}; skipped`);
      continue;
    }
    const index = done;
    const representative = dedupe ? dedupe.add(text) : index;
    if (representative === index) {
      kept.push(index);
      discovery.add(text);
    } else repeats.set(representative, (repeats.get(representative) ?? 0) + 1);
    progress.tick(++done, bad);
  }
  progress.finish(done, bad);
  const collapsed = done - kept.length;
  if (collapsed > 0 && progress.enabled)
    console.error(`${collapsed} near-duplicate verbatims counted once with the text they repeat (--keep-duplicates counts each)`);
  return { discovery, kept, repeats };
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

function printTable(candidates: ThemeCandidate[], examples: Map<number, string>, repeats: Map<number, number>): void {
  if (candidates.length === 0) {
    console.log('no candidate themes found (try a lower --min-count)');
    return;
  }
  for (const c of candidates) {
    console.log(`${String(c.count).padStart(6)}  ${c.phrase}${c.relatedPhrases.length ? `  (also: ${c.relatedPhrases.join(', ')})` : ''}`);
    for (const i of c.exampleIndexes) {
      const n = repeats.get(i) ?? 0;
      console.log(`        - ${oneLine(examples.get(i) ?? '')}${n ? `  (+${n} repeat${n === 1 ? '' : 's'})` : ''}`);
    }
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
        'keep-duplicates': { type: 'boolean', default: false },
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
    const progress = new Progress(!values.quiet, 'read');
    const keepDuplicates = values['keep-duplicates'] === true;
    const { discovery, kept, repeats } = await collect(input, format, textColumn, taxonomy, keepDuplicates, progress);
    // The discovery numbers the verbatims it was given; the examples are fetched by their index in the file.
    const candidates = discovery
      .candidates({ minCount, limit })
      .map((c) => ({ ...c, exampleIndexes: c.exampleIndexes.map((k) => kept[k]) }));
    const examples = await exampleTexts(input, format, textColumn, new Set(candidates.flatMap((c) => c.exampleIndexes)));
    if (values.json) {
      const withText = candidates.map((c) => ({
        ...c,
        examples: c.exampleIndexes.map((i) => examples.get(i) ?? ''),
        exampleRepeats: c.exampleIndexes.map((i) => repeats.get(i) ?? 0),
      }));
      console.log(JSON.stringify(withText, null, 2));
    } else printTable(candidates, examples, repeats);
    return 0;
  } catch (err) {
    console.error(`verbatim discover: ${(err as Error).message}`);
    return 1;
  }
}

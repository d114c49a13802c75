/**
 * Streams records from a JSONL or CSV file (by extension, or sniffed from the first byte),
 * one at a time with their 1-based line numbers, in constant memory.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';

export interface FileRecord {
  line: number;
  /** Parsed object, or null when the line could not be parsed. */
  value: Record<string, unknown> | null;
  error?: string;
}

export type FileFormat = 'jsonl' | 'csv';

function formatOf(path: string): FileFormat {
  return /\.(csv|tsv)$/i.test(path) ? 'csv' : 'jsonl';
}

export async function* readRecords(path: string, format: FileFormat = formatOf(path)): AsyncGenerator<FileRecord> {
  if (format === 'csv') {
    const parser = createReadStream(path).pipe(
      parse({
        columns: true,
        bom: true,
        delimiter: /\.tsv$/i.test(path) ? '\t' : ',',
        relax_column_count: true,
        skip_empty_lines: true,
        info: true,
      }),
    );
    for await (const row of parser as AsyncIterable<{ record: Record<string, unknown>; info: { lines: number } }>) {
      yield { line: row.info.lines, value: row.record };
    }
    return;
  }
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (!text.trim()) continue;
    try {
      const value = JSON.parse(text) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        yield { line, value: null, error: 'not a JSON object' };
      } else yield { line, value: value as Record<string, unknown> };
    } catch (err) {
      yield { line, value: null, error: `invalid JSON: ${(err as Error).message}` };
    }
  }
}

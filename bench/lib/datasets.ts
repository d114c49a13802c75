/**
 * Loaders for the evaluation data: our labelled JSONL splits and the public Amazon Alexa reviews.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { prng } from '../../src/domain/prng.js';

export type Label = 'positive' | 'neutral' | 'negative';
export const LABELS: readonly Label[] = ['positive', 'neutral', 'negative'];

interface GoldTheme {
  key: string;
  sentiment: Label;
}

export interface EvalItem {
  id: string;
  text: string;
  sentiment: Label;
  /** Absent for data sets labelled with sentiment only (Amazon). */
  themes?: GoldTheme[];
  industry?: string;
  score?: number;
}

function isLabel(x: unknown): x is Label {
  return typeof x === 'string' && (LABELS as readonly string[]).includes(x);
}

/** Reads a labelled split; every malformed line is reported with its number instead of being skipped. */
export function loadLabelledJsonl(path: string): EvalItem[] {
  const items: EvalItem[] = [];
  const problems: string[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const where = `${path}:${i + 1}`;
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(line) as Record<string, unknown>;
      } catch (err) {
        problems.push(`${where}: invalid JSON (${(err as Error).message})`);
        return;
      }
      if (typeof row.text !== 'string' || !isLabel(row.sentiment) || !Array.isArray(row.themes)) {
        problems.push(`${where}: needs string "text", "sentiment" (positive|neutral|negative) and "themes" array`);
        return;
      }
      const themes: GoldTheme[] = [];
      for (const t of row.themes as unknown[]) {
        const theme = t as Record<string, unknown>;
        if (typeof theme?.key !== 'string' || !isLabel(theme.sentiment)) {
          problems.push(`${where}: theme ${JSON.stringify(t)} needs "key" and "sentiment"`);
          return;
        }
        themes.push({ key: theme.key, sentiment: theme.sentiment });
      }
      items.push({
        id: typeof row.id === 'string' ? row.id : `line-${i + 1}`,
        text: row.text,
        sentiment: row.sentiment,
        themes,
        industry: typeof row.industry === 'string' ? row.industry : undefined,
        score: typeof row.score === 'number' ? row.score : undefined,
      });
    });
  if (problems.length > 0) throw new Error(`bad evaluation data:\n  ${problems.join('\n  ')}`);
  return items;
}

/** The Amazon Alexa TSV's rows by column name (quoted reviews with "" escaping, one spanning lines: a real parser). */
export function readAlexaRecords(path: string): Record<string, string | undefined>[] {
  return parse<Record<string, string | undefined>>(readFileSync(path, 'utf8'), {
    delimiter: '\t',
    columns: true,
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
  });
}

export function fileIfExists(path: string): string | null {
  return existsSync(path) ? path : null;
}

/** `limit` rows in a seeded random order (all rows, in order, when `limit` is 0 or covers them). */
export function seededSample<T>(rows: T[], limit: number, seed: number): T[] {
  if (!(limit > 0) || limit >= rows.length) return rows;
  const random = prng(seed);
  return rows
    .map((r) => ({ r, k: random() }))
    .sort((a, b) => a.k - b.k)
    .slice(0, limit)
    .map(({ r }) => r);
}

/**
 * Loaders for the evaluation data: our labelled JSONL splits and the public Amazon Alexa reviews.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export type Label = 'positive' | 'neutral' | 'negative';
export const LABELS: readonly Label[] = ['positive', 'neutral', 'negative'];

export interface GoldTheme {
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

export interface AmazonData {
  items: EvalItem[];
  /** Rows in the file (ratings 1–5), before excluding 3-star and empty reviews. */
  rows: number;
  excludedNeutral: number;
  excludedEmpty: number;
}

/** The Amazon Alexa TSV's rows by column name (quoted reviews with "" escaping, one spanning lines: a real parser). */
export function readAlexaRecords(path: string): Record<string, string | undefined>[] {
  return parse(readFileSync(path, 'utf8'), {
    delimiter: '\t',
    columns: true,
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
  }) as Record<string, string | undefined>[];
}

/**
 * Amazon Alexa reviews: ratings 4–5 are positive, 1–2 negative, 3 is left out. The file is a TSV whose
 * review column is sometimes quoted with "" escaping (and once spans lines), so it goes through a real parser.
 */
export function loadAmazonTsv(path: string): AmazonData {
  const records = readAlexaRecords(path);
  const items: EvalItem[] = [];
  let excludedNeutral = 0;
  let excludedEmpty = 0;
  records.forEach((r, i) => {
    const rating = Number(r.rating);
    const text = (r.verified_reviews ?? '').trim();
    if (rating === 3) {
      excludedNeutral++;
      return;
    }
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new Error(`${path}: row ${i + 1} has rating ${r.rating}`);
    if (!text) {
      excludedEmpty++;
      return;
    }
    items.push({ id: `amazon-${i + 1}`, text, sentiment: rating >= 4 ? 'positive' : 'negative', score: rating });
  });
  return { items, rows: records.length, excludedNeutral, excludedEmpty };
}

/** The file carries many verbatim repeats; this view keeps the first of each (label, text) pair. */
export function distinctItems(items: readonly EvalItem[]): EvalItem[] {
  const seen = new Set<string>();
  return items.filter((it) => {
    const k = `${it.sentiment}\u0000${it.text}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function fileIfExists(path: string): string | null {
  return existsSync(path) ? path : null;
}

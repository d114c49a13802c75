/**
 * Example verbatims for the theme breakdown, kept beside the rollups: per month and theme, the
 * most confident mentions with their text and evidence spans. Showing examples then needs one
 * read of a small collection instead of one lookup per response. A response's examples are
 * replaced whenever it is recorded again (so a re-analysis that drops a theme drops its example).
 */
import type { ResponseQueryFilter } from '../../../../models/response/response.filter.js';
import type { EntrySource } from '../../../../models/rollup/insight-responses.repository.js';
import { categoryOf } from '../../../domain/nps.js';
import { entryMatches, type Entry, type SentimentCode } from './entry.js';
import { lexicalNearDuplicates } from '../../../analysis/dedupe/near-duplicates.js';

/** Kept per month and theme: enough that filtered breakdowns usually still find a few. */
const EXAMPLES_PER_THEME_MONTH = 20;
const MAX_COMMENT = 500;
/** A month's examples stay well below MongoDB's 16 MB document limit. */
const MAX_DOC_CHARS = 8_000_000;

export interface StoredExample {
  /** Response id. */
  i: string;
  /** Entry version of the response when recorded. */
  v: string;
  /** Comment (first MAX_COMMENT characters). */
  c: string;
  s: number;
  p: string | null;
  /** Attribute tags. */
  g: string[];
  /** Every theme key the response mentions (for theme filters). */
  h: string[];
  /** respondedAt, ms. */
  t: number;
  /** The theme's sentiment code and confidence. */
  e: SentimentCode;
  f: number;
  /** Evidence spans of the theme within the (kept part of the) comment. */
  r: [number, number, string][];
}

/** Theme key → examples, best first. */
export type ExampleLists = Record<string, StoredExample[]>;

export interface ResponseExamples {
  id: string;
  version: string;
  month: string;
  /** Theme key → this response's example for it. */
  byTheme: Map<string, StoredExample>;
}

const CODES: Record<string, SentimentCode> = { positive: 'p', neutral: 'u', negative: 'n' };

export function examplesOf(response: EntrySource, entry: Entry): ResponseExamples {
  const byTheme = new Map<string, StoredExample>();
  const comment = typeof response.comment === 'string' ? response.comment : '';
  if (comment.trim() && entry.themes) {
    const kept = comment.slice(0, MAX_COMMENT);
    const keys = entry.themes.map((t) => t.key);
    for (const theme of response.analysis?.themes ?? []) {
      if (!theme?.key || byTheme.has(theme.key)) continue;
      byTheme.set(theme.key, {
        i: entry.id,
        v: entry.version,
        c: kept,
        s: entry.score,
        p: entry.touchpoint,
        g: entry.tags,
        h: keys,
        t: entry.ts,
        e: CODES[theme.sentiment?.label ?? ''] ?? 'u',
        f: Math.round((theme.confidence ?? 0) * 100) / 100,
        r: (theme.evidence ?? []).filter((ev) => ev.end <= kept.length).map((ev) => [ev.start, ev.end, ev.text]),
      });
    }
  }
  return { id: entry.id, version: entry.version, month: new Date(entry.ts).toISOString().slice(0, 7), byTheme };
}

const better = (a: StoredExample, b: StoredExample) => b.f - a.f || b.t - a.t || (a.i < b.i ? -1 : 1);

/**
 * Applies recorded responses to a month's lists: each response's old examples are replaced by
 * its new ones, unless a newer version of it is already there. Returns null when nothing changed.
 */
export function mergeExamples(current: ExampleLists, updates: readonly ResponseExamples[]): ExampleLists | null {
  const latest = new Map<string, ResponseExamples>();
  for (const u of updates) {
    const previous = latest.get(u.id);
    if (!previous || previous.version <= u.version) latest.set(u.id, u);
  }
  const stored = new Map<string, string>();
  for (const list of Object.values(current)) for (const e of list) if ((stored.get(e.i) ?? '') < e.v) stored.set(e.i, e.v);

  const replaced = new Set<string>();
  const added: ExampleLists = {};
  for (const u of latest.values()) {
    const version = stored.get(u.id);
    if (version !== undefined && version > u.version) continue; // a newer analysis is already kept
    replaced.add(u.id);
    for (const [key, example] of u.byTheme) (added[key] ??= []).push(example);
  }
  if (replaced.size === 0) return null;

  const merged: ExampleLists = {};
  for (const key of new Set([...Object.keys(current), ...Object.keys(added)])) {
    merged[key] = [...(current[key] ?? []).filter((e) => !replaced.has(e.i)), ...(added[key] ?? [])].sort(better);
  }
  // Huge taxonomies with long comments: keep fewer per theme rather than outgrow a document.
  let next: ExampleLists;
  for (let keep = EXAMPLES_PER_THEME_MONTH; ; keep = Math.floor(keep / 2)) {
    next = {};
    for (const [key, list] of Object.entries(merged)) if (list.length) next[key] = list.slice(0, keep);
    if (keep <= 1 || JSON.stringify(next).length <= MAX_DOC_CHARS) break;
  }
  return JSON.stringify(sorted(next)) === JSON.stringify(sorted(current)) ? null : next;
}

function sorted(lists: ExampleLists): [string, StoredExample[]][] {
  return Object.entries(lists).sort(([a], [b]) => a.localeCompare(b));
}

/** Whether a stored example belongs to the responses a filter selects (as far as it can tell). */
function exampleMatches(example: StoredExample, filter: ResponseQueryFilter | null | undefined): boolean {
  if (!filter) return true;
  if (filter.analysisStatus && filter.analysisStatus !== 'DONE') return false;
  const search = filter.search?.trim().toLowerCase();
  if (search && !example.c.toLowerCase().includes(search)) return false;
  const entry: Entry = {
    id: example.i,
    version: example.v,
    score: example.s,
    category: categoryOf(example.s),
    touchpoint: example.p,
    tags: example.g,
    themes: example.h.map((key) => ({ key, sentiment: 'u', confidence: 0 })),
    ts: example.t,
    comment: example.c,
  };
  return entryMatches(entry, filter);
}

/** An example as shown: `duplicates` = other candidate examples that nearly repeat its text (hidden). */
export interface PickedExample extends StoredExample {
  duplicates: number;
}

/**
 * The best examples of a theme across months that match the filter. Near-duplicate texts (the same
 * answer pasted or submitted again) are shown once, as the best of them, with how many repeat it:
 * otherwise one repeated text can fill every example slot. Checked by shared character 5-grams over
 * the stored candidates only (at most 20 per month), so the cost stays bounded.
 */
export function pickExamples(
  lists: readonly ExampleLists[],
  key: string,
  filter: ResponseQueryFilter | null | undefined,
  count: number,
): PickedExample[] {
  const seen = new Set<string>();
  const ranked = lists
    .flatMap((l) => l[key] ?? [])
    .filter((e) => exampleMatches(e, filter))
    .sort(better)
    .filter((e) => !seen.has(e.i) && seen.add(e.i));
  const representativeOf = lexicalNearDuplicates(ranked.map((e) => e.c));
  const duplicates = new Map<number, number>();
  representativeOf.forEach((r, i) => {
    if (r !== i) duplicates.set(r, (duplicates.get(r) ?? 0) + 1);
  });
  return ranked
    .map((e, i) => ({ ...e, duplicates: duplicates.get(i) ?? 0 }))
    .filter((_, i) => representativeOf[i] === i)
    .slice(0, count);
}

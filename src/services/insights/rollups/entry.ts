/**
 * A response's contribution to the rollups: what every insight needs of it (score, touchpoint,
 * attribute tags, themes with their sentiment, time), compact enough to keep one per response
 * as its own document, and matchable against a filter without the response itself.
 */
import { categoryOf, type NpsCategory } from '../../../domain/nps.js';
import type { ResponseQueryFilter } from '../../../../models/response/response.filter.js';
import type { EntrySource } from '../../../../models/rollup/insight-responses.repository.js';

/** Sentiment of a theme mention: positive, neutral (u) or negative. */
export type SentimentCode = 'p' | 'u' | 'n';

interface EntryTheme {
  key: string;
  sentiment: SentimentCode;
  confidence: number;
}

export interface Entry {
  id: string;
  /** Orders writes of the same response: a stale write never replaces a newer one. */
  version: string;
  score: number;
  category: NpsCategory;
  touchpoint: string | null;
  /** `key=value` attribute tags. */
  tags: string[];
  /** null until the response has an analysis. */
  themes: EntryTheme[] | null;
  /** respondedAt, ms since the epoch. */
  ts: number;
  /** The comment (its first COMMENT_CHARS characters): emerging-theme discovery reads it from the ledger. */
  comment: string | null;
}

/** Enough of a verbatim for theme discovery, without letting 5,000-character comments bloat the ledger. */
const COMMENT_CHARS = 500;

const SENTIMENT_CODES: Record<string, SentimentCode> = { positive: 'p', neutral: 'u', negative: 'n' };

/**
 * Analysis revision first (a taxonomy change bumps it), then the analysis time: a retried or
 * duplicated write of the same analysis has the same version, a re-analysis a higher one, and
 * the write made at ingestion (no analysis yet) the lowest of its revision.
 */
export function entryVersion(revision: number, analyzedAt: Date | null | undefined): string {
  const at = analyzedAt ? new Date(analyzedAt).getTime() : 0;
  return `${String(Math.max(0, revision | 0)).padStart(6, '0')}.${String(Math.max(0, at)).padStart(14, '0')}`;
}

/** A correction is a newer state of the same revision: its time orders it after the analysis. */
function latestOf(analyzedAt: Date | null | undefined, correctedAt: Date | null | undefined): Date | null | undefined {
  if (!correctedAt) return analyzedAt;
  if (!analyzedAt) return correctedAt;
  return new Date(Math.max(new Date(analyzedAt).getTime(), new Date(correctedAt).getTime()));
}

export function entryOf(response: EntrySource): Entry {
  const analysis = response.analysis && Array.isArray(response.analysis.themes) ? response.analysis : null;
  let themes: EntryTheme[] | null = null;
  if (analysis) {
    // One mention per theme key: a theme is counted once per response.
    const byKey = new Map<string, EntryTheme>();
    for (const t of analysis.themes ?? []) {
      if (!t?.key) continue;
      const theme: EntryTheme = {
        key: String(t.key),
        sentiment: SENTIMENT_CODES[t.sentiment?.label ?? ''] ?? 'u',
        confidence: Math.round((t.confidence ?? 0) * 100) / 100,
      };
      const seen = byKey.get(theme.key);
      if (!seen || seen.confidence < theme.confidence) byKey.set(theme.key, theme);
    }
    themes = [...byKey.values()];
  }
  return {
    id: String(response._id),
    version: entryVersion(response.analysisRevision ?? 0, analysis ? latestOf(analysis.analyzedAt, analysis.correctedAt) : null),
    score: response.score,
    category: categoryOf(response.score),
    touchpoint: response.touchpoint ?? null,
    tags: [...(response.attributeTags ?? [])],
    themes,
    ts: new Date(response.respondedAt).getTime(),
    comment: typeof response.comment === 'string' && response.comment.trim() ? response.comment.slice(0, COMMENT_CHARS) : null,
  };
}

type Encoded = [string, number, string | null, string[], [string, SentimentCode, number][] | null, number, string | null];

export function encodeEntry(entry: Entry): string {
  const encoded: Encoded = [
    entry.version,
    entry.score,
    entry.touchpoint,
    entry.tags,
    entry.themes ? entry.themes.map((t) => [t.key, t.sentiment, t.confidence]) : null,
    entry.ts,
    entry.comment,
  ];
  return JSON.stringify(encoded);
}

export function decodeEntry(id: string, text: string): Entry {
  const [version, score, touchpoint, tags, themes, ts, comment] = JSON.parse(text) as Encoded;
  return {
    id,
    version,
    score,
    category: categoryOf(score),
    touchpoint,
    tags,
    themes: themes ? themes.map(([key, sentiment, confidence]) => ({ key, sentiment, confidence })) : null,
    ts,
    comment,
  };
}

export function dayOfTs(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

/** Filter fields an entry can be matched on; the others need the response itself. */
export function entryCanMatch(filter: ResponseQueryFilter | null | undefined): boolean {
  return !filter || (!filter.search?.trim() && !filter.analysisStatus && !filter.customerExternalId);
}

/** Same semantics as `toMongoFilter` for the fields an entry carries. */
export function entryMatches(entry: Entry, filter: ResponseQueryFilter | null | undefined): boolean {
  if (!filter) return true;
  if (filter.from && entry.ts < filter.from.getTime()) return false;
  if (filter.to && entry.ts >= filter.to.getTime()) return false;
  if (filter.categories?.length && !filter.categories.includes(entry.category)) return false;
  if (filter.touchpoints?.length && (entry.touchpoint === null || !filter.touchpoints.includes(entry.touchpoint))) return false;
  const themes = filter.themes;
  if (themes?.length && !(entry.themes ?? []).some((t) => themes.includes(t.key))) return false;
  if (filter.attributes?.length) {
    const byKey = new Map<string, string[]>();
    for (const { key, value } of filter.attributes) byKey.set(key, [...(byKey.get(key) ?? []), `${key}=${value}`]);
    for (const tags of byKey.values()) if (!tags.some((tag) => entry.tags.includes(tag))) return false;
  }
  return true;
}

/** The value of attribute `key` in an entry's tags, or null. */
export function attributeValue(entry: Entry, key: string): string | null {
  const prefix = `${key}=`;
  const tag = entry.tags.find((t) => t.startsWith(prefix));
  return tag === undefined ? null : tag.slice(prefix.length);
}

/** emergingThemes: phrases recent verbatims share that the taxonomy does not cover yet, with a suggested theme. */
import { round } from '../../../domain/nps.js';
import type { ResponseQueryFilter } from '../../../../models/response/response.filter.js';
import { checkFilter } from '../../response-query.service.js';
import { dayOf } from '../calendar.js';
import { defaultTaxonomy, suggestTheme, type ThemeSuggestion } from '../emerging.js';
import { emergingCandidates, type EmergingMethod } from '../emerging-candidates.js';
import { entryCanMatch, entryMatches } from '../rollups/entry.js';
import { boundedInt, type ReportContext } from './context.js';

interface EmergingExample {
  id: string;
  comment: string;
  score: number;
  respondedAt: Date;
}

/** Ids of near-duplicates listed per emerging-theme example (the count is complete). */
const MAX_DUPLICATE_IDS = 10;

interface EmergingThemeExample extends EmergingExample {
  /** Sampled responses whose verbatim nearly repeats this one. */
  nearDuplicates: number;
  nearDuplicateIds: string[];
}

interface EmergingTheme {
  phrase: string;
  count: number;
  share: number;
  relatedPhrases: string[];
  examples: EmergingThemeExample[];
  suggestion: ThemeSuggestion;
}

export interface EmergingThemesReport {
  sampled: number;
  /** Sampled verbatims collapsed into an earlier one as its near-duplicate. */
  nearDuplicates: number;
  method: EmergingMethod;
  from: Date | null;
  to: Date | null;
  candidates: EmergingTheme[];
}

export async function emergingThemes(
  ctx: ReportContext,
  filter: ResponseQueryFilter | null | undefined,
  options: { limit?: number | null; minCount?: number | null; sample?: number | null } = {},
): Promise<EmergingThemesReport> {
  checkFilter(filter);
  const limit = boundedInt(options.limit ?? 10, 1, 50, 'limit');
  const minCount = boundedInt(options.minCount ?? 3, 1, 10_000, 'minCount');
  const sampleSize = boundedInt(options.sample ?? ctx.deps.emergingSample, 1, ctx.deps.emergingSample, 'sample');

  const sample = await recentComments(ctx, filter, sampleSize);
  if (sample.length === 0) return { sampled: 0, nearDuplicates: 0, method: 'LEXICAL', from: null, to: null, candidates: [] };
  const taxonomy = (await ctx.deps.taxonomy?.current()) ?? (await defaultTaxonomy());
  const comments = sample.map((s) => s.comment);
  const vectors = (await ctx.deps.embedder?.embed(comments)) ?? null;
  // Every mentioning verbatim: the suggestion's examples are phrases several of them share.
  const found = await emergingCandidates(comments, taxonomy, { minCount, limit, examples: sample.length }, vectors);
  const taken = new Set(taxonomy.themes.map((t) => t.key));
  const times = sample.map((s) => s.respondedAt.getTime());
  const withDuplicates = (i: number): EmergingThemeExample => {
    const duplicates = found.duplicates.get(i) ?? [];
    return {
      ...sample[i],
      nearDuplicates: duplicates.length,
      nearDuplicateIds: duplicates.slice(0, MAX_DUPLICATE_IDS).map((d) => sample[d].id),
    };
  };
  return {
    sampled: sample.length,
    nearDuplicates: [...found.duplicates.values()].reduce((n, d) => n + d.length, 0),
    method: found.method,
    from: new Date(Math.min(...times)),
    to: new Date(Math.max(...times)),
    candidates: found.candidates.map((c) => {
      const mentioning = c.exampleIndexes.filter((i) => sample[i]);
      const suggestion = suggestTheme(
        c,
        sample.length,
        mentioning.map((i) => sample[i].comment),
        taken,
      );
      taken.add(suggestion.key);
      return {
        phrase: c.phrase,
        count: c.count,
        share: round(c.count / sample.length, 4),
        relatedPhrases: c.relatedPhrases,
        examples: mentioning.slice(0, 3).map(withDuplicates),
        suggestion,
      };
    }),
  };
}

/** The newest matching verbatims with a comment, at most `limit`, newest first. */
async function recentComments(
  ctx: ReportContext,
  filter: ResponseQueryFilter | null | undefined,
  limit: number,
): Promise<EmergingExample[]> {
  if (!entryCanMatch(filter)) {
    return (await ctx.deps.responses.newestWithComment(filter, limit)).map((r) => ({
      id: String(r._id),
      comment: r.comment ?? '',
      score: r.score,
      respondedAt: r.respondedAt,
    }));
  }
  // Walk the day ledgers back from the newest day (entries carry the comment): no scan or sort of the responses.
  const clocks = await ctx.deps.store.clocks();
  const fromDay = filter?.from ? dayOf(filter.from) : '';
  const lastDay = filter?.to ? dayOf(new Date(filter.to.getTime() - 1)) : '9999-12-31';
  const days = [...clocks.keys()]
    .filter((d) => d >= fromDay && d <= lastDay)
    .sort()
    .reverse();
  const picked: EmergingExample[] = [];
  // Growing batches of days: the newest few usually hold enough.
  for (let i = 0, size = 2; i < days.length && picked.length < limit; i += size, size *= 2) {
    const batch = days.slice(i, i + size);
    const byDay = await ctx.deps.store.ledgerEntries(batch);
    for (const day of batch) {
      const matching = (byDay.get(day) ?? []).filter((e) => e.comment !== null && entryMatches(e, filter)).sort((a, b) => b.ts - a.ts);
      for (const e of matching.slice(0, limit - picked.length))
        picked.push({ id: e.id, comment: e.comment ?? '', score: e.score, respondedAt: new Date(e.ts) });
    }
  }
  return picked;
}

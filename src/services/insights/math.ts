/**
 * Insight arithmetic over rollup rows: NPS among a theme's mentioners, its impact, changes and
 * their significance, driver ranking, segment ordering. Pure: no I/O.
 */
import { npsFigures, round, SMALL_SAMPLE, type NpsCategory, type NpsCounts, type NpsFigures } from '../../domain/nps.js';
import type { Row } from './rollups/rows.js';

const Z_95 = 1.959964;

export interface Counts extends NpsCounts {
  scoreSum: number;
}

export const emptyCounts = (): Counts => ({ promoters: 0, passives: 0, detractors: 0, scoreSum: 0 });

export const total = (c: NpsCounts): number => c.promoters + c.passives + c.detractors;

function addTo(c: Counts, cat: NpsCategory, n: number, scoreSum: number): void {
  if (cat === 'PROMOTER') c.promoters += n;
  else if (cat === 'PASSIVE') c.passives += n;
  else c.detractors += n;
  c.scoreSum += scoreSum;
}

function minus(a: Counts, b: Counts): Counts {
  return {
    promoters: a.promoters - b.promoters,
    passives: a.passives - b.passives,
    detractors: a.detractors - b.detractors,
    scoreSum: a.scoreSum - b.scoreSum,
  };
}

/** Responses counted once each (base rows); `analysedOnly` keeps those with an analysis. */
export function baseCounts(rows: readonly Row[], analysedOnly: boolean): Counts {
  const c = emptyCounts();
  for (const r of rows) if (r.th === null && (!analysedOnly || r.an === 1)) addTo(c, r.cat, r.n, r.ss);
  return c;
}

/** NPS in points, unrounded; null without responses. */
function npsValue(c: NpsCounts): number | null {
  const n = total(c);
  return n === 0 ? null : ((c.promoters - c.detractors) / n) * 100;
}

/** Standard error of an NPS, in points. */
function npsStandardError(c: NpsCounts): number | null {
  const n = total(c);
  if (n < 2) return null;
  const p = c.promoters / n;
  const d = c.detractors / n;
  return Math.sqrt((p + d - (p - d) ** 2) / n) * 100;
}

/**
 * Two independent NPS figures differ at the 95% level (z-test on the difference, using their
 * standard errors). The normal approximation needs samples of a fair size: below SMALL_SAMPLE
 * responses on either side nothing is called significant (the figures carry `smallSample`).
 */
export function npsDifferenceSignificant(a: NpsCounts, b: NpsCounts): boolean {
  if (Math.min(total(a), total(b)) < SMALL_SAMPLE) return false;
  const [na, nb, sa, sb] = [npsValue(a), npsValue(b), npsStandardError(a), npsStandardError(b)];
  if (na === null || nb === null || sa === null || sb === null) return false;
  const se = Math.sqrt(sa ** 2 + sb ** 2);
  // No spread in either sample (all promoters, say): any difference is real at this size.
  if (se === 0) return na !== nb;
  return Math.abs(na - nb) / se >= Z_95;
}

/**
 * Two shares (k1 of n1, k2 of n2) differ at the 95% level (pooled two-proportion z-test), when
 * the usual condition for its normal approximation holds: at least 5 expected hits and misses.
 */
export function shareDifferenceSignificant(k1: number, n1: number, k2: number, n2: number): boolean {
  if (n1 === 0 || n2 === 0) return false;
  const pooled = (k1 + k2) / (n1 + n2);
  if (Math.min(n1, n2) * Math.min(pooled, 1 - pooled) < 5) return false;
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return false;
  return Math.abs(k1 / n1 - k2 / n2) / se >= Z_95;
}

export interface SentimentSplit {
  positive: number;
  neutral: number;
  negative: number;
}

export interface ThemeTally {
  key: string;
  counts: Counts;
  sentiment: SentimentSplit;
}

/** Mentions of each theme: counts by category, score sum and sentiment split. */
export function tallyThemes(rows: readonly Row[]): Map<string, ThemeTally> {
  const themes = new Map<string, ThemeTally>();
  for (const r of rows) {
    if (r.th === null) continue;
    let t = themes.get(r.th);
    if (!t) {
      t = { key: r.th, counts: emptyCounts(), sentiment: { positive: 0, neutral: 0, negative: 0 } };
      themes.set(r.th, t);
    }
    addTo(t.counts, r.cat, r.n, r.ss);
    if (r.se === 'p') t.sentiment.positive += r.n;
    else if (r.se === 'n') t.sentiment.negative += r.n;
    else t.sentiment.neutral += r.n;
  }
  return themes;
}

export interface ThemeStats {
  key: string;
  mentions: number;
  /** Fraction (0–1) of the analysed responses that mention the theme. */
  share: number;
  /** NPS among mentioners. */
  figures: NpsFigures;
  averageScore: number;
  /** NPS of the analysed responses that do not mention the theme. */
  without: NpsFigures;
  /** Overall NPS minus NPS without the theme's mentioners, in points; null when nobody else answered. */
  impact: number | null;
  /** The mentioners' NPS differs significantly from the others'. */
  significant: boolean;
  sentiment: SentimentSplit;
  /** Mentioners that are detractors / promoters, as a fraction of all detractors / promoters. */
  shareOfDetractors: number;
  shareOfPromoters: number;
}

function themeStats(base: Counts, tally: ThemeTally): ThemeStats {
  const mentions = total(tally.counts);
  const without = minus(base, tally.counts);
  const overall = npsValue(base);
  const withoutNps = npsValue(without);
  return {
    key: tally.key,
    mentions,
    share: total(base) ? mentions / total(base) : 0,
    figures: npsFigures(tally.counts),
    averageScore: mentions ? round(tally.counts.scoreSum / mentions, 2) : 0,
    without: npsFigures(without),
    impact: overall === null || withoutNps === null ? null : round(overall - withoutNps, 2),
    significant: npsDifferenceSignificant(tally.counts, without),
    sentiment: tally.sentiment,
    shareOfDetractors: base.detractors ? tally.counts.detractors / base.detractors : 0,
    shareOfPromoters: base.promoters ? tally.counts.promoters / base.promoters : 0,
  };
}

/** Stats of every mentioned theme, most mentioned first. */
export function allThemeStats(rows: readonly Row[]): { base: Counts; themes: ThemeStats[] } {
  const base = baseCounts(rows, true);
  const themes = [...tallyThemes(rows).values()]
    .map((t) => themeStats(base, t))
    .sort((a, b) => b.mentions - a.mentions || a.key.localeCompare(b.key));
  return { base, themes };
}

export interface ThemeChange {
  previousMentions: number;
  previousShare: number;
  previousNps: number | null;
  previousImpact: number | null;
  mentions: number;
  /** Change of share, in fraction points (0.05 = five percentage points). */
  share: number;
  nps: number | null;
  impact: number | null;
  shareSignificant: boolean;
  npsSignificant: boolean;
}

/** How a theme moved between two periods (its stats in each, with the periods' analysed totals). */
export function themeChange(
  current: { stats: ThemeStats | null; counts: Counts; base: Counts },
  previous: { stats: ThemeStats | null; counts: Counts; base: Counts },
): ThemeChange {
  const cur = current.stats;
  const prev = previous.stats;
  const curMentions = total(current.counts);
  const prevMentions = total(previous.counts);
  const curShare = total(current.base) ? curMentions / total(current.base) : 0;
  const prevShare = total(previous.base) ? prevMentions / total(previous.base) : 0;
  const curNps = npsValue(current.counts);
  const prevNps = npsValue(previous.counts);
  const diff = (a: number | null | undefined, b: number | null | undefined) =>
    a === null || a === undefined || b === null || b === undefined ? null : round(a - b, 2);
  return {
    previousMentions: prevMentions,
    previousShare: round(prevShare, 4),
    previousNps: prevNps === null ? null : round(prevNps, 2),
    previousImpact: prev?.impact ?? null,
    mentions: curMentions - prevMentions,
    share: round(curShare - prevShare, 4),
    nps: diff(curNps, prevNps),
    impact: diff(cur?.impact, prev?.impact),
    shareSignificant: shareDifferenceSignificant(curMentions, total(current.base), prevMentions, total(previous.base)),
    npsSignificant: npsDifferenceSignificant(current.counts, previous.counts),
  };
}

/** A theme whose impact could be computed. */
export type RankedDriver = ThemeStats & { impact: number };

/** Themes that cost NPS points (most costly first) and themes that earn them (most earning first). */
export function rankDrivers(themes: readonly ThemeStats[]): { detraction: RankedDriver[]; promotion: RankedDriver[] } {
  const withImpact = themes.filter((t): t is RankedDriver => t.impact !== null);
  return {
    detraction: withImpact.filter((t) => t.impact < 0).sort((a, b) => a.impact - b.impact || b.mentions - a.mentions),
    promotion: withImpact.filter((t) => t.impact > 0).sort((a, b) => b.impact - a.impact || b.mentions - a.mentions),
  };
}

/** Segments by NPS, highest first (no NPS last, then by size). */
export function orderSegments<T extends NpsFigures>(segments: readonly T[]): T[] {
  return [...segments].sort((a, b) => {
    if (a.nps === null || b.nps === null) return a.nps === null ? (b.nps === null ? 0 : 1) : -1;
    return b.nps - a.nps || b.responses - a.responses;
  });
}

/**
 * Where customers are happiest and least satisfied: the extremes among segments large enough to
 * trust, or among all segments when none is (the figures still carry `smallSample`).
 */
export function extremes<T extends NpsFigures>(ordered: readonly T[]): { happiest: T | null; leastSatisfied: T | null } {
  const scored = ordered.filter((s) => s.nps !== null);
  const trusted = scored.filter((s) => !s.smallSample);
  const pool = trusted.length ? trusted : scored;
  return { happiest: pool[0] ?? null, leastSatisfied: pool.length > 1 ? pool[pool.length - 1] : null };
}

/** Rows grouped by a dimension (touchpoint or attribute value). */
export function groupRows(rows: readonly Row[], by: (r: Row) => string | null): Map<string | null, Row[]> {
  const groups = new Map<string | null, Row[]>();
  for (const r of rows) {
    const key = by(r);
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  return groups;
}

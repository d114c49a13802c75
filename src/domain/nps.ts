/** NPS arithmetic: categories, weights, the score and its 95% margin of error. Pure. */

export type NpsCategory = 'PROMOTER' | 'PASSIVE' | 'DETRACTOR';

export function categoryOf(score: number): NpsCategory {
  if (score >= 9) return 'PROMOTER';
  if (score >= 7) return 'PASSIVE';
  return 'DETRACTOR';
}

/** +1 promoter, 0 passive, −1 detractor: NPS is 100 × the mean weight. */
export function weightOf(category: NpsCategory): 1 | 0 | -1 {
  return category === 'PROMOTER' ? 1 : category === 'DETRACTOR' ? -1 : 0;
}

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

export interface NpsFigures extends NpsCounts {
  responses: number;
  /** −100…100, null when there are no responses. */
  nps: number | null;
  /** 95% margin of error in NPS points, null when there are fewer than 2 responses. */
  marginOfError: number | null;
  /** Fewer responses than a figure should be trusted on. */
  smallSample: boolean;
}

/** Below this many responses a figure is flagged as a small sample (not hidden). */
export const SMALL_SAMPLE = 30;

const Z_95 = 1.959964;

/**
 * NPS with its margin of error. Each response is a draw of +1/0/−1, so the variance of the
 * mean is p + d − (p − d)² (p, d: promoter and detractor shares) and the margin is
 * z·√(var/n) in points.
 */
export function npsFigures(counts: NpsCounts): NpsFigures {
  const n = counts.promoters + counts.passives + counts.detractors;
  if (n === 0) return { ...counts, responses: 0, nps: null, marginOfError: null, smallSample: true };
  const p = counts.promoters / n;
  const d = counts.detractors / n;
  const nps = (p - d) * 100;
  const variance = p + d - (p - d) ** 2;
  const marginOfError = n < 2 ? null : Z_95 * Math.sqrt(variance / n) * 100;
  return {
    ...counts,
    responses: n,
    nps: round(nps, 2),
    marginOfError: marginOfError === null ? null : round(marginOfError, 2),
    smallSample: n < SMALL_SAMPLE,
  };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

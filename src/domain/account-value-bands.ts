/**
 * Spend bands: an account value falls into one band of configured edges (VERBATIM_ACCOUNT_VALUE_BANDS,
 * default 1000,10000,100000 → "under 1k", "1k-10k", "10k-100k", "100k+"). Ingestion records the
 * band of the value sent with a response as its `account_value_band` attribute, so `segments` and
 * `npsTrend(groupBy)` segment by spend like by any attribute (from the rollups, no scan).
 */

/** The attribute a response's spend band is recorded under. */
export const ACCOUNT_VALUE_BAND_ATTRIBUTE = 'account_value_band';

/** 1000 → "1k", 2500 → "2.5k", 1000000 → "1M", 500 → "500". */
function compact(n: number): string {
  const unit = n >= 1e9 ? ['G', 1e9] : n >= 1e6 ? ['M', 1e6] : n >= 1e3 ? ['k', 1e3] : ['', 1];
  const value = Math.round((n / (unit[1] as number)) * 100) / 100;
  return `${value}${unit[0] as string}`;
}

/** Band edges from `1000,10000,100000`: positive, strictly ascending; throws naming the problem. */
export function parseBandEdges(raw: string): number[] {
  const edges = raw.split(',').map((p) => Number(p.trim()));
  if (edges.length === 0 || edges.some((e) => !Number.isFinite(e) || e <= 0))
    throw new Error('must be positive numbers separated by commas, e.g. 1000,10000,100000');
  if (edges.some((e, i) => i > 0 && e <= edges[i - 1])) throw new Error('must be strictly ascending');
  return edges;
}

/** Every band label, lowest spend first. */
export function bandLabels(edges: readonly number[]): string[] {
  return [
    `under ${compact(edges[0])}`,
    ...edges.slice(1).map((e, i) => `${compact(edges[i])}-${compact(e)}`),
    `${compact(edges[edges.length - 1])}+`,
  ];
}

/** The band of an account value: below the first edge, between two (lower edge included), or from the last on. */
export function bandOf(value: number, edges: readonly number[]): string {
  const labels = bandLabels(edges);
  const index = edges.findIndex((e) => value < e);
  return labels[index === -1 ? edges.length : index];
}

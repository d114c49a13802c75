/**
 * What every insight report reads with: the service's dependencies, its row source (rollups,
 * ledger or scan, see ../rollups/row-source.ts), the clock and the theme labels; plus the
 * argument checks the reports share.
 */
import { InputError } from '../../../errors.js';
import type { Logger } from '../../../logger.js';
import type { Taxonomy } from '../../../analysis/types.js';
import type { ResponseQueryFilter } from '../../../../models/response/response.filter.js';
import type { InsightResponseRepository } from '../../../../models/rollup/insight-responses.repository.js';
import { ATTRIBUTE_KEY } from '../../pipeline/response-input.js';
import { firstDayOfMonth } from '../calendar.js';
import type { TextEmbedder } from '../emerging-embedder.js';
import type { RollupStore } from '../rollups/rollup-store.js';
import type { RowSource, RowSourceLevel } from '../rollups/row-source.js';

/** The taxonomy in force: labels for display, coverage for emerging themes. Wired to the taxonomy service. */
export interface TaxonomyPort {
  current(): Promise<Taxonomy>;
}

export interface ThemeRef {
  key: string;
  label: string;
}

export interface InsightsDeps {
  store: RollupStore;
  responses: InsightResponseRepository;
  taxonomy?: TaxonomyPort;
  log: Logger;
  /** Most recent verbatims emerging-theme discovery reads. */
  emergingSample: number;
  /** Sentence vectors for emerging themes (the transformer engine); without it discovery is lexical. */
  embedder?: TextEmbedder;
  /** Most responses a comment-search insight may scan. */
  maxScan: number;
  /** Most points (periods × series) one trend may return (VERBATIM_MAX_TREND_POINTS). */
  maxTrendPoints?: number;
  now?: () => Date;
}

export interface ReportContext {
  deps: InsightsDeps;
  source: RowSource;
  now(): Date;
  /** Theme key → display label. */
  labels(): Promise<(key: string) => string>;
}

export const unitFirstDay = (key: string): string => (key.length === 7 ? firstDayOfMonth(key) : key);

const LEVELS: RowSourceLevel[] = ['ROLLUP', 'LEDGER', 'SCAN'];
export const slowest = (a: RowSourceLevel, b: RowSourceLevel | undefined): RowSourceLevel =>
  b && LEVELS.indexOf(b) > LEVELS.indexOf(a) ? b : a;

/** The attribute whose rows serve a filter from caches: the filter's one attribute key, if it has exactly one. */
export function filterAttribute(filter: ResponseQueryFilter | null | undefined): string | null {
  const keys = new Set((filter?.attributes ?? []).map((a) => a.key));
  return keys.size === 1 ? [...keys][0] : null;
}

export function boundedInt(value: number, min: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new InputError([{ field, message: `must be an integer from ${min} to ${max}` }]);
  return value;
}

export function checkAttributeKey(key: string, field: string): void {
  if (!ATTRIBUTE_KEY.test(key)) throw new InputError([{ field, message: 'must be an attribute key (letters, digits, _ or -)' }]);
}

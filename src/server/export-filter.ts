/**
 * The `responses` / `themeBreakdown` filter as query-string parameters, for the export routes:
 * `from`, `to` (ISO 8601), `category`, `touchpoint`, `theme` (repeatable), `attribute.<key>=<value>`
 * (repeatable; same key twice = either value), `analysisStatus`, `search`. Anything else is refused.
 */
import { InputError, type FieldProblem } from '../errors.js';
import type { ResponseQueryFilter } from '../../models/response/response.filter.js';
import type { AnalysisStatus } from '../../models/response/response.entity.js';
import type { NpsCategory } from '../domain/nps.js';

const CATEGORIES: readonly NpsCategory[] = ['PROMOTER', 'PASSIVE', 'DETRACTOR'];
const STATUSES: readonly AnalysisStatus[] = ['PENDING', 'DONE', 'FAILED'];
const LISTS = { category: 'categories', touchpoint: 'touchpoints', theme: 'themes' } as const;
const SINGLES = new Set(['from', 'to', 'analysisStatus', 'search']);
const ATTRIBUTE_PREFIX = 'attribute.';

/** The filter the query string asks for; throws InputError naming the parameter otherwise. */
export function exportFilter(params: URLSearchParams): ResponseQueryFilter {
  const filter: ResponseQueryFilter = {};
  const problems: FieldProblem[] = [];
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    if (name in LISTS) {
      filter[LISTS[name as keyof typeof LISTS]] = values as NpsCategory[];
    } else if (name.startsWith(ATTRIBUTE_PREFIX)) {
      const key = name.slice(ATTRIBUTE_PREFIX.length);
      filter.attributes = [...(filter.attributes ?? []), ...values.map((value) => ({ key, value }))];
    } else if (!SINGLES.has(name)) {
      problems.push({
        field: name,
        message: 'is not a filter parameter (from, to, category, touchpoint, theme, attribute.<key>, analysisStatus, search)',
      });
    } else if (values.length > 1) {
      problems.push({ field: name, message: 'may be given once' });
    }
  }
  for (const [i, category] of (filter.categories ?? []).entries())
    if (!CATEGORIES.includes(category))
      problems.push({ field: 'category', message: `${JSON.stringify(category)} (#${i + 1}) is not one of ${CATEGORIES.join(', ')}` });
  for (const bound of ['from', 'to'] as const) {
    const raw = params.get(bound);
    if (raw === null) continue;
    const date = /^\d{4}-\d{2}-\d{2}/.test(raw) ? new Date(raw) : new Date(NaN);
    if (Number.isNaN(date.getTime())) problems.push({ field: bound, message: 'must be an ISO 8601 date or date-time' });
    else filter[bound] = date;
  }
  const status = params.get('analysisStatus');
  if (status !== null) {
    if (STATUSES.includes(status as AnalysisStatus)) filter.analysisStatus = status as AnalysisStatus;
    else problems.push({ field: 'analysisStatus', message: `must be one of ${STATUSES.join(', ')}` });
  }
  const search = params.get('search');
  if (search !== null) filter.search = search;
  if (problems.length) throw new InputError(problems);
  return filter;
}

/** The query parameter a `filter.*` field of checkFilter's errors came from. */
export function parameterOf(field: string): string {
  const name = field.replace(/^filter\./, '');
  const list = Object.entries(LISTS).find(([, plural]) => name.startsWith(plural));
  if (list) return list[0];
  return name.startsWith('attributes') ? 'attribute' : name;
}

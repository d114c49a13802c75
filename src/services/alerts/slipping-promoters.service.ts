/**
 * Slipping promoters: customers whose previous comparable answer (as in the "Score slipping" risk
 * reason: same attributes, so the same scopes see both) was ≥ 9 and whose new one is ≤ 8. Each got
 * an ASK_WHAT_CHANGED follow-up when it was routed; the list pages over those follow-ups in the
 * database (keyset: newest answer first, then id), with the caller's scope in the query.
 */
import { InputError } from '../../errors.js';
import type { AlertEntity, AlertStatus } from '../../../models/alert/alert.entity.js';
import type { AlertRepository } from '../../../models/alert/alert.repository.js';
import { keyOf, type SortField } from '../../../models/keyset.js';
import type { Attribute } from '../../../models/response/response.entity.js';
import { scopeTags, type Scope } from '../auth/scope.js';
import { decodeCursor, pageSize, toPage, type Page } from '../paging.js';

export interface SlippingPromoterFilter {
  /** Answered at or after. */
  from?: Date | null;
  /** Answered before. */
  to?: Date | null;
  touchpoint?: string | null;
  assignee?: string | null;
  statuses?: AlertStatus[] | null;
  attributes?: Attribute[] | null;
}

const ORDER: SortField[] = [
  { field: 'respondedAt', direction: -1, date: true },
  { field: '_id', direction: 1 },
];

export class SlippingPromotersService {
  constructor(private readonly deps: { alerts: AlertRepository; maxPageSize: number }) {}

  async list(
    filter: SlippingPromoterFilter = {},
    first?: number | null,
    after?: string | null,
    scope?: Scope,
  ): Promise<Page<AlertEntity> & { totalCount: number }> {
    const size = pageSize(first, this.deps.maxPageSize);
    if (filter.from && filter.to && filter.from.getTime() >= filter.to.getTime())
      throw new InputError([{ field: 'filter.to', message: 'must be after filter.from' }]);
    const key = decodeCursor(after, ['number', 'string']);
    const query = {
      slippingPromoter: true,
      respondedFrom: filter.from ?? null,
      respondedTo: filter.to ?? null,
      touchpoint: filter.touchpoint,
      assignee: filter.assignee,
      statuses: filter.statuses,
      // The scope is part of the query: a MANAGER key reads only in-scope follow-ups.
      attributeTags: [...scopeTags(scope), ...scopeTags(filter.attributes)],
    };
    const [rows, totalCount] = await Promise.all([this.deps.alerts.page(query, ORDER, key, size + 1), this.deps.alerts.count(query)]);
    return { totalCount, ...toPage(rows, size, (a) => keyOf(ORDER, a)) };
  }
}

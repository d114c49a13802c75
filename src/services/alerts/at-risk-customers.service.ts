/**
 * Customers ordered by their latest churn risk, with the reasons, their last verbatim, score
 * trend, owner and open follow-up: the list an account team works through. A scoped caller gets
 * each customer as seen through their in-scope responses and alerts only (history, trend, risk,
 * owner and follow-up), and no customer at all whose risk comes from outside the scope.
 */
import { InputError } from '../../errors.js';
import type { AlertEntity } from '../../../models/alert/alert.entity.js';
import type { AlertRepository } from '../../../models/alert/alert.repository.js';
import type { CustomerChurnRisk, CustomerEntity } from '../../../models/customer/customer.entity.js';
import { AT_RISK_ORDER, type CustomerRepository } from '../../../models/customer/customer.repository.js';
import { keyOf } from '../../../models/keyset.js';
import type { Attribute } from '../../../models/response/response.entity.js';
import type { CustomerQueryService } from '../customer-query.service.js';
import { decodeCursor, encodeCursor, pageSize, type CursorKey, type Page } from '../paging.js';
import { RISK_LEVELS, type RiskLevel } from '../risk/churn-risk.js';
import { scopeTags, type Scope } from '../auth/scope.js';

export interface AtRiskFilter {
  minLevel?: RiskLevel | null;
  /** Open follow-up assigned to them, or (without one) named in the owner attribute. */
  owner?: string | null;
  attributes?: Attribute[] | null;
}

export interface AtRiskCustomer {
  /** The customer as the caller may see them (scoped: through in-scope responses; `churnRisk` set). */
  customer: CustomerEntity;
  /** The customer's latest risk (in scope). */
  risk: CustomerChurnRisk;
  owner: string | null;
  /** The newest unresolved alert of the customer, if any. */
  openAlert: AlertEntity | null;
  /** Latest score minus the previous one (negative: slipping); null with one response. */
  trend: number | null;
}

export type AtRiskPage = Page<AtRiskCustomer>;

/** Customers read per request at most: a very narrow filter returns a short page whose cursor resumes the scan. */
const MAX_SCAN = 1000;
/** Customers read per further batch, once filters or the scope have dropped rows of the first one. */
const SCAN_BATCH = 100;

export class AtRiskCustomersService {
  constructor(
    private readonly deps: {
      customers: CustomerRepository;
      alerts: AlertRepository;
      /** Scoped views of customers (history, risk, attributes from in-scope responses only). */
      views: Pick<CustomerQueryService, 'scopedMany'>;
      ownerAttribute: string;
      maxPageSize: number;
    },
  ) {}

  /**
   * One page, read from the database in keyset batches (the first one just the page and one row
   * more): rows the filter, the scope or the owner drop are skipped batch by batch, never by
   * loading every at-risk customer.
   */
  async list(filter: AtRiskFilter = {}, first?: number | null, after?: string | null, scope?: Scope): Promise<AtRiskPage> {
    const size = pageSize(first, this.deps.maxPageSize);
    let position = decodeCursor(after, ['number', 'string']);
    const minLevel = filter.minLevel ?? 'MEDIUM';
    if (!RISK_LEVELS.includes(minLevel))
      throw new InputError([{ field: 'filter.minLevel', message: `must be one of ${RISK_LEVELS.join(', ')}` }]);
    const levels = RISK_LEVELS.slice(RISK_LEVELS.indexOf(minLevel));
    // The scope and the filter are matched separately: a filter may widen nothing the scope narrows.
    const matchers = [filter.attributes ?? [], scope ?? []].map(attributeMatcher);

    const rows: { node: AtRiskCustomer; key: CursorKey }[] = [];
    let scanned = 0;
    let exhausted = false;
    while (rows.length <= size && !exhausted && scanned < MAX_SCAN) {
      const limit = Math.min(scanned === 0 ? size + 1 : SCAN_BATCH, MAX_SCAN - scanned);
      const batch = await this.deps.customers.pageAtRisk(levels, position, limit);
      exhausted = batch.length < limit;
      scanned += batch.length;
      if (batch.length) position = keyOf(AT_RISK_ORDER, batch[batch.length - 1]);
      rows.push(
        ...(await this.rowsOf(
          batch.filter((c) => matchers.every((matches) => matches(c.attributes))),
          levels,
          filter.owner,
          scope,
        )),
      );
    }
    const page = rows.slice(0, size);
    const edges = page.map(({ node, key }) => ({ cursor: encodeCursor(key), node }));
    if (rows.length > size) return { edges, hasNextPage: true, endCursor: edges.at(-1)?.cursor ?? null };
    // Out of scan budget with rows left: the cursor resumes after the last customer read, not the last listed.
    if (!exhausted && position) return { edges, hasNextPage: true, endCursor: encodeCursor(position) };
    return { edges, hasNextPage: false, endCursor: edges.at(-1)?.cursor ?? null };
  }

  /** The listed rows of some customers (in order): their scoped views, in-scope open follow-ups and owners. */
  private async rowsOf(
    customers: CustomerEntity[],
    levels: RiskLevel[],
    owner: string | null | undefined,
    scope: Scope,
  ): Promise<{ node: AtRiskCustomer; key: CursorKey }[]> {
    if (customers.length === 0) return [];
    const views = await this.deps.views.scopedMany(customers, scope ?? []);
    // Open follow-ups of these customers within the scope only: an alert of another region never names this row's owner.
    const open = await this.deps.alerts.find({
      statuses: ['OPEN', 'ACKNOWLEDGED'],
      customerExternalIds: customers.map((c) => c.externalId),
      attributeTags: scopeTags(scope),
    });
    const openByCustomer = new Map<string, AlertEntity>();
    for (const a of open.sort((x, y) => y.raisedAt.getTime() - x.raisedAt.getTime())) {
      if (a.customerExternalId && !openByCustomer.has(a.customerExternalId)) openByCustomer.set(a.customerExternalId, a);
    }
    const rows: { node: AtRiskCustomer; key: CursorKey }[] = [];
    customers.forEach((customer, i) => {
      const view = views[i];
      // Without an in-scope risk (none, or computed from an out-of-scope response) the customer is not listed.
      if (!view?.churnRisk || !levels.includes(view.churnRisk.level)) return;
      const node = this.row(view, view.churnRisk, openByCustomer.get(view.externalId) ?? null);
      if (!owner || node.owner === owner) rows.push({ node, key: keyOf(AT_RISK_ORDER, customer) });
    });
    return rows;
  }

  /** Trend and owner from what `customer` (already scoped) and its in-scope open alert show. */
  private row(customer: CustomerEntity, risk: CustomerChurnRisk, openAlert: AlertEntity | null): AtRiskCustomer {
    const history = [...customer.scoreHistory].sort((a, b) => a.respondedAt.getTime() - b.respondedAt.getTime());
    const latest = history.at(-1);
    const previous = history.at(-2);
    const trend = latest && previous ? latest.score - previous.score : null;
    const owner = openAlert?.assignee ?? customer.attributes.find((a) => a.key === this.deps.ownerAttribute)?.value ?? null;
    return { customer, risk, owner, openAlert, trend };
  }
}

/** Filter semantics of attribute lists: values of one key are alternatives, every key must match. */
function attributeMatcher(pairs: readonly Attribute[]): (attributes: readonly Attribute[]) => boolean {
  const wanted = new Map<string, Set<string>>();
  for (const { key, value } of pairs) wanted.set(key, (wanted.get(key) ?? new Set()).add(value));
  return (attributes) => [...wanted].every(([key, values]) => attributes.some((a) => a.key === key && values.has(a.value)));
}

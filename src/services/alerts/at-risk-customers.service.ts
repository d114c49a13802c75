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
import type { CustomerRepository } from '../../../models/customer/customer.repository.js';
import { attributeTag, type Attribute } from '../../../models/response/response.entity.js';
import type { CustomerQueryService } from '../customer-query.service.js';
import { RISK_LEVELS, type RiskLevel } from '../risk/churn-risk.js';
import { inScope, type Scope } from './alert.service.js';

export interface AtRiskFilter {
  minLevel?: RiskLevel | null;
  /** Open follow-up assigned to them, or (without one) named in the owner attribute. */
  owner?: string | null;
  attributes?: Attribute[] | null;
}

export interface AtRiskCustomer {
  /** The customer as the caller may see them (scoped: through in-scope responses; `churnRisk` set). */
  customer: CustomerEntity;
  /** The in-scope churn risk the customer is listed by (the customer's `churnRisk`). */
  risk: CustomerChurnRisk;
  owner: string | null;
  /** The newest unresolved alert of the customer, if any. */
  openAlert: AlertEntity | null;
  /** Latest score minus the previous one (negative: slipping); null with one response. */
  trend: number | null;
}

export interface AtRiskPage {
  edges: { cursor: string; node: AtRiskCustomer }[];
  hasNextPage: boolean;
  endCursor: string | null;
}

/** Customers read at most per query (the list is worked top-down; deeper pages are rare). */
const MAX_SCAN = 1000;
/** Customers whose scoped views are built per read of their responses: what the page still needs, within these bounds. */
const VIEW_BATCH = 50;
const MIN_VIEW_BATCH = 10;

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

  async list(filter: AtRiskFilter = {}, first?: number | null, after?: string | null, scope?: Scope): Promise<AtRiskPage> {
    const limit = first ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > this.deps.maxPageSize) {
      throw new InputError([{ field: 'first', message: `must be between 1 and ${this.deps.maxPageSize}` }]);
    }
    const offset = after ? Number(Buffer.from(after, 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw new InputError([{ field: 'after', message: 'is not a cursor from this query' }]);
    const minLevel = filter.minLevel ?? 'MEDIUM';
    if (!RISK_LEVELS.includes(minLevel)) throw new InputError([{ field: 'filter.minLevel', message: `must be one of ${RISK_LEVELS.join(', ')}` }]);
    const levels = RISK_LEVELS.slice(RISK_LEVELS.indexOf(minLevel));

    // The scope and the filter are matched separately: a filter may widen nothing the scope narrows.
    const customers = await this.deps.customers.findAtRisk(levels, [filter.attributes ?? [], scope ?? []], MAX_SCAN);
    // Open follow-ups of the scope only: an alert of another region never names this row's owner.
    const open = (await this.deps.alerts.find({ statuses: ['OPEN', 'ACKNOWLEDGED'], attributeTags: (scope ?? []).map((a) => attributeTag(a.key, a.value)) }))
      .filter((a) => inScope(a, scope));
    const openByCustomer = new Map<string, AlertEntity>();
    for (const a of open.sort((x, y) => y.raisedAt.getTime() - x.raisedAt.getTime())) {
      if (a.customerExternalId && !openByCustomer.has(a.customerExternalId)) openByCustomer.set(a.customerExternalId, a);
    }
    // Views are built batch by batch, only as far as this page (and one row more, for hasNextPage) needs.
    const rows: AtRiskCustomer[] = [];
    for (let next = 0; next < customers.length && rows.length <= offset + limit; ) {
      const size = Math.min(VIEW_BATCH, Math.max(MIN_VIEW_BATCH, offset + limit + 1 - rows.length));
      const batch = customers.slice(next, next + size);
      next += size;
      const views = await this.deps.views.scopedMany(batch, scope ?? []);
      for (const view of views) {
        // Without an in-scope risk (none, or computed from an out-of-scope response) the customer is not listed.
        if (!view?.churnRisk || !levels.includes(view.churnRisk.level)) continue;
        const row = this.row(view, view.churnRisk, openByCustomer.get(view.externalId) ?? null);
        if (!filter.owner || row.owner === filter.owner) rows.push(row);
      }
    }
    const page = rows.slice(offset, offset + limit);
    const edges = page.map((node, i) => ({ cursor: Buffer.from(String(offset + i + 1)).toString('base64url'), node }));
    return { edges, hasNextPage: offset + limit < rows.length, endCursor: edges.at(-1)?.cursor ?? null };
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

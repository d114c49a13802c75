/** Reading customers and their score history. */
import type { CustomerEntity } from '../../models/customer/customer.entity.js';
import type { CustomerRepository } from '../../models/customer/customer.repository.js';
import type { Attribute, ResponseEntity } from '../../models/response/response.entity.js';
import type { ResponseRepository } from '../../models/response/response.repository.js';
import { inScope } from './auth/scope.js';

export class CustomerQueryService {
  constructor(private readonly deps: { customers: CustomerRepository; responses?: Pick<ResponseRepository, 'findByIds'> }) {}

  /**
   * The customer; with a scope, the customer as seen through their responses within it (history,
   * counts, latest score and attributes from those only), and null when none is in scope.
   */
  async get(externalId: string, scope: readonly Attribute[] = []): Promise<CustomerEntity | null> {
    const customer = await this.deps.customers.findByExternalId(externalId);
    return customer && this.scoped(customer, scope);
  }

  /** The customer as a scoped caller may see them (see `get`); unchanged without a scope. */
  async scoped(customer: CustomerEntity, scope: readonly Attribute[] = []): Promise<CustomerEntity | null> {
    return (await this.scopedMany([customer], scope))[0] ?? null;
  }

  /** `scoped` for several customers, with one read of their responses. */
  async scopedMany(customers: readonly CustomerEntity[], scope: readonly Attribute[] = []): Promise<(CustomerEntity | null)[]> {
    if (scope.length === 0) return [...customers];
    if (!this.deps.responses || customers.length === 0) return customers.map(() => null);
    const responses = await this.deps.responses.findByIds(customers.flatMap((c) => c.scoreHistory.map((p) => p.responseId)));
    const inside = new Map<string, ResponseEntity>(
      responses.filter((r) => inScope(r.attributes, scope)).map((r) => [r._id.toHexString(), r]),
    );
    return customers.map((customer) => viewThrough(customer, inside));
  }
}

/** The customer seen through the in-scope responses (`inside`, by id); null when none of theirs is in it. */
function viewThrough(customer: CustomerEntity, inside: ReadonlyMap<string, ResponseEntity>): CustomerEntity | null {
  const history = customer.scoreHistory.filter((p) => inside.has(p.responseId.toHexString()));
  const ordered = history
    .flatMap((p) => inside.get(p.responseId.toHexString()) ?? [])
    .sort((a, b) => a.respondedAt.getTime() - b.respondedAt.getTime());
  const latest = ordered.at(-1);
  if (!latest) return null;
  const latestAnalysed = ordered.filter((r) => r.analysis).at(-1);
  return {
    ...customer,
    attributes: latest.attributes,
    responseCount: history.length,
    scoreHistory: history,
    latestScore: latest.score,
    latestRespondedAt: latest.respondedAt,
    latestResponseId: latest._id,
    latestSentiment: latestAnalysed?.analysis?.sentiment.label ?? null,
    // A risk computed from a response outside the scope is not shown.
    churnRisk: customer.churnRisk?.responseId && inside.has(String(customer.churnRisk.responseId)) ? customer.churnRisk : null,
  };
}

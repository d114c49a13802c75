/** Reading customers and their score history. */
import type { CustomerEntity } from '../../models/customer/customer.entity.js';
import type { CustomerRepository } from '../../models/customer/customer.repository.js';

export class CustomerQueryService {
  constructor(private readonly deps: { customers: CustomerRepository }) {}

  async get(externalId: string): Promise<CustomerEntity | null> {
    return this.deps.customers.findByExternalId(externalId);
  }
}

import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { foldByCustomer, type CustomerEntry } from '../../models/customer/customer-batch.js';

const entry = (customer: string, respondedAt: string, extra: Partial<CustomerEntry['profile']> = {}, score = 5): CustomerEntry => ({
  profile: { externalId: customer, attributes: [{ key: 'at', value: respondedAt }], ...extra },
  response: { responseId: new Types.ObjectId(), score, respondedAt: new Date(respondedAt) },
});

describe('foldByCustomer', () => {
  it('makes one change per customer with its responses in batch order', () => {
    const rows = [entry('a', '2025-01-02'), entry('b', '2025-01-01'), entry('a', '2025-01-01'), entry('a', '2025-01-03')];
    const changes = foldByCustomer(rows);
    expect(changes.map((c) => c.externalId)).toEqual(['a', 'b']);
    expect(changes[0].responses).toEqual([rows[0].response, rows[2].response, rows[3].response]);
    expect(changes[1].responses).toEqual([rows[1].response]);
  });

  it('takes the latest by respondedAt, the later entry on a tie, with that entry’s attributes', () => {
    const rows = [entry('a', '2025-03-01', {}, 1), entry('a', '2025-01-01', {}, 2), entry('a', '2025-03-01', {}, 3)];
    const [change] = foldByCustomer(rows);
    expect(change.latest.responseId).toEqual(rows[2].response.responseId);
    expect(change.latest.score).toBe(3);
    expect(change.latest.attributes).toEqual([{ key: 'at', value: '2025-03-01' }]);
  });

  it('keeps the last profile value each field was given and never erases one with an omission', () => {
    const rows = [
      entry('a', '2025-01-01', { name: 'Old', email: 'a@example.com' }),
      entry('a', '2025-01-02', { name: 'New', email: null }),
      entry('a', '2025-01-03', { accountValue: 0 }),
    ];
    expect(foldByCustomer(rows)[0].profile).toEqual({ name: 'New', email: 'a@example.com', accountValue: 0 });
  });
});

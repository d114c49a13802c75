import { describe, expect, it } from 'vitest';
import { redactContactDetails } from '../../src/services/webhooks/redact.js';

describe('redactContactDetails', () => {
  it.each([
    ['mail me at ada.lovelace+nps@example.co.uk please', 'mail me at [email] please'],
    ['Call me on +1 (555) 123-4567 today', 'Call me on [phone] today'],
    ['my number: 0044 20 7946 0958.', 'my number: [phone].'],
    ['ring 555.123.4567 or 06-12345678', 'ring [phone] or [phone]'],
    ['two: a@b.io and c.d@e.org', 'two: [email] and [email]'],
  ])('masks %j', (input, expected) => {
    expect(redactContactDetails(input)).toBe(expected);
  });

  it.each([
    'I give it 9 out of 10',
    'order 12345 arrived late',
    'since 2024-01-15 support is slow',
    'paid $1,299.00 for 3 seats',
    'version 2.4.1 broke the export',
    'no contact details here',
  ])('leaves %j alone', (input) => {
    expect(redactContactDetails(input)).toBe(input);
  });
});

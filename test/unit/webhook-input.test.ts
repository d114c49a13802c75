import { describe, expect, it } from 'vitest';
import { webhookJobId } from '../../jobs/options.js';
import { validateWebhookFields } from '../../src/services/webhooks/webhook-input.js';
import { retryDelayMs } from '../../src/services/webhooks/ports.js';
import { SecretBox } from '../../src/services/webhooks/secret-box.js';

describe('validateWebhookFields', () => {
  it('accepts http(s) URLs and de-duplicates events in order', () => {
    const { value, problems } = validateWebhookFields(
      { url: ' https://hooks.example.com/a?b=1 ', events: ['alert.updated', 'alert.raised', 'alert.updated'] },
      ['url', 'events'],
    );
    expect(problems).toEqual([]);
    expect(value).toEqual({ url: 'https://hooks.example.com/a?b=1', events: ['alert.updated', 'alert.raised'] });
  });

  it.each([
    [{ url: 'ftp://x.example.com', events: ['alert.raised'] }, 'url'],
    [{ url: 'https://u:p@x.example.com', events: ['alert.raised'] }, 'url'],
    [{ url: '/relative', events: ['alert.raised'] }, 'url'],
    [{ url: 'https://x.example.com', events: ['nope'] }, 'events'],
    [{ url: 'https://x.example.com', events: [] }, 'events'],
    [{ events: ['alert.raised'] }, 'url'],
    [{ url: 'https://x.example.com', events: ['alert.raised'], description: 'x'.repeat(501) }, 'description'],
  ])('names the field of %j', (input, field) => {
    const { problems } = validateWebhookFields(input, ['url', 'events']);
    expect(problems.map((p) => p.field)).toContain(field);
  });

  it('checks only the fields an update passes', () => {
    expect(validateWebhookFields({ description: '' }, [])).toEqual({ value: { description: null }, problems: [] });
  });
});

describe('delivery jobs', () => {
  it('builds job ids BullMQ accepts, one per endpoint and event', () => {
    const id = webhookJobId('wh_abc', 'alert.updated:665f:default:3');
    expect(id).not.toContain(':');
    expect(id).toBe(webhookJobId('wh_abc', 'alert.updated:665f:default:3'));
    expect(id).not.toBe(webhookJobId('wh_abc', 'alert.updated:665f:default:4'));
  });

  it('doubles the retry delay (defaults span about 23 hours)', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(10_000, n))).toEqual([10_000, 20_000, 40_000]);
    const total = Array.from({ length: 13 }, (_, i) => retryDelayMs(10_000, i + 1)).reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(22);
    expect(total / 3_600_000).toBeLessThan(23);
  });
});

describe('SecretBox', () => {
  it('seals and opens secrets with a key, and passes them through without one', () => {
    const box = new SecretBox('k'.repeat(32));
    const sealed = box.seal('whsec_abc');
    expect(sealed).toMatch(/^enc:v1:/);
    expect(box.seal('whsec_abc')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('whsec_abc');
    expect(new SecretBox(undefined).seal('whsec_abc')).toBe('whsec_abc');
    expect(box.open('whsec_plain')).toBe('whsec_plain');
    expect(() => new SecretBox('x'.repeat(32)).open(sealed)).toThrow();
    expect(() => new SecretBox(undefined).open(sealed)).toThrow(/VERBATIM_WEBHOOK_SECRET_KEY/);
  });
});

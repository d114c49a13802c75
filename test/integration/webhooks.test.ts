/**
 * Webhooks end to end: endpoints managed over GraphQL, events delivered by the real BullMQ worker
 * to real HTTP receivers on 127.0.0.1 that verify every request with the `standardwebhooks`
 * library; retries after 500s and after a closed port, the delivery log, auto-disable and
 * re-enable, input validation, and the secret shown only once.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullWebhookQueue } from '../../jobs/webhooks.queue.js';
import { connectDatabase, type Database } from '../../models/database.js';
import { createLogger } from '../../src/logger.js';
import type { DomainEvent, EventType } from '../../src/services/events.js';
import { WebhookEventPublisher } from '../../src/services/webhooks/webhook-publisher.js';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.js';
import { testMongoUri, testRedisPrefix, testRedisUrl } from '../helpers/services.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

const NAME = 'webhooks';
const ATTEMPTS = 8;
const DISABLE_AFTER = 16;

const CREATE = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id secret url events enabled } }`;
const GET = `query($id: ID!) { webhook(id: $id) { id secret url events enabled disabledReason consecutiveFailures } }`;
const LOG = `query($id: ID!, $first: Int, $after: String) {
  webhookDeliveries(webhookId: $id, first: $first, after: $after) {
    nodes { id eventId eventType status attempts lastStatusCode lastError nextRetryAt deliveredAt }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ENABLE = `mutation($id: ID!) { enableWebhook(id: $id) { id enabled disabledReason consecutiveFailures secret } }`;

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = new WebhookReceiver();
  const port = await probe.listen();
  await probe.close();
  return port;
}

let app: TestApp;
let db: Database;
let redis: Redis;
let publisher: WebhookEventPublisher;
let webhookQueue: BullWebhookQueue;
const receivers: WebhookReceiver[] = [];

function receiver(): WebhookReceiver {
  const r = new WebhookReceiver();
  receivers.push(r);
  return r;
}

async function createWebhook(url: string, events: string[]): Promise<{ id: string; secret: string }> {
  const res = await app.gql(CREATE, { input: { url, events } });
  expect(res.errors).toBeUndefined();
  return res.data!.createWebhook;
}

function alertEvent(type: EventType, n: string): DomainEvent {
  return {
    id: `${type}:alert-${n}:h1`,
    type,
    occurredAt: new Date(),
    data: { alertId: `alert-${n}`, status: 'OPEN', assignee: 'am@example.com' },
    attributes: [{ key: 'region', value: 'EMEA' }],
  };
}

async function deliveryLog(id: string) {
  const res = await app.gql(LOG, { id, first: 100 });
  expect(res.errors).toBeUndefined();
  return res.data!.webhookDeliveries.nodes as {
    eventId: string;
    status: string;
    attempts: number;
    lastStatusCode: number | null;
    lastError: string | null;
    nextRetryAt: string | null;
    deliveredAt: string | null;
  }[];
}

beforeAll(async () => {
  app = await startTestApp(NAME, {
    roles: ['api', 'worker'],
    env: {
      VERBATIM_WEBHOOK_BACKOFF_MS: '100',
      VERBATIM_WEBHOOK_ATTEMPTS: String(ATTEMPTS),
      VERBATIM_WEBHOOK_TIMEOUT_MS: '3000',
      VERBATIM_WEBHOOK_DISABLE_AFTER_FAILURES: String(DISABLE_AFTER),
      VERBATIM_WEBHOOK_DISABLE_AFTER_SECONDS: '0',
      VERBATIM_WEBHOOK_MAX_ENDPOINTS: '10',
      VERBATIM_WEBHOOK_SECRET_KEY: 'test-webhook-secret-key-0123456789abcdef',
      // Receivers run on this machine; hooks.example.com stands for a public host (no DNS here).
      VERBATIM_WEBHOOK_ALLOW_HOSTS: '127.0.0.1,hooks.example.com',
    },
  });
  // A second publisher on the same database and queue, standing in for the alerts service.
  db = await connectDatabase({ uri: testMongoUri(NAME) });
  redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  webhookQueue = new BullWebhookQueue(redis, testRedisPrefix(NAME), { attempts: ATTEMPTS, backoffMs: 100 });
  publisher = new WebhookEventPublisher({ webhooks: db.webhooks, queue: webhookQueue, log: createLogger('silent') });
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await webhookQueue?.close();
  redis?.disconnect();
  await db?.close();
  for (const r of receivers) await r.close();
});

describe('managing endpoints', () => {
  it('returns the secret only from createWebhook, and de-duplicates events', async () => {
    const created = await app.gql(CREATE, {
      input: {
        url: 'https://hooks.example.com/verbatim',
        events: ['alert.raised', 'alert.raised', 'response.analyzed'],
        description: 'CRM',
      },
    });
    expect(created.errors).toBeUndefined();
    const hook = created.data!.createWebhook;
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
    expect(hook.events).toEqual(['alert.raised', 'response.analyzed']);
    expect(hook.enabled).toBe(true);
    // Stored sealed (VERBATIM_WEBHOOK_SECRET_KEY), never as issued.
    const stored = await db.webhooks.findEndpoint(hook.id);
    expect(stored!.secret).toMatch(/^enc:v1:/);
    expect(stored!.secret).not.toContain(hook.secret.slice(6));

    const read = await app.gql(GET, { id: hook.id });
    expect(read.data!.webhook).toMatchObject({ id: hook.id, secret: null, url: 'https://hooks.example.com/verbatim' });
    const list = await app.gql(`{ webhooks { id secret } }`);
    expect(list.data!.webhooks.find((w: { id: string }) => w.id === hook.id)).toEqual({ id: hook.id, secret: null });
    const enabled = await app.gql(ENABLE, { id: hook.id });
    expect(enabled.data!.enableWebhook.secret).toBeNull();

    const updated = await app.gql(`mutation($id: ID!) { updateWebhook(id: $id, input: { events: ["alert.updated"] }) { events secret } }`, {
      id: hook.id,
    });
    expect(updated.data!.updateWebhook).toEqual({ events: ['alert.updated'], secret: null });

    const rotated = await app.gql(`mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`, { id: hook.id });
    expect(rotated.data!.rotateWebhookSecret.secret).toMatch(/^whsec_/);
    expect(rotated.data!.rotateWebhookSecret.secret).not.toBe(hook.secret);

    const deleted = await app.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: hook.id });
    expect(deleted.data!.deleteWebhook).toBe(true);
    expect((await app.gql(GET, { id: hook.id })).data!.webhook).toBeNull();
  });

  it.each([
    [{ url: 'ftp://example.com/x', events: ['alert.raised'] }, 'url'],
    [{ url: 'not a url', events: ['alert.raised'] }, 'url'],
    [{ url: 'https://user:pw@example.com/x', events: ['alert.raised'] }, 'url'],
    [{ url: 'https://example.com/x', events: ['alert.raised', 'alert.exploded'] }, 'events'],
    [{ url: 'https://example.com/x', events: [] }, 'events'],
  ])('rejects %j naming the field', async (input, field) => {
    const res = await app.gql(CREATE, { input });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('lets SUBSCRIBER keys manage webhooks and refuses other roles', async () => {
    const key = async (role: string) => {
      const res = await app.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
        input: { name: `wh-${role}`, role },
      });
      expect(res.errors).toBeUndefined();
      return res.data!.createApiKey.key as string;
    };
    const subscriber = app.as(await key('SUBSCRIBER'));
    const created = await subscriber(CREATE, { input: { url: 'https://hooks.example.com/sub', events: ['alert.raised'] } });
    expect(created.errors).toBeUndefined();
    expect((await subscriber(`{ webhooks { id } }`)).errors).toBeUndefined();
    await subscriber(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: created.data!.createWebhook.id });

    const analyst = app.as(await key('ANALYST'));
    expect(
      (await analyst(CREATE, { input: { url: 'https://hooks.example.com/a', events: ['alert.raised'] } })).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect((await analyst(`{ webhooks { id } }`)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await app.anonymous(`{ webhooks { id } }`)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers NOT_FOUND for an unknown endpoint', async () => {
    const res = await app.gql(ENABLE, { id: 'wh_missing' });
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('deliveries', () => {
  it('delivers response.analyzed, signed and verified, without customer PII', async () => {
    const rx = receiver();
    const port = await rx.listen();
    const hook = await createWebhook(rx.url(port), ['response.analyzed']);
    rx.secret = hook.secret;

    const submitted = await app.gql(`mutation($input: ResponseInput!) { submitResponse(input: $input) { id } }`, {
      input: {
        externalId: 'wh-resp-1',
        score: 3,
        comment: 'Support never answers, I am cancelling. Call me on +1 (555) 123-4567 or mail grace@example.com',
        touchpoint: 'support_closed',
        customer: { externalId: 'cust-wh-1', name: 'Grace Hopper', email: 'grace@example.com' },
        attributes: [{ key: 'region', value: 'EMEA' }],
      },
    });
    expect(submitted.errors).toBeUndefined();
    const responseId = submitted.data!.submitResponse.id as string;

    const got = await waitFor(async () => rx.requests.find((r) => r.body.type === 'response.analyzed'), {
      timeoutMs: 30_000,
      what: 'response.analyzed delivery',
    });
    expect(got.verified).toBe(true);
    expect(got.id).toMatch(new RegExp(`^response\\.analyzed:${responseId}:r\\d+$`));
    expect(got.signature).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(Number(got.timestamp)).toBeGreaterThan(0);
    expect(got.body.data).toMatchObject({
      responseId,
      externalId: 'wh-resp-1',
      score: 3,
      category: 'DETRACTOR',
      touchpoint: 'support_closed',
      customerExternalId: 'cust-wh-1',
      attributes: [{ key: 'region', value: 'EMEA' }],
    });
    expect(got.body.data.sentiment.label).toBe('negative');
    expect(got.body.data.churnRisk).toMatchObject({ score: expect.any(Number), level: expect.any(String) });
    expect(Array.isArray(got.body.data.themes)).toBe(true);
    expect(got.body.data.comment).toContain('[phone]');
    expect(got.body.data.comment).toContain('[email]');
    const raw = JSON.stringify(got.body);
    expect(raw).not.toContain('grace@example.com');
    expect(raw).not.toContain('Grace Hopper');
    expect(raw).not.toContain('123-4567');

    const log = await waitFor(
      async () => {
        const rows = await deliveryLog(hook.id);
        return rows.length === 1 && rows[0].status === 'DELIVERED' ? rows : null;
      },
      { what: 'delivery log entry' },
    );
    expect(log[0]).toMatchObject({ eventId: got.id, attempts: 1, lastStatusCode: 200, lastError: null, nextRetryAt: null });
    expect(log[0].deliveredAt).not.toBeNull();
  });

  it('delivers the alert.raised of an at-risk detractor, verified', async () => {
    const rx = receiver();
    const port = await rx.listen();
    const hook = await createWebhook(rx.url(port), ['alert.raised']);
    rx.secret = hook.secret;
    const submitted = await app.gql(`mutation($input: ResponseInput!) { submitResponse(input: $input) { id } }`, {
      input: {
        externalId: 'wh-alert-1',
        score: 1,
        comment: 'Terrible support, nobody answers. We are cancelling our contract and switching to a competitor.',
        customer: { externalId: 'cust-wh-2' },
        attributes: [{ key: 'account_manager', value: 'jane.doe' }],
      },
    });
    expect(submitted.errors).toBeUndefined();
    const responseId = submitted.data!.submitResponse.id as string;
    const got = await waitFor(
      async () => rx.requests.find((r) => r.body.type === 'alert.raised' && r.body.data.response?.id === responseId),
      {
        timeoutMs: 30_000,
        what: 'alert.raised delivery',
      },
    );
    expect(got.verified).toBe(true);
    expect(got.id).toMatch(/^alert\.raised:/);
    expect(got.body.data.alert).toMatchObject({ status: 'OPEN', assignee: 'jane.doe' });
  });

  it('retries through 500s and delivers every event exactly once, also when re-published', async () => {
    const rx = receiver();
    rx.status = (n) => (n < 3 ? 500 : 200);
    const port = await rx.listen();
    const hook = await createWebhook(rx.url(port), ['alert.raised', 'alert.updated', 'alert.sla_breached']);
    rx.secret = hook.secret;

    const events = [alertEvent('alert.raised', 'r1'), alertEvent('alert.updated', 'r1'), alertEvent('alert.sla_breached', 'r1')];
    await publisher.publish(events);
    // A job retry of the publisher publishes the same events again: they collapse.
    await publisher.publish(events);

    const ids = events.map((e) => e.id).sort();
    await waitFor(async () => new Set(rx.accepted()).size === ids.length, { timeoutMs: 30_000, what: 'all events accepted' });
    const log = await waitFor(
      async () => {
        const rows = await deliveryLog(hook.id);
        return rows.length === 3 && rows.every((r) => r.status === 'DELIVERED') ? rows : null;
      },
      { what: 'every delivery DELIVERED' },
    );
    await new Promise((r) => setTimeout(r, 500)); // any stray duplicate would arrive by now
    expect(rx.accepted().sort()).toEqual(ids);
    expect(rx.requests.every((r) => r.verified)).toBe(true);
    expect(rx.requests.filter((r) => r.status === 500)).toHaveLength(3);
    expect(log.map((r) => r.eventId).sort()).toEqual(ids);
    expect(log.every((r) => r.lastStatusCode === 200 && r.lastError === null)).toBe(true);
    expect(log.reduce((sum, r) => sum + r.attempts, 0)).toBe(6);
    const body = rx.requests.find((r) => r.id === events[0].id && r.status === 200)!.body;
    expect(body).toMatchObject({ type: 'alert.raised', data: { alertId: 'alert-r1', status: 'OPEN' } });
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
  });

  it('keeps retrying while the receiver is down and delivers everything once it is back', async () => {
    const port = await closedPort();
    const rx = receiver();
    const hook = await createWebhook(rx.url(port), ['alert.raised']);
    rx.secret = hook.secret;
    const events = [alertEvent('alert.raised', 'd1'), alertEvent('alert.raised', 'd2')];
    await publisher.publish(events);

    // Down: every delivery has failed at least once with no HTTP answer, and is scheduled again.
    const failing = await waitFor(
      async () => {
        const rows = await deliveryLog(hook.id);
        return rows.length === 2 && rows.every((r) => r.attempts >= 1 && r.status === 'RETRYING') ? rows : null;
      },
      { what: 'failed attempts in the log' },
    );
    expect(failing.every((r) => r.lastStatusCode === null && /ECONNREFUSED|fetch failed/.test(r.lastError ?? ''))).toBe(true);
    expect(failing.every((r) => r.nextRetryAt !== null)).toBe(true);

    await rx.listen(port);
    await waitFor(async () => new Set(rx.accepted()).size === 2, { timeoutMs: 30_000, what: 'deliveries after recovery' });
    await waitFor(async () => (await deliveryLog(hook.id)).every((r) => r.status === 'DELIVERED'), { what: 'log DELIVERED' });
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.accepted().sort()).toEqual(events.map((e) => e.id).sort());
    expect((await app.gql(GET, { id: hook.id })).data!.webhook).toMatchObject({ enabled: true, consecutiveFailures: 0 });
  });

  it('disables an endpoint that keeps failing, and enableWebhook turns it back on', async () => {
    const rx = receiver();
    rx.status = () => 503;
    const port = await rx.listen();
    const hook = await createWebhook(rx.url(port), ['alert.sla_breached']);
    rx.secret = hook.secret;
    const events = ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8'].map((n) => alertEvent('alert.sla_breached', n));
    await publisher.publish(events);

    const disabled = await waitFor(
      async () => {
        const w = (await app.gql(GET, { id: hook.id })).data!.webhook;
        return w.enabled === false ? w : null;
      },
      { timeoutMs: 30_000, what: 'endpoint disabled' },
    );
    expect(disabled.disabledReason).toMatch(/attempts in a row failed.*HTTP 503/);
    expect(disabled.consecutiveFailures).toBeGreaterThanOrEqual(DISABLE_AFTER);

    // Pending deliveries stop rather than retrying for hours.
    const stopped = await waitFor(
      async () => {
        const rows = await deliveryLog(hook.id);
        return rows.length === 8 && rows.every((r) => r.status === 'CANCELLED' || r.status === 'FAILED') ? rows : null;
      },
      { timeoutMs: 30_000, what: 'deliveries stopped' },
    );
    expect(stopped.some((r) => r.status === 'CANCELLED' && /endpoint disabled/.test(r.lastError ?? ''))).toBe(true);

    // A disabled endpoint gets no new deliveries.
    await publisher.publish([alertEvent('alert.sla_breached', 'x9')]);
    expect(await deliveryLog(hook.id)).toHaveLength(8);

    rx.status = () => 204;
    const enabled = await app.gql(ENABLE, { id: hook.id });
    expect(enabled.data!.enableWebhook).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0 });
    const next = alertEvent('alert.sla_breached', 'x10');
    await publisher.publish([next]);
    await waitFor(async () => rx.accepted().includes(next.id), { timeoutMs: 30_000, what: 'delivery after re-enable' });
    await waitFor(async () => (await deliveryLog(hook.id)).find((r) => r.eventId === next.id)?.status === 'DELIVERED', { what: 'logged' });
  });

  it('delivers to an endpoint created by a scoped key only the events inside its scope', async () => {
    const keyRes = await app.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
      input: { name: 'emea hooks', role: 'SUBSCRIBER', scope: [{ key: 'region', value: 'EMEA' }] },
    });
    expect(keyRes.errors).toBeUndefined();
    const scoped = app.as(keyRes.data!.createApiKey.key);
    const rx = receiver();
    const port = await rx.listen();
    const created = await scoped(CREATE, { input: { url: rx.url(port), events: ['alert.updated'] } });
    expect(created.errors).toBeUndefined();
    rx.secret = created.data!.createWebhook.secret;
    const hookId = created.data!.createWebhook.id as string;

    const inside = {
      ...alertEvent('alert.updated', 'scope-in'),
      attributes: [
        { key: 'region', value: 'EMEA' },
        { key: 'plan', value: 'pro' },
      ],
    };
    const outside = { ...alertEvent('alert.updated', 'scope-out'), attributes: [{ key: 'region', value: 'APAC' }] };
    await publisher.publish([outside, inside]);
    await waitFor(async () => rx.accepted().includes(inside.id), { timeoutMs: 30_000, what: 'the in-scope delivery' });
    const log = await deliveryLog(hookId);
    expect(log.map((d) => d.eventId)).toEqual([inside.id]);
    expect(rx.accepted()).not.toContain(outside.id);

    // The scoped key sees only its own endpoints; the admin sees them all.
    const listed = await scoped(`query { webhooks { id scope { key value } } }`);
    expect(listed.data!.webhooks).toEqual([{ id: hookId, scope: [{ key: 'region', value: 'EMEA' }] }]);
    const all = await app.gql(`query { webhooks { id } }`);
    expect(all.data!.webhooks.length).toBeGreaterThan(1);
    const foreign = all.data!.webhooks.find((w: { id: string }) => w.id !== hookId).id;
    expect((await scoped(ENABLE, { id: foreign })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('pages through the delivery log', async () => {
    const rx = receiver();
    const port = await rx.listen();
    const hook = await createWebhook(rx.url(port), ['alert.updated']);
    rx.secret = hook.secret;
    await publisher.publish(['p1', 'p2', 'p3'].map((n) => alertEvent('alert.updated', n)));
    const first = await app.gql(LOG, { id: hook.id, first: 2 });
    expect(first.data!.webhookDeliveries.nodes).toHaveLength(2);
    expect(first.data!.webhookDeliveries.pageInfo.hasNextPage).toBe(true);
    const second = await app.gql(LOG, { id: hook.id, first: 2, after: first.data!.webhookDeliveries.pageInfo.endCursor });
    expect(second.data!.webhookDeliveries.nodes).toHaveLength(1);
    expect(second.data!.webhookDeliveries.pageInfo.hasNextPage).toBe(false);
    const bad = await app.gql(LOG, { id: hook.id, after: 'nonsense' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

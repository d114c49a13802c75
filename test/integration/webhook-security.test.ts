/**
 * Webhook endpoints as a hostile SUBSCRIBER would use them, over the real API and worker:
 * - SSRF: internal targets are refused at registration and update (field `url`), and at delivery
 *   (an endpoint stored before the check, or whose name resolves inside) nothing is sent and the
 *   log says only "refused: target not allowed", whatever listens on the port.
 * - Ownership: only the key that created an endpoint (or an ADMIN) sees and changes it; a key
 *   owns at most VERBATIM_WEBHOOKS_PER_KEY endpoints.
 *
 * The app allows no internal host: only `hooks.example.com`, which stands for a public receiver
 * and never resolves here, so no test traffic leaves this machine.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullWebhookQueue } from '../../jobs/webhooks.queue.js';
import { connectDatabase, type Database } from '../../models/database.js';
import { createLogger } from '../../src/logger.js';
import type { DomainEvent } from '../../src/services/events.js';
import { WebhookEventPublisher } from '../../src/services/webhooks/webhook-publisher.js';
import { startTestApp, waitFor, type GqlClient, type TestApp } from '../helpers/app.js';
import { testMongoUri, testRedisPrefix, testRedisUrl } from '../helpers/services.js';

const NAME = 'webhook-security';
const PER_KEY = 3;
const PUBLIC = 'https://hooks.example.com';

const CREATE = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id secret url ownerKeyId } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateWebhookInput!) { updateWebhook(id: $id, input: $input) { id url } }`;
const ROTATE = `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`;
const DELETE = `mutation($id: ID!) { deleteWebhook(id: $id) }`;
const ENABLE = `mutation($id: ID!) { enableWebhook(id: $id) { id } }`;
const GET = `query($id: ID!) { webhook(id: $id) { id url ownerKeyId } }`;
const LIST = `{ webhooks { id } }`;
const LOG = `query($id: ID!) { webhookDeliveries(webhookId: $id, first: 50) { nodes { eventId status attempts lastStatusCode lastError } } }`;

let app: TestApp;
let db: Database;
let redis: Redis;
let webhookQueue: BullWebhookQueue;
let publisher: WebhookEventPublisher;
let receiver: Server;
let hits = 0;

async function newKey(name: string, role = 'SUBSCRIBER'): Promise<GqlClient> {
  const res = await app.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, { input: { name, role } });
  expect(res.errors).toBeUndefined();
  return app.as(res.data!.createApiKey.key);
}

async function create(client: GqlClient, url: string, events = ['alert.raised']) {
  const res = await client(CREATE, { input: { url, events } });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.createWebhook as { id: string; secret: string; url: string; ownerKeyId: string | null };
}

beforeAll(async () => {
  app = await startTestApp(NAME, {
    env: {
      VERBATIM_WEBHOOK_ALLOW_HOSTS: 'hooks.example.com',
      VERBATIM_WEBHOOKS_PER_KEY: String(PER_KEY),
      VERBATIM_WEBHOOK_ATTEMPTS: '2',
      VERBATIM_WEBHOOK_BACKOFF_MS: '100',
      VERBATIM_WEBHOOK_TIMEOUT_MS: '3000',
    },
  });
  db = await connectDatabase({ uri: testMongoUri(NAME) });
  redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  webhookQueue = new BullWebhookQueue(redis, testRedisPrefix(NAME), { attempts: 2, backoffMs: 100 });
  publisher = new WebhookEventPublisher({ webhooks: db.webhooks, queue: webhookQueue, log: createLogger('silent') });
  // Stands for an internal service (Redis, MongoDB, a metadata endpoint) on this machine.
  receiver = createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(200).end('internal secret');
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await webhookQueue?.close();
  redis?.disconnect();
  await db?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('SSRF: internal webhook targets', () => {
  const internal = [
    'http://169.254.169.254/latest/meta-data/',
    'http://127.0.0.1:6379/',
    'http://localhost:27017/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://2130706433/',
    'http://0x7f.0.0.1/',
    'http://0177.0.0.1/',
    'http://10.0.0.1/',
    'http://192.168.1.1/',
    'http://[fc00::1]/',
    'http://[fe80::1]/',
    'http://224.0.0.1/',
    'http://0.0.0.0/',
    'http://redis/',
    'http://mongodb.internal/',
  ];

  it.each(internal)('refuses to register %s, naming the field', async (url) => {
    const subscriber = await newKey(`ssrf ${url}`);
    // response.analyzed: no test here publishes it, so even unfixed code would never send to these.
    const res = await subscriber(CREATE, { input: { url, events: ['response.analyzed'] } });
    expect(res.data?.createWebhook ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(res.errors?.[0]?.message).toContain('refused: target not allowed');
  });

  it('refuses to repoint an endpoint at an internal target', async () => {
    const hook = await create(app.gql, `${PUBLIC}/ok`, ['response.analyzed']);
    for (const url of ['http://127.0.0.1:6379/', 'http://[::1]:27017/', 'http://169.254.169.254/']) {
      const res = await app.gql(UPDATE, { id: hook.id, input: { url } });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    }
    expect((await app.gql(GET, { id: hook.id })).data!.webhook.url).toBe(`${PUBLIC}/ok`);
    await app.gql(DELETE, { id: hook.id });
  });

  it('sends nothing to an internal target at delivery time, and the log does not tell open from closed ports', async () => {
    const openPort = (receiver.address() as AddressInfo).port;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    // Endpoints stored before the registration check existed (or written around it).
    const targets = {
      open: `http://127.0.0.1:${openPort}/hooks`,
      byName: `http://localhost:${openPort}/hooks`,
      mapped: `http://[::ffff:7f00:1]:${openPort}/hooks`,
      closed: `http://127.0.0.1:${closedPort}/hooks`,
    };
    for (const [name, url] of Object.entries(targets)) {
      await db.webhooks.insertEndpoint({
        _id: `wh_ssrf_${name}`,
        url,
        events: ['alert.raised'],
        description: null,
        scope: [],
        ownerKeyId: null,
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      });
    }
    const event: DomainEvent = {
      id: 'alert.raised:ssrf-1',
      type: 'alert.raised',
      occurredAt: new Date(),
      data: { probe: true },
      attributes: [],
    };
    await publisher.publish([event]);

    const logs = await waitFor(
      async () => {
        const all = await Promise.all(
          Object.keys(targets).map(async (name) => (await app.gql(LOG, { id: `wh_ssrf_${name}` })).data?.webhookDeliveries.nodes[0]),
        );
        return all.every((d) => d && d.status === 'FAILED') ? all : null;
      },
      { timeoutMs: 30_000, what: 'every refused delivery to give up' },
    );
    expect(hits).toBe(0);
    for (const entry of logs) {
      expect(entry).toMatchObject({
        eventId: event.id,
        status: 'FAILED',
        attempts: 2,
        lastStatusCode: null,
        lastError: 'refused: target not allowed',
      });
    }
  });
});

describe('ownership of endpoints', () => {
  it('lets only the owning key or an ADMIN see, change, rotate or delete an endpoint', async () => {
    const alice = await newKey('alice hooks');
    const mallory = await newKey('mallory hooks');
    const adminHook = await create(app.gql, `${PUBLIC}/admin`, ['response.analyzed']);
    const aliceHook = await create(alice, `${PUBLIC}/alice`, ['response.analyzed']);
    expect(aliceHook.ownerKeyId).toBeTruthy();
    expect(aliceHook.ownerKeyId).not.toBe(adminHook.ownerKeyId);

    for (const victim of [adminHook, aliceHook]) {
      expect((await mallory(UPDATE, { id: victim.id, input: { url: `${PUBLIC}/mallory` } })).errors?.[0]?.extensions?.code).toBe(
        'NOT_FOUND',
      );
      expect((await mallory(ROTATE, { id: victim.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect((await mallory(ENABLE, { id: victim.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect((await mallory(LOG, { id: victim.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect((await mallory(GET, { id: victim.id })).data!.webhook).toBeNull();
      expect((await mallory(DELETE, { id: victim.id })).data!.deleteWebhook).toBe(false);
    }
    // Nothing changed: same URL, and the secret issued at creation is still the stored one.
    expect((await app.gql(GET, { id: adminHook.id })).data!.webhook.url).toBe(`${PUBLIC}/admin`);
    expect((await app.gql(GET, { id: aliceHook.id })).data!.webhook.url).toBe(`${PUBLIC}/alice`);

    // Listing: a non-admin sees its own endpoints only; an ADMIN sees all.
    expect((await mallory(LIST)).data!.webhooks).toEqual([]);
    expect((await alice(LIST)).data!.webhooks).toEqual([{ id: aliceHook.id }]);
    const all = ((await app.gql(LIST)).data!.webhooks as { id: string }[]).map((w) => w.id);
    expect(all).toEqual(expect.arrayContaining([adminHook.id, aliceHook.id]));

    // The owner and an ADMIN may change it.
    expect((await alice(UPDATE, { id: aliceHook.id, input: { url: `${PUBLIC}/alice2` } })).errors).toBeUndefined();
    expect((await alice(ROTATE, { id: aliceHook.id })).data!.rotateWebhookSecret.secret).toMatch(/^whsec_/);
    expect((await app.gql(UPDATE, { id: aliceHook.id, input: { url: `${PUBLIC}/alice3` } })).errors).toBeUndefined();
    expect((await alice(DELETE, { id: aliceHook.id })).data!.deleteWebhook).toBe(true);
    expect((await app.gql(DELETE, { id: adminHook.id })).data!.deleteWebhook).toBe(true);
  });

  it('leaves endpoints without an owner (registered before ownership) to ADMIN keys', async () => {
    await db.webhooks.insertEndpoint({
      _id: 'wh_legacy',
      url: `${PUBLIC}/legacy`,
      events: ['response.analyzed'],
      description: null,
      scope: [],
      ownerKeyId: null,
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    });
    const subscriber = await newKey('legacy probe');
    expect((await subscriber(GET, { id: 'wh_legacy' })).data!.webhook).toBeNull();
    expect((await subscriber(ROTATE, { id: 'wh_legacy' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await app.gql(GET, { id: 'wh_legacy' })).data!.webhook).toEqual({ id: 'wh_legacy', url: `${PUBLIC}/legacy`, ownerKeyId: null });
    expect((await app.gql(DELETE, { id: 'wh_legacy' })).data!.deleteWebhook).toBe(true);
  });

  it(`caps the endpoints one key owns at VERBATIM_WEBHOOKS_PER_KEY (${PER_KEY})`, async () => {
    const busy = await newKey('busy hooks');
    for (let i = 0; i < PER_KEY; i++) await create(busy, `${PUBLIC}/busy-${i}`, ['response.analyzed']);
    const over = await busy(CREATE, { input: { url: `${PUBLIC}/busy-over`, events: ['response.analyzed'] } });
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(over.errors?.[0]?.message).toMatch(/this API key owns 3 webhook endpoints/);
    // Another key is not affected, and deleting one makes room again.
    const other = await newKey('other hooks');
    const hook = await create(other, `${PUBLIC}/other`, ['response.analyzed']);
    const mine = (await busy(LIST)).data!.webhooks as { id: string }[];
    expect(mine).toHaveLength(PER_KEY);
    await busy(DELETE, { id: mine[0].id });
    await create(busy, `${PUBLIC}/busy-again`, ['response.analyzed']);
    await other(DELETE, { id: hook.id });
  });
});

/**
 * The webhook outbox with Redis down, on a Redis of this file's own: an alert acknowledged and
 * resolved during the outage commits and answers without error, and an event published during it
 * (as the SLA sweep does) is logged PENDING. Once Redis is back the worker's outbox drain enqueues
 * what was never queued, and the receiver gets every committed event exactly once, as logged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullWebhookQueue } from '../../jobs/webhooks.queue.js';
import { connectDatabase, type Database } from '../../models/database.js';
import { startRedis, type RedisService } from '../../src/local-services/index.js';
import { createLogger } from '../../src/logger.js';
import { WebhookEventPublisher } from '../../src/services/webhooks/webhook-publisher.js';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.js';
import { testMongoUri } from '../helpers/services.js';

const NAME = 'fault-webhook-outbox';
const LOG = `query($id: ID!) { webhookDeliveries(webhookId: $id, first: 100) { nodes { eventId eventType status attempts } } }`;

let dataDir: string;
let redis: RedisService;
let app: TestApp;
let db: Database;
let receiver: Server;
/** Every webhook-id the receiver was sent, repeats included. */
const received: { id: string; type: string }[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'verbatim-fault-outbox-'));
  redis = await startRedis({ dataDir, persistent: true, log: () => {}, env: { ...process.env, REDIS_URL: undefined } });
  app = await startTestApp(NAME, {
    env: {
      REDIS_URL: redis.url,
      VERBATIM_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      VERBATIM_WEBHOOK_OUTBOX_EVERY_SECONDS: '1',
      VERBATIM_WEBHOOK_OUTBOX_AFTER_SECONDS: '1',
      VERBATIM_WEBHOOK_BACKOFF_MS: '200',
      VERBATIM_JOB_LOCK_SECONDS: '5',
    },
  });
  db = await connectDatabase({ uri: testMongoUri(NAME) });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ id: String(req.headers['webhook-id']), type: JSON.parse(body).type });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await db?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await redis?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('webhook outbox while Redis is down', () => {
  it('commits alert changes without an error and delivers every committed event once Redis is back', async () => {
    const hook = await app.gql(`mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id } }`, {
      input: {
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
        events: ['alert.raised', 'alert.updated', 'alert.sla_breached'],
      },
    });
    expect(hook.errors).toBeUndefined();
    const webhookId = hook.data!.createWebhook.id as string;

    const submitted = await app.gql(`mutation($input: ResponseInput!) { submitResponse(input: $input) { id } }`, {
      input: {
        externalId: 'outbox-1',
        score: 1,
        comment: "Support never answers, I'm cancelling and switching to a competitor",
        attributes: [{ key: 'account_manager', value: 'dana' }],
      },
    });
    expect(submitted.errors).toBeUndefined();
    const alertId = `${submitted.data!.submitResponse.id}:default`;
    await waitFor(async () => received.some((r) => r.id === `alert.raised:${alertId}`), {
      timeoutMs: 60_000,
      what: 'alert.raised delivered',
    });

    await redis.stop();
    // The follow-up mutations commit in MongoDB and must not fail because Redis is gone.
    const ack = await app.gql(`mutation($id: ID!) { acknowledgeAlert(id: $id, note: "calling") { status } }`, { id: alertId });
    expect(ack.errors).toBeUndefined();
    expect(ack.data!.acknowledgeAlert.status).toBe('ACKNOWLEDGED');
    const resolved = await app.gql(`mutation($id: ID!) { resolveAlert(id: $id, outcome: RECOVERED) { status } }`, { id: alertId });
    expect(resolved.errors).toBeUndefined();
    expect(resolved.data!.resolveAlert.status).toBe('RESOLVED');

    // An event committed by a worker during the outage (the SLA sweep publishes like this).
    const queueRedis = new Redis(redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    queueRedis.on('error', () => undefined);
    const queue = new BullWebhookQueue(queueRedis, app.config.VERBATIM_QUEUE_PREFIX, { attempts: 5, backoffMs: 200 });
    queue.queue.on('error', () => undefined);
    const publisher = new WebhookEventPublisher({ webhooks: db.webhooks, queue, log: createLogger('silent') });
    const breach = {
      id: `alert.sla_breached:${alertId}`,
      type: 'alert.sla_breached' as const,
      occurredAt: new Date(),
      data: { alert: { id: alertId } },
      attributes: [],
    };
    await expect(publisher.publish([breach])).resolves.toBeUndefined();
    await queue.close().catch(() => undefined);
    queueRedis.disconnect();

    const expected = [`alert.raised:${alertId}`, `alert.updated:${alertId}:2`, `alert.updated:${alertId}:3`, breach.id];
    const logged = await app.gql(LOG, { id: webhookId });
    expect(logged.data!.webhookDeliveries.nodes.filter((d: { status: string }) => d.status === 'PENDING')).toHaveLength(3);
    expect(received.map((r) => r.id)).toEqual([`alert.raised:${alertId}`]);

    await redis.restart();
    await waitFor(async () => expected.every((id) => received.some((r) => r.id === id)), {
      timeoutMs: 60_000,
      what: 'every committed event delivered',
    });
    const log = await waitFor(
      async () => {
        const nodes = (await app.gql(LOG, { id: webhookId })).data?.webhookDeliveries.nodes as
          { eventId: string; status: string; attempts: number }[] | undefined;
        return nodes && nodes.length === expected.length && nodes.every((d) => d.status === 'DELIVERED') ? nodes : null;
      },
      { timeoutMs: 30_000, what: 'every delivery logged DELIVERED' },
    );
    expect(log.map((d) => d.eventId).sort()).toEqual([...expected].sort());
    expect(log.every((d) => d.attempts === 1)).toBe(true);
    // Exactly once: no event id twice (a drained delivery is not also sent by a stale job).
    expect(received.map((r) => r.id).sort()).toEqual([...expected].sort());
  }, 180_000);
});

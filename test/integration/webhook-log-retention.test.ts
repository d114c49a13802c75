/**
 * The webhook delivery log is pruned: finished deliveries older than the retention go, with the
 * events nothing else needs; unfinished deliveries and their events stay whatever their age.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../models/database.js';
import { createLogger } from '../../src/logger.js';
import { SecretBox } from '../../src/services/webhooks/secret-box.js';
import { TargetPolicy } from '../../src/services/webhooks/target-policy.js';
import { WebhookDeliveryService } from '../../src/services/webhooks/webhook-delivery.service.js';
import { testMongoUri } from '../helpers/services.js';

const DAY = 86_400_000;
const NOW = new Date('2026-12-02T12:00:00.000Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

describe('webhook delivery log retention', () => {
  let db: Database;

  beforeAll(async () => {
    db = await connectDatabase({ uri: testMongoUri('webhook-log-retention') });
    await db.syncIndexes();
  });

  afterAll(async () => {
    await db?.connection.dropDatabase().catch(() => undefined);
    await db?.close();
  });

  function service(logRetentionDays: number) {
    return new WebhookDeliveryService({
      webhooks: db.webhooks,
      policy: { timeoutMs: 1000, backoffMs: 100, disableAfterFailures: 5, disableAfterSeconds: 60, logRetentionDays },
      secrets: new SecretBox(undefined),
      targets: new TargetPolicy(),
      log: createLogger('silent'),
      now: () => NOW,
    });
  }

  it('forgets finished entries past the retention and keeps everything still in flight', async () => {
    const rows = [
      { id: 'old-delivered', status: 'DELIVERED', touched: ago(40), created: ago(40) },
      { id: 'old-failed', status: 'FAILED', touched: ago(31), created: ago(32) },
      { id: 'old-cancelled', status: 'CANCELLED', touched: ago(35), created: ago(35) },
      { id: 'recent-delivered', status: 'DELIVERED', touched: ago(5), created: ago(5) },
      // Created long ago but still retrying (an endpoint re-enabled after an outage): kept, with its event.
      { id: 'old-retrying', status: 'RETRYING', touched: ago(40), created: ago(40) },
    ];
    const raw = db.connection.db!;
    await raw.collection('webhook_events').insertMany(
      rows.map((r) => ({
        _id: `evt-${r.id}` as never,
        type: 'alert.raised',
        occurredAt: r.created,
        data: {},
        attributes: [],
        createdAt: r.created,
      })),
    );
    await raw.collection('webhook_deliveries').insertMany(
      rows.map((r) => ({
        _id: `wh-1:evt-${r.id}` as never,
        webhookId: 'wh-1',
        eventId: `evt-${r.id}`,
        eventType: 'alert.raised',
        status: r.status,
        attempts: 1,
        createdAt: r.created,
        updatedAt: r.touched,
      })),
    );

    expect(await service(0).pruneLog()).toEqual({ deliveries: 0, events: 0 });
    expect(await service(30).pruneLog()).toEqual({ deliveries: 3, events: 3 });

    const left = await raw.collection('webhook_deliveries').find({}).sort({ _id: 1 }).toArray();
    expect(left.map((d) => d._id)).toEqual(['wh-1:evt-old-retrying', 'wh-1:evt-recent-delivered']);
    const events = await raw.collection('webhook_events').find({}).sort({ _id: 1 }).toArray();
    expect(events.map((e) => e._id)).toEqual(['evt-old-retrying', 'evt-recent-delivered']);
    // A second round finds nothing more.
    expect(await service(30).pruneLog()).toEqual({ deliveries: 0, events: 0 });
  });
});

/**
 * Batched analysis (docs/pipeline.md, "Batches"), through GraphQL import → BullMQ → worker →
 * FerretDB: jobs that run at once are coalesced, so a batch costs a few database commands
 * instead of about 14 per response (counted with the driver's command monitoring); and a batch
 * whose rollup write fails for some of its responses leaves each response analysed once,
 * its effects completed once after the repair, nothing counted twice.
 */
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOfTs } from '../../src/services/insights/rollups/entry.js';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.js';
import { testMongoUri } from '../helpers/services.js';

const NAME = 'analysis-batches';
const FAULT_NAME = 'analysis-batches-fault';
const IMPORT = `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted errors { message } } }`;
const PROGRESS = `query($requestId: String) { importProgress(requestId: $requestId) { total pending done failed effectsPending complete } }`;
const BREAKDOWN = `query($filter: ResponseFilter) { themeBreakdown(filter: $filter, examples: 0) { theme { key } mentions } }`;
const NPS = `query($filter: ResponseFilter) { nps(filter: $filter) { responses } }`;
const COMMENTS = [
  'Billing sent the wrong invoice again and support never called back',
  'Onboarding was quick and the team was helpful',
  'The app crashes whenever I upload a file',
  'Far too expensive for what we get',
  'Reports load slowly and the dashboard times out',
];

function rows(prefix: string, n: number, respondedAt: (i: number) => Date) {
  return Array.from({ length: n }, (_, i) => ({
    externalId: `${prefix}-${i}`,
    score: (i * 7) % 11,
    comment: COMMENTS[i % COMMENTS.length],
    respondedAt: respondedAt(i).toISOString(),
    customer: { externalId: `${prefix}-customer-${i % 10}` },
  }));
}

/** The GraphQL and database reads both tests use, for the app and client of their describe block. */
function helpers(appOf: () => TestApp, clientOf: () => mongoose.mongo.MongoClient) {
  const progress = async (requestId: string) => {
    const res = await appOf().gql(PROGRESS, { requestId });
    expect(res.errors).toBeUndefined();
    return res.data!.importProgress as { total: number; pending: number; done: number; failed: number; effectsPending: number };
  };
  const importRows = async (input: unknown[], requestId: string) => {
    const res = await appOf().gql(IMPORT, { input }, { 'x-request-id': requestId });
    expect(res.errors).toBeUndefined();
    expect(res.data!.importResponses).toMatchObject({ accepted: input.length, errors: [] });
  };
  /** Mentions per theme, from the stored analyses of the responses answered in [from, to). */
  const storedMentions = async (from: Date, to: Date) => {
    const counts = new Map<string, number>();
    const docs = await clientOf()
      .db()
      .collection('responses')
      .find({ respondedAt: { $gte: from, $lt: to } }, { projection: { themeKeys: 1 } })
      .toArray();
    for (const doc of docs) for (const key of new Set(doc.themeKeys as string[])) counts.set(key, (counts.get(key) ?? 0) + 1);
    return counts;
  };
  const breakdown = async (from: Date, to: Date) => {
    const res = await appOf().gql(BREAKDOWN, { filter: { from: from.toISOString(), to: to.toISOString() } });
    expect(res.errors).toBeUndefined();
    return new Map((res.data!.themeBreakdown as { theme: { key: string }; mentions: number }[]).map((r) => [r.theme.key, r.mentions]));
  };

  return { progress, importRows, storedMentions, breakdown };
}

describe('batched analysis', () => {
  let app: TestApp;
  let client: mongoose.mongo.MongoClient;
  const commands = new Map<string, number>();
  let counting = false;

  beforeAll(async () => {
    app = await startTestApp(NAME, {
      env: {
        // The driver reports every command the app starts; the test counts them.
        MONGODB_URI: `${testMongoUri(NAME)}${testMongoUri(NAME).includes('?') ? '&' : '?'}monitorCommands=true`,
      },
    });
    const clients = mongoose.connections.filter((c) => c.readyState === mongoose.ConnectionStates.connected).map((c) => c.getClient());
    expect(clients.length).toBeGreaterThan(0);
    for (const appClient of clients)
      appClient.on('commandStarted', (event: { commandName: string; command: Record<string, unknown> }) => {
        if (!counting) return;
        const target = event.command[event.commandName];
        const key = `${event.commandName} ${typeof target === 'string' ? target : ''}`;
        commands.set(key, (commands.get(key) ?? 0) + 1);
      });
    client = await new mongoose.mongo.MongoClient(testMongoUri(NAME)).connect();
  });

  afterAll(async () => {
    await client?.close();
    await app?.stop();
  });

  const { progress, importRows } = helpers(
    () => app,
    () => client,
  );

  it('analyses 300 imported responses with far fewer database commands than one job at a time (about 14 each)', async () => {
    const n = 300;
    const start = Date.UTC(2017, 2, 1);
    const input = rows('batch-count', n, (i) => new Date(start + (i % 20) * 86_400_000 + i * 1000));
    counting = true;
    await importRows(input, 'batch-count');
    await waitFor(async () => ((await progress('batch-count')).done === n ? true : null), {
      timeoutMs: 120_000,
      intervalMs: 2_000,
      what: 'every imported response analysed',
    });
    await waitFor(async () => ((await progress('batch-count')).effectsPending === 0 ? true : null), {
      timeoutMs: 30_000,
      intervalMs: 1_000,
      what: 'every effect completed',
    });
    counting = false;
    const total = [...commands.values()].reduce((a, b) => a + b, 0);
    // Import, analysis, effects and the progress polls together: at most 2 per response (one job at a time: about 14).
    expect(total / n, JSON.stringify(Object.fromEntries(commands))).toBeLessThanOrEqual(2);
    // One `_id: {$in}` read per batch, not one read per response.
    expect(commands.get('find responses') ?? 0).toBeLessThan(n / 5);
    expect((await progress('batch-count')).failed).toBe(0);
  }, 180_000);
});

describe('a batch that fails part-way', () => {
  let app: TestApp;
  let client: mongoose.mongo.MongoClient;

  beforeAll(async () => {
    // A fast reconciler: it completes the effects that failed once the storage is repaired.
    app = await startTestApp(FAULT_NAME, { env: { VERBATIM_RECONCILE_EVERY_SECONDS: '5', VERBATIM_RECONCILE_AFTER_SECONDS: '1' } });
    client = await new mongoose.mongo.MongoClient(testMongoUri(FAULT_NAME)).connect();
  });

  afterAll(async () => {
    await client?.close();
    await app?.stop();
  });

  const { progress, importRows, storedMentions, breakdown } = helpers(
    () => app,
    () => client,
  );

  it('a batch whose rollup write fails for some responses counts every response once after the repair', async () => {
    // 40 responses on a good day and 20 on a day whose month's rollup examples are malformed:
    // the batch's rollups write fails, the good responses' effects complete alone, the others'
    // fail until the repair, then the reconciler completes them.
    const good = new Date(Date.UTC(2016, 4, 10, 12));
    const bad = new Date(Date.UTC(2016, 6, 10, 12));
    const badDay = dayOfTs(bad.getTime());
    const examples = client.db().collection('rollup_examples');
    await examples.insertOne({ _id: badDay.slice(0, 7), ex: 'not json', rev: 1 } as never);
    const input = [
      ...rows('batch-good', 40, (i) => new Date(good.getTime() + i * 1000)),
      ...rows('batch-bad', 20, (i) => new Date(bad.getTime() + i * 1000)),
    ].sort((a, b) => a.externalId.localeCompare(b.externalId)); // interleaved in the queue
    await importRows(input, 'batch-fault');

    const goodRange = [new Date(Date.UTC(2016, 4, 1)), new Date(Date.UTC(2016, 5, 1))] as const;
    const badRange = [new Date(Date.UTC(2016, 6, 1)), new Date(Date.UTC(2016, 7, 1))] as const;
    // Every analysis is stored; only the bad day's effects stay pending.
    await waitFor(
      async () => {
        const p = await progress('batch-fault');
        return p.done === 60 && p.effectsPending === 20 ? p : null;
      },
      { timeoutMs: 90_000, intervalMs: 1_000, what: 'the good responses completed, the bad ones pending' },
    );
    const goodMentions = await storedMentions(...goodRange);
    expect(goodMentions.size).toBeGreaterThan(1);
    expect(await breakdown(...goodRange)).toEqual(goodMentions);

    // The repair (what the rollup sweeper does after an interrupted write); the reconciler completes the rest.
    await examples.deleteOne({ _id: badDay.slice(0, 7) } as never);
    await client
      .db()
      .collection('rollup_clocks')
      .updateOne({ _id: badDay.slice(0, 7) } as never, { $inc: { [`d.${badDay}`]: 1 } }, { upsert: true });
    await waitFor(async () => ((await progress('batch-fault')).effectsPending === 0 ? true : null), {
      timeoutMs: 90_000,
      intervalMs: 1_000,
      what: 'the bad day repaired by the reconciler',
    });
    const badMentions = await storedMentions(...badRange);
    await waitFor(
      async () => (JSON.stringify([...(await breakdown(...badRange))].sort()) === JSON.stringify([...badMentions].sort()) ? true : null),
      {
        timeoutMs: 15_000,
        what: 'the bad day counted once',
      },
    );
    expect(await breakdown(...goodRange)).toEqual(goodMentions);
    for (const [from, to, n] of [
      [...goodRange, 40],
      [...badRange, 20],
    ] as const) {
      const nps = await app.gql(NPS, { filter: { from: from.toISOString(), to: to.toISOString() } });
      expect(nps.data!.nps.responses).toBe(n);
    }
    expect(await progress('batch-fault')).toMatchObject({ total: 60, done: 60, failed: 0, effectsPending: 0 });
  }, 240_000);
});

/**
 * `alerts` and `atRiskCustomers` page in the database: over GraphQL, paging with first/after walks
 * every row once in a stable order (ties broken by id), for an admin and for a scoped manager, and
 * the driver's command monitoring shows the database sending the API one page (plus one row), not
 * every matching document. Alerts, customers and their responses are seeded straight into the
 * database: the point is the reads, and analysing a few hundred responses first would only be slow.
 */
import mongoose, { Types, type Connection } from 'mongoose';
import type { mongo } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../models/database.js';
import { startTestApp, type GqlClient, type TestApp } from '../helpers/app.js';
import { testMongoUri } from '../helpers/services.js';
import { alertDoc } from '../helpers/alerts.js';
import type { NewAlert } from '../../models/alert/alert.entity.js';

const NAME = 'bounded-reads';
const COUNT = 120;
const NOW = Date.now();
const HOUR = 3_600_000;
const NEVADA = [{ key: 'region', value: 'Nevada' }];
const LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

interface Seed {
  alertId: string;
  customer: string;
  region: string;
  owner: string;
  riskScore: number;
  dueAt: number;
  raisedAt: number;
  status: string;
  level: string;
}

// Few distinct scores and times, so most rows tie on the leading sort fields and the id decides.
const seeds: Seed[] = Array.from({ length: COUNT }, (_, i) => ({
  alertId: `${new Types.ObjectId().toHexString()}:default`,
  customer: `cust-${String((i * 37) % COUNT).padStart(3, '0')}`,
  region: i % 3 === 0 ? 'Texas' : 'Nevada',
  owner: `owner-${i % 4}`,
  riskScore: 40 + (i % 5) * 10,
  dueAt: NOW + ((i % 4) - 1) * HOUR,
  raisedAt: NOW - (i % 6) * HOUR,
  status: ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'][i % 3],
  level: LEVELS[i % 4],
}));

let app: TestApp;
let db: Database;
let manager: GqlClient;
let appConnection: Connection;

async function data(client: GqlClient, query: string, variables: Record<string, unknown> = {}) {
  const res = await client(query, variables);
  expect(res.errors, query).toBeUndefined();
  return res.data!;
}

/** Every page of a connection, `size` at a time: the ids in the order served. */
async function walk(
  client: GqlClient,
  query: string,
  field: string,
  variables: Record<string, unknown>,
  id: (node: any) => string,
  size = 7,
): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const page: { edges: { node: any }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } = (
      await data(client, query, { ...variables, first: size, after })
    )[field];
    ids.push(...page.edges.map((e: any) => id(e.node)));
    expect(page.edges.length).toBeLessThanOrEqual(size);
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
  throw new Error('more than 100 pages');
}

/** Documents the database returned to the app per collection while `run` ran (find and getMore replies). */
async function documentsReturned(run: () => Promise<unknown>): Promise<Record<string, number>> {
  const client = appConnection.getClient();
  const collectionOf = new Map<number, string>();
  const returned: Record<string, number> = {};
  const started = (e: mongo.CommandStartedEvent) => {
    if (e.commandName === 'find') collectionOf.set(e.requestId, String(e.command.find));
    if (e.commandName === 'getMore') collectionOf.set(e.requestId, String(e.command.collection));
  };
  const succeeded = (e: mongo.CommandSucceededEvent) => {
    const collection = collectionOf.get(e.requestId);
    const cursor = (e.reply as { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } }).cursor;
    if (collection && cursor) returned[collection] = (returned[collection] ?? 0) + (cursor.firstBatch ?? cursor.nextBatch ?? []).length;
  };
  client.on('commandStarted', started);
  client.on('commandSucceeded', succeeded);
  try {
    await run();
  } finally {
    client.off('commandStarted', started);
    client.off('commandSucceeded', succeeded);
  }
  return returned;
}

function seedDocuments() {
  const tags = (s: Seed) => [`region=${s.region}`, `account_manager=${s.owner}`];
  const attributes = (s: Seed) => [
    { key: 'region', value: s.region },
    { key: 'account_manager', value: s.owner },
  ];
  const responses = seeds.map((s) => ({
    _id: new Types.ObjectId(s.alertId.split(':')[0]),
    externalId: `r-${s.alertId}`,
    score: 3,
    category: 'DETRACTOR',
    comment: `verbatim of ${s.customer}`,
    respondedAt: new Date(s.raisedAt - HOUR),
    customerExternalId: s.customer,
    attributes: attributes(s),
    attributeTags: tags(s),
    analysisStatus: 'DONE',
    analysis: null,
  }));
  const alerts = seeds.map((s, i) =>
    alertDoc({
      _id: s.alertId,
      responseId: responses[i]._id,
      customerExternalId: s.customer,
      attributes: attributes(s),
      attributeTags: tags(s),
      respondedAt: new Date(s.raisedAt - HOUR),
      assignee: s.owner,
      status: s.status as NewAlert['status'],
      riskScore: s.riskScore,
      reasons: ['seeded'],
      slaHours: 48,
      raisedAt: new Date(s.raisedAt),
      dueAt: new Date(s.dueAt),
    }),
  );
  const customers = seeds.map((s, i) => ({
    _id: s.customer,
    externalId: s.customer,
    name: null,
    email: null,
    accountValue: null,
    attributes: attributes(s),
    responseCount: 1,
    scoreHistory: [{ responseId: responses[i]._id, score: 3, respondedAt: responses[i].respondedAt }],
    latestScore: 3,
    latestRespondedAt: responses[i].respondedAt,
    latestResponseId: responses[i]._id,
    latestSentiment: null,
    churnRisk: { score: s.riskScore, level: s.level, reasons: ['seeded'], responseId: responses[i]._id, computedAt: new Date(NOW) },
  }));
  return { responses, alerts, customers };
}

beforeAll(async () => {
  const uri = testMongoUri(NAME);
  // Command monitoring on the app's own client, to count what the database sends back.
  app = await startTestApp(NAME, { roles: ['api'], env: { MONGODB_URI: `${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true` } });
  const monitored = mongoose.connections.filter(
    (c) => c.readyState === mongoose.ConnectionStates.connected && c.getClient().options.monitorCommands,
  );
  expect(monitored).toHaveLength(1);
  appConnection = monitored[0];
  db = await connectDatabase({ uri });
  const { responses, alerts, customers } = seedDocuments();
  await db.connection.collection('responses').insertMany(responses);
  await db.connection.collection<{ _id: string }>('alerts').insertMany(alerts);
  await db.connection.collection<{ _id: string }>('customers').insertMany(customers);
  const created = await data(app.gql, `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
    input: { name: 'nevada manager', role: 'MANAGER', scope: NEVADA },
  });
  manager = app.as(created.createApiKey.key);
}, 120_000);

afterAll(async () => {
  await db?.connection.dropDatabase().catch(() => undefined);
  await db?.close();
  await app?.stop();
});

const ALERTS = `query($filter: AlertFilter, $orderBy: AlertOrder, $first: Int, $after: String) {
  alerts(filter: $filter, orderBy: $orderBy, first: $first, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
const AT_RISK = `query($filter: AtRiskCustomerFilter, $first: Int, $after: String) {
  atRiskCustomers(filter: $filter, first: $first, after: $after) { edges { cursor node { customer { externalId } risk { score } owner } } pageInfo { hasNextPage endCursor } } }`;

const byKey =
  (...keys: ((s: Seed) => number | string)[]) =>
  (a: Seed, b: Seed) => {
    for (const key of keys) {
      const x = key(a);
      const y = key(b);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };

const ALERT_ORDERS: Record<string, (a: Seed, b: Seed) => number> = {
  RISK: byKey(
    (s) => -s.riskScore,
    (s) => s.dueAt,
    (s) => s.alertId,
  ),
  DUE: byKey(
    (s) => s.dueAt,
    (s) => -s.riskScore,
    (s) => s.alertId,
  ),
  NEWEST: byKey(
    (s) => -s.raisedAt,
    (s) => s.alertId,
  ),
};

describe('alerts page in the database', () => {
  it('walks every alert once, in a stable order, for each orderBy', async () => {
    for (const [order, compare] of Object.entries(ALERT_ORDERS)) {
      const expected = [...seeds].sort(compare).map((s) => s.alertId);
      expect(await walk(app.gql, ALERTS, 'alerts', { orderBy: order }, (n) => n.id), order).toEqual(expected);
    }
    const first = (await data(app.gql, ALERTS, { first: 5 })).alerts;
    expect(first.totalCount).toBe(COUNT);
    expect(first.pageInfo.endCursor).toBe(first.edges.at(-1).cursor);
  });

  it('pages a filtered inbox and a scoped manager’s alerts (Nevada only), with totals of the whole list', async () => {
    const inbox = { assignee: 'owner-1', statuses: ['OPEN', 'ACKNOWLEDGED'] };
    const expectedInbox = seeds.filter((s) => s.owner === 'owner-1' && s.status !== 'RESOLVED').sort(ALERT_ORDERS.DUE);
    expect(await walk(app.gql, ALERTS, 'alerts', { filter: inbox, orderBy: 'DUE' }, (n) => n.id, 3)).toEqual(
      expectedInbox.map((s) => s.alertId),
    );

    const nevada = seeds
      .filter((s) => s.region === 'Nevada')
      .sort(ALERT_ORDERS.RISK)
      .map((s) => s.alertId);
    expect(await walk(manager, ALERTS, 'alerts', {}, (n) => n.id)).toEqual(nevada);
    expect((await data(manager, ALERTS, { first: 1 })).alerts.totalCount).toBe(nevada.length);
    // A filter cannot widen the scope.
    expect((await data(manager, ALERTS, { filter: { attributes: [{ key: 'region', value: 'Texas' }] } })).alerts.totalCount).toBe(0);
  });

  it('refuses bad paging arguments, naming the argument', async () => {
    const tooBig = await app.gql(ALERTS, { first: 100_000 });
    expect(tooBig.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(tooBig.errors)).toContain('first');
    const forged = await app.gql(ALERTS, { after: Buffer.from('["x"]').toString('base64url') });
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(forged.errors)).toContain('after');
    // A cursor of another order is refused rather than misread.
    const risk = (await data(app.gql, ALERTS, { first: 1, orderBy: 'NEWEST' })).alerts.pageInfo.endCursor;
    expect((await app.gql(ALERTS, { first: 1, orderBy: 'RISK', after: risk })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('reads one page (and one row more) from the database, not every alert', async () => {
    const returned = await documentsReturned(() => data(app.gql, ALERTS, { first: 5 }));
    expect(returned.alerts).toBe(6);
  });
});

describe('atRiskCustomers page in the database', () => {
  const atRisk = seeds
    .filter((s) => s.level !== 'LOW')
    .sort(
      byKey(
        (s) => -s.riskScore,
        (s) => s.customer,
      ),
    );

  it('walks every at-risk customer once, highest risk first, ties by id', async () => {
    const rows = await walk(app.gql, AT_RISK, 'atRiskCustomers', {}, (n) => `${n.customer.externalId}/${n.risk.score}`);
    expect(rows).toEqual(atRisk.map((s) => `${s.customer}/${s.riskScore}`));
    const high = await walk(app.gql, AT_RISK, 'atRiskCustomers', { filter: { minLevel: 'HIGH' } }, (n) => n.customer.externalId, 4);
    expect(high).toEqual(atRisk.filter((s) => s.level === 'HIGH' || s.level === 'CRITICAL').map((s) => s.customer));
  });

  it('pages a scoped manager’s customers and an owner’s customers', async () => {
    const nevada = await walk(manager, AT_RISK, 'atRiskCustomers', {}, (n) => n.customer.externalId, 5);
    expect(nevada).toEqual(atRisk.filter((s) => s.region === 'Nevada').map((s) => s.customer));
    // The owner is the open follow-up's assignee (here always the account manager too).
    const owned = await walk(app.gql, AT_RISK, 'atRiskCustomers', { filter: { owner: 'owner-2' } }, (n) => n.customer.externalId, 3);
    expect(owned).toEqual(atRisk.filter((s) => s.owner === 'owner-2').map((s) => s.customer));
  });

  it('reads one page (and one row more) of customers from the database, not every at-risk customer', async () => {
    const returned = await documentsReturned(() => data(app.gql, AT_RISK, { first: 5 }));
    expect(returned.customers).toBe(6);
    // Open follow-ups are read for the page's customers only.
    expect(returned.alerts ?? 0).toBeLessThanOrEqual(6);
  });
});

/**
 * The abuse found by probing the running service (issue 12, items 8–10), replayed over real HTTP
 * and graphql-ws against FerretDB and Redis: cost that ignores what a field does, alias floods,
 * unbounded npsTrend points, one key's expensive operations in parallel; a WebSocket that skipped
 * the size, validation, rate, subscription and connection limits; rate budgets keyed on any
 * bearer token and picked from the first operation of a document.
 */
import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitFor, wsClient, TEST_ADMIN_KEY, type TestApp } from '../helpers/app.js';

const IMPORT = `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted errors { index message } } }`;
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`;
const DAY_MS = 86_400_000;

interface WsResult {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

/** Runs one operation over graphql-ws and resolves with its result or its errors. */
function wsRun(client: Client, query: string, variables: Record<string, unknown> = {}, operationName?: string): Promise<WsResult> {
  return new Promise((resolve) => {
    let result: WsResult = {};
    client.subscribe(
      { query, variables, ...(operationName ? { operationName } : {}) },
      {
        next: (value) => (result = value as WsResult),
        error: (err) =>
          resolve({
            errors: Array.isArray(err)
              ? err
              : [
                  {
                    message: String((err as { reason?: string })?.reason ?? err),
                    extensions: { closeCode: (err as { code?: number })?.code },
                  },
                ],
          }),
        complete: () => resolve(result),
      },
    );
  });
}

async function newKey(app: TestApp, role = 'ANALYST'): Promise<string> {
  const created = await app.gql(CREATE_KEY, { input: { name: `abuse ${role} ${randomBytes(3).toString('hex')}`, role } });
  expect(created.errors).toBeUndefined();
  return created.data!.createApiKey.key;
}

async function connect(app: TestApp, key = TEST_ADMIN_KEY): Promise<Client> {
  const c = wsClient(app, key);
  await c.connected;
  return c.client;
}

describe('items 8 and 9: cost, aliases, trend points, concurrency, over HTTP and WebSocket', () => {
  let app: TestApp;
  const clients: Client[] = [];

  beforeAll(async () => {
    // With a worker: trends count analysed answers.
    app = await startTestApp('abuse-guarded', {
      roles: ['api', 'worker'],
      env: {
        VERBATIM_MAX_CONCURRENT_EXPENSIVE: '1',
        VERBATIM_MAX_TREND_POINTS: '30',
        VERBATIM_MAX_BODY_BYTES: '100000',
        VERBATIM_WS_MAX_OPERATIONS: '3',
        VERBATIM_WS_MAX_CONNECTIONS_PER_KEY: '2',
        VERBATIM_INTROSPECTION: 'false',
      },
    });
    // 45 days of answers on three touchpoints, so trends have many periods and series.
    const now = Date.now();
    const rows = Array.from({ length: 180 }, (_, i) => ({
      externalId: `abuse-${i}`,
      score: i % 11,
      comment: `The ${['billing', 'support', 'onboarding'][i % 3]} was ${i % 2 ? 'slow and confusing' : 'great and quick'} ${i}`,
      touchpoint: ['web', 'support', 'renewal'][i % 3],
      respondedAt: new Date(now - (i % 45) * DAY_MS - 3_600_000).toISOString(),
    }));
    const imported = await app.gql(IMPORT, { input: rows });
    expect(imported.data!.importResponses.accepted).toBe(180);
    await waitFor(
      async () => (await app.gql(`{ responses(filter: { analysisStatus: PENDING }) { totalCount } }`)).data?.responses.totalCount === 0,
      {
        timeoutMs: 120_000,
        what: 'analysis of the imported answers',
      },
    );
  });

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await app?.stop();
  });

  it('refuses 400 aliased themeBreakdown fields (alias cap) and 12 aliased emergingThemes (their weight), naming the limit', async () => {
    const breakdowns = Array.from({ length: 400 }, (_, i) => `t${i}: themeBreakdown { theme { key } mentions }`).join(' ');
    const flood = await app.gql(`{ ${breakdowns} }`);
    expect(flood.status).toBe(400);
    expect(flood.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(flood.errors![0].message).toMatch(/more than the limit of 15 aliases/);

    const emerging = Array.from({ length: 12 }, (_, i) => `e${i}: emergingThemes { candidates { phrase } }`).join(' ');
    const costly = await app.gql(`{ ${emerging} }`);
    expect(costly.status).toBe(400);
    expect(costly.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', maxCost: 20_000 });
    expect(costly.errors![0].extensions!.cost).toBeGreaterThan(20_000);

    // A dashboard's worth of insight fields still runs.
    const dashboard = await app.gql(
      `{ nps { nps } themeBreakdown { theme { key } mentions } npsTrend(interval: MONTH) { series { points { nps } } } }`,
    );
    expect(dashboard.errors).toBeUndefined();
  });

  it('caps npsTrend points (periods × series) with an error naming interval or limit', async () => {
    const daily = await app.gql(`{ npsTrend(interval: DAY) { series { points { period } } } }`);
    expect(daily.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'interval' });
    expect(daily.errors![0].message).toMatch(/at most 30/);

    const from = new Date(Date.now() - 15 * DAY_MS).toISOString();
    const series = await app.gql(
      `query($from: DateTime) { npsTrend(interval: DAY, groupBy: { touchpoint: true }, filter: { from: $from }) { series { points { period } } } }`,
      { from },
    );
    expect(series.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'limit' });

    const weekly = await app.gql(`{ npsTrend(interval: WEEK, groupBy: { touchpoint: true }) { series { group points { period } } } }`);
    expect(weekly.errors).toBeUndefined();
    const points = weekly.data!.npsTrend.series.reduce((n: number, s: { points: unknown[] }) => n + s.points.length, 0);
    expect(points).toBeGreaterThan(0);
    expect(points).toBeLessThanOrEqual(30);
  });

  it('lets one key run at most VERBATIM_MAX_CONCURRENT_EXPENSIVE insight operations at once, and frees the slot after', async () => {
    const key = await newKey(app);
    const query = `{ emergingThemes(minCount: 2) { candidates { phrase } } themeBreakdown { theme { key } mentions } }`;
    const results = await Promise.all(Array.from({ length: 6 }, () => app.as(key)(query)));
    const codes = results.map((r) => r.errors?.[0]?.extensions?.code ?? 'ok');
    expect(codes).toContain('ok');
    expect(codes).toContain('TOO_MANY_CONCURRENT_OPERATIONS');
    const refused = results.find((r) => r.errors)!;
    expect(refused.status).toBe(429);
    // Another key is not held up by the first one's operations, and the first one's slot is free again.
    expect((await app.gql(query)).errors).toBeUndefined();
    expect((await app.as(key)(query)).errors).toBeUndefined();
  });

  it('applies the alias cap, cost and introspection switch to operations over graphql-ws', async () => {
    const ws = await connect(app);
    clients.push(ws);
    const aliases = Array.from({ length: 40 }, (_, i) => `n${i}: nps { nps }`).join(' ');
    const flood = await wsRun(ws, `{ ${aliases} }`);
    expect(flood.errors![0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(flood.errors![0].message).toMatch(/aliases/);

    const emerging = Array.from({ length: 12 }, (_, i) => `e${i}: emergingThemes { candidates { phrase } }`).join(' ');
    expect((await wsRun(ws, `{ ${emerging} }`)).errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY' });

    const introspection = await wsRun(ws, `{ __schema { queryType { name } } }`);
    expect(introspection.errors![0].message).toMatch(/introspection/i);
    expect(introspection.data?.__schema).toBeUndefined();

    const ok = await wsRun(ws, `{ nps { responses } }`);
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.nps.responses).toBe(180);
  });

  it('closes a WebSocket whose frame is larger than VERBATIM_MAX_BODY_BYTES, without running it', async () => {
    const socket = new WebSocket(app.wsUrl, 'graphql-transport-ws');
    const messages: string[] = [];
    socket.on('message', (m: Buffer) => messages.push(m.toString()));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${TEST_ADMIN_KEY}` } }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(
      JSON.stringify({ id: '1', type: 'subscribe', payload: { query: '{ nps { responses } }', variables: { pad: 'x'.repeat(150_000) } } }),
    );
    expect(await closed).toBe(1009);
    expect(messages.filter((m) => m.includes('"next"'))).toHaveLength(0);
  });

  it('refuses an upgrade whose Authorization header carries an unknown key before reading any frame', async () => {
    const socket = new WebSocket(app.wsUrl, 'graphql-transport-ws', { headers: { authorization: 'Bearer made-up-key-0123456789' } });
    const status = await new Promise<number>((resolve) => {
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('open', () => resolve(101));
      socket.once('error', () => undefined);
    });
    socket.terminate();
    expect(status).toBe(401);

    // A valid key in the header is enough: connection_init needs none then.
    const headerClient = createClient({
      url: app.wsUrl,
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
        }
      },
      retryAttempts: 0,
    });
    clients.push(headerClient);
    expect((await wsRun(headerClient, `{ nps { responses } }`)).data!.nps.responses).toBe(180);
  });

  it('bounds the operations open on one connection and the connections of one key', async () => {
    const key = await newKey(app, 'SUBSCRIBER');
    const ws = await connect(app, key);
    clients.push(ws);
    const errors: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      ws.subscribe(
        { query: `subscription { atRiskAlert { id } }` },
        { next: () => undefined, error: (e) => errors.push(e), complete: () => undefined },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(errors).toHaveLength(1);
    expect((errors[0] as { extensions?: { code?: string } }[])[0].extensions).toMatchObject({ code: 'TOO_MANY_OPERATIONS', max: 3 });

    // A second connection of the key is fine, a third is closed with 4429.
    const second = await connect(app, key);
    clients.push(second);
    const closeCode = await new Promise<number>((resolve) => {
      const third = createClient({
        url: app.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${key}` },
        lazy: false,
        retryAttempts: 0,
        on: { closed: (event) => resolve((event as { code: number }).code), connected: () => resolve(0) },
      });
      clients.push(third);
    });
    expect(closeCode).toBe(4429);
  });
});

describe('items 9 and 10: rate budgets keyed on verified keys, over HTTP and WebSocket, by the executed operation', () => {
  let rated: TestApp;
  let anon: TestApp;
  const clients: Client[] = [];

  beforeAll(async () => {
    rated = await startTestApp('abuse-rated', {
      roles: ['api'],
      env: { VERBATIM_RATE_LIMIT_PER_MINUTE: '6', VERBATIM_INGEST_RATE_LIMIT_PER_MINUTE: '100' },
    });
    anon = await startTestApp('abuse-anon', { roles: ['api'], env: { VERBATIM_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '3' } });
  });

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await rated?.stop();
    await anon?.stop();
  });

  it('charges WebSocket operations to the same per-key budget as HTTP', async () => {
    const key = await newKey(rated);
    const ws = await connect(rated, key);
    clients.push(ws);
    for (let i = 0; i < 5; i++) expect((await wsRun(ws, `{ nps { responses } }`)).errors, `ws query ${i}`).toBeUndefined();
    expect((await rated.as(key)(`{ nps { responses } }`)).status).toBe(200);
    const overWs = await wsRun(ws, `{ nps { responses } }`);
    expect(overWs.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(overWs.errors![0].extensions!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    const overHttp = await rated.as(key)(`{ nps { responses } }`);
    expect(overHttp.status).toBe(429);
    expect(overHttp.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('picks the budget from the operation that runs, not the first one in the document', async () => {
    const key = await newKey(rated, 'ADMIN');
    const client = rated.as(key);
    for (let i = 0; i < 6; i++) expect((await client(`{ nps { responses } }`)).status).not.toBe(429);
    expect((await client(`{ nps { responses } }`)).status).toBe(429);

    const mixed = `mutation Ingest { submitResponse(input: { score: 9 }) { id } } query Read { nps { responses } }`;
    const asRead = await fetch(rated.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: mixed, operationName: 'Read' }),
    });
    expect(asRead.status).toBe(429);
    const asIngest = await fetch(rated.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: mixed, operationName: 'Ingest' }),
    });
    expect(asIngest.status).toBe(200);
    // A mutation that also does something else is not an ingest operation.
    const alsoOther = await client(`mutation { submitResponse(input: { score: 9 }) { id } revokeApiKey(id: "nope") { id } }`);
    expect(alsoOther.status).toBe(429);
  });

  it('charges requests with a made-up or revoked bearer token to the per-IP anonymous budget', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await anon.as(`made-up-${randomBytes(12).toString('hex')}`)(`{ nps { responses } }`)).status);
    expect(statuses).toEqual([401, 401, 401]);
    const fourth = await anon.as(`made-up-${randomBytes(12).toString('hex')}`)(`{ nps { responses } }`);
    expect(fourth.status).toBe(429);
    expect(fourth.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await anon.anonymous(`{ nps { responses } }`)).status).toBe(429);
    // A valid key is not held back by its IP address's anonymous budget.
    expect((await anon.gql(`{ nps { responses } }`)).status).toBe(200);
  });
});

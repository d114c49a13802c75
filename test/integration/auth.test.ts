/**
 * Access control through HTTP and WebSocket: no key → UNAUTHENTICATED, each role allowed and
 * refused on representative operations, keys shown once and stored only as a hash, revocation,
 * last-used time, the idempotent VERBATIM_ADMIN_KEY bootstrap, and customer PII hidden from ANALYST.
 * The key cache is off (TTL 0) so revocation is immediate here; its TTL is documented in docs/security.md.
 */
import { createHash } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectDatabase, type Database } from '../../models/database.js';
import { startTestApp, TEST_ADMIN_KEY, waitFor, type GqlResult, type TestApp } from '../helpers/app.js';
import { testMongoUri } from '../helpers/services.js';

const NAME = 'auth';
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id name role prefix scope { key value } createdAt lastUsedAt revokedAt } } }`;
const LIST_KEYS = `{ apiKeys { id name role prefix lastUsedAt revokedAt } }`;
const REVOKE = `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`;
const SUBMIT = `mutation($input: ResponseInput!) { submitResponse(input: $input) { id score } }`;
/** What an INGEST key may read back (docs/security.md: id, externalId, analysisStatus). */
const INGEST_SUBMIT = `mutation($input: ResponseInput!) { submitResponse(input: $input) { id analysisStatus } }`;
const IMPORT = `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted duplicates } }`;
const RESPONSES = `{ responses(first: 5) { totalCount edges { node { id } } } }`;
const NPS = `{ nps { responses nps } }`;
const CUSTOMER = `query($id: String!) { customer(externalId: $id) { externalId name email responseCount } }`;
const CREATE_THEME = `mutation { createTheme(input: { key: "auth_probe", label: "Probe", keywords: ["probe"] }) { version } }`;
const SUBSCRIBE = `subscription { responseAnalyzed { id score } }`;

let app: TestApp;
let db: Database;
const keys: Record<'ANALYST' | 'INGEST' | 'SUBSCRIBER' | 'MANAGER', string> = { ANALYST: '', INGEST: '', SUBSCRIBER: '', MANAGER: '' };

const code = (res: GqlResult) => res.errors?.[0]?.extensions?.code;

async function createKey(role: string, scope?: { key: string; value: string }[]) {
  const res = await app.gql(CREATE_KEY, { input: { name: `${role.toLowerCase()} key`, role, scope } });
  expect(res.errors).toBeUndefined();
  return res.data!.createApiKey as { key: string; apiKey: { id: string; prefix: string; role: string } };
}

/** Connects over graphql-ws; resolves with the close event when the server refuses the connection. */
function connect(connectionParams: Record<string, unknown> | undefined) {
  let closed!: (e: { code: number; reason: string }) => void;
  let connected!: () => void;
  const closedP = new Promise<{ code: number; reason: string }>((r) => (closed = r));
  const connectedP = new Promise<void>((r) => (connected = r));
  const client = createClient({
    url: app.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams,
    lazy: false,
    retryAttempts: 0,
    // The refusal is what these tests wait for; the client would log it otherwise.
    onNonLazyError: () => undefined,
    on: { connected: () => connected(), closed: (e) => closed(e as { code: number; reason: string }) },
  });
  return { client, closed: closedP, connected: connectedP };
}

function collect(client: Client, query: string) {
  const data: unknown[] = [];
  const errors: { message: string; extensions?: Record<string, unknown> }[] = [];
  const stop = client.subscribe(
    { query },
    {
      next: (msg) => {
        if (msg.errors) errors.push(...(msg.errors as never[]));
        if (msg.data) data.push(msg.data);
      },
      error: (err) => errors.push(...(Array.isArray(err) ? err : [{ message: String(err) }])),
      complete: () => undefined,
    },
  );
  return { data, errors, stop };
}

beforeAll(async () => {
  app = await startTestApp(NAME, { roles: ['api', 'worker'], env: { VERBATIM_API_KEY_CACHE_SECONDS: '0' } });
  db = await connectDatabase({ uri: testMongoUri(NAME) });
  for (const role of ['ANALYST', 'INGEST', 'SUBSCRIBER'] as const) keys[role] = (await createKey(role)).key;
  keys.MANAGER = (await createKey('MANAGER', [{ key: 'region', value: 'Nevada' }])).key;
});

afterAll(async () => {
  await db?.close();
  await app?.stop();
});

describe('unauthenticated', () => {
  it('refuses HTTP requests without a valid key with UNAUTHENTICATED, and keeps the health endpoints open', async () => {
    for (const headers of [
      undefined,
      { authorization: 'Bearer vbt_not-a-key' },
      { authorization: `Basic ${TEST_ADMIN_KEY}` },
      { authorization: TEST_ADMIN_KEY },
    ]) {
      const res = headers ? await app.anonymous(NPS, {}, headers) : await app.anonymous(NPS);
      expect(res.status).toBe(401);
      expect(code(res)).toBe('UNAUTHENTICATED');
      expect(res.data ?? null).toBeNull();
    }
    // Mutations too: nothing is stored.
    const submit = await app.anonymous(SUBMIT, { input: { externalId: 'anon-1', score: 5 } });
    expect(code(submit)).toBe('UNAUTHENTICATED');
    expect((await app.gql(`{ responses(filter: { search: "anon" }) { totalCount } }`)).data!.responses.totalCount).toBe(0);

    const base = app.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect([200, 503]).toContain((await fetch(`${base}/readyz`)).status);
  });

  it('closes WebSocket connections without a valid key with 4401 UNAUTHENTICATED', async () => {
    for (const params of [undefined, { authorization: 'Bearer vbt_wrong' }, { Authorization: 'nope' }]) {
      const c = connect(params);
      const event = await c.closed;
      expect(event.code).toBe(4401);
      expect(event.reason).toMatch(/UNAUTHENTICATED/);
      await c.client.dispose();
    }
  });

  it('accepts the key in connectionParams as authorization or Authorization, with or without Bearer', async () => {
    for (const params of [{ authorization: `Bearer ${keys.SUBSCRIBER}` }, { Authorization: keys.SUBSCRIBER }]) {
      const c = connect(params);
      await c.connected;
      await c.client.dispose();
    }
  });
});

describe('keys', () => {
  it('returns the secret once and stores only its SHA-256 hash', async () => {
    const created = await createKey('ANALYST');
    expect(created.key).toMatch(/^vbt_[A-Za-z0-9_-]{43}$/);
    const hash = createHash('sha256').update(created.key).digest('hex');
    expect(created.apiKey.id).toBe(hash);
    expect(created.key.startsWith(created.apiKey.prefix)).toBe(true);
    expect(created.apiKey.prefix.length).toBeLessThan(12);

    const stored = await db.connection.db!.collection('api_keys').findOne({ _id: hash as never });
    expect(stored).toMatchObject({ _id: hash, role: 'ANALYST', revokedAt: null });
    expect(JSON.stringify(stored)).not.toContain(created.key);
    expect(JSON.stringify(stored)).not.toContain(created.key.slice(12));
    // No document anywhere in the collection holds a secret.
    const all = await db.connection.db!.collection('api_keys').find({}).toArray();
    for (const secret of [created.key, ...Object.values(keys), TEST_ADMIN_KEY]) expect(JSON.stringify(all)).not.toContain(secret);

    const listed = await app.gql(LIST_KEYS);
    expect(JSON.stringify(listed.data)).not.toContain(created.key);
    expect(listed.data!.apiKeys.map((k: { id: string }) => k.id)).toContain(hash);
  });

  it('records the last use, and bootstraps VERBATIM_ADMIN_KEY once however often the API starts', async () => {
    await app.as(keys.ANALYST)(NPS);
    const list = await waitFor(
      async () => {
        const res = await app.gql(LIST_KEYS);
        const analyst = res.data!.apiKeys.find((k: { id: string }) => k.id === createHash('sha256').update(keys.ANALYST).digest('hex'));
        return analyst?.lastUsedAt ? res.data!.apiKeys : null;
      },
      { what: 'lastUsedAt of the analyst key' },
    );
    expect(list.filter((k: { name: string }) => k.name === 'VERBATIM_ADMIN_KEY')).toHaveLength(1);

    const second = await startTestApp(NAME, { roles: ['api'] });
    try {
      const res = await second.gql(LIST_KEYS);
      expect(res.errors).toBeUndefined();
      expect(
        res.data!.apiKeys.filter((k: { name: string; role: string }) => k.name === 'VERBATIM_ADMIN_KEY' && k.role === 'ADMIN'),
      ).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it('rejects a MANAGER key without scope and a scope on keys that cannot take one', async () => {
    for (const input of [
      { name: 'm', role: 'MANAGER' },
      { name: 'i', role: 'INGEST', scope: [{ key: 'region', value: 'Nevada' }] },
      { name: 'm2', role: 'MANAGER', scope: [{ key: '$where', value: 'x' }] },
      {
        name: 'm3',
        role: 'MANAGER',
        scope: [
          { key: 'region', value: 'Nevada' },
          { key: 'region', value: 'Texas' },
        ],
      },
      { name: '', role: 'ANALYST' },
    ]) {
      const res = await app.gql(CREATE_KEY, { input });
      expect(code(res)).toBe('BAD_USER_INPUT');
    }
  });

  it('stops accepting a revoked key over HTTP and for new WebSocket connections', async () => {
    const created = await createKey('ANALYST');
    const client = app.as(created.key);
    expect((await client(NPS)).errors).toBeUndefined();
    const revoked = await app.gql(REVOKE, { id: created.apiKey.id });
    expect(revoked.data!.revokeApiKey.revokedAt).toBeTruthy();
    const after = await client(NPS);
    expect(after.status).toBe(401);
    expect(code(after)).toBe('UNAUTHENTICATED');
    const ws = connect({ authorization: `Bearer ${created.key}` });
    expect((await ws.closed).code).toBe(4401);
    await ws.client.dispose();

    expect(code(await app.gql(REVOKE, { id: 'f'.repeat(64) }))).toBe('NOT_FOUND');
    expect(code(await app.gql(REVOKE, { id: 'not-an-id' }))).toBe('BAD_USER_INPUT');
  });
});

describe('roles', () => {
  it('INGEST submits and imports but cannot read or manage', async () => {
    const ingest = app.as(keys.INGEST);
    const input = {
      externalId: 'ingest-1',
      score: 9,
      comment: 'Great',
      customer: { externalId: 'c-pii', name: 'Ada Lovelace', email: 'ada@example.com' },
    };
    // Reading the stored response back (score) is refused before anything is stored.
    expect((await ingest(SUBMIT, { input })).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'score' });
    const submitted = await ingest(INGEST_SUBMIT, { input });
    expect(submitted.errors).toBeUndefined();
    expect(submitted.data!.submitResponse.analysisStatus).toBe('PENDING');
    const imported = await ingest(IMPORT, { input: [{ externalId: 'ingest-2', score: 3 }] });
    expect(imported.data!.importResponses.accepted).toBe(1);

    for (const query of [
      RESPONSES,
      NPS,
      LIST_KEYS,
      `{ themes { key } }`,
      `{ themeBreakdown { mentions } }`,
      `{ importProgress { total } }`,
    ]) {
      const res = await ingest(query);
      expect(code(res), query).toBe('FORBIDDEN');
    }
    expect(code(await ingest(CREATE_KEY, { input: { name: 'x', role: 'ADMIN' } }))).toBe('FORBIDDEN');
    expect(code(await ingest(`query($id: ID!) { response(id: $id) { id } }`, { id: submitted.data!.submitResponse.id }))).toBe('FORBIDDEN');
  });

  it('ANALYST reads responses and insights but cannot write, manage keys or see customer PII', async () => {
    const analyst = app.as(keys.ANALYST);
    const responses = await analyst(RESPONSES);
    expect(responses.errors).toBeUndefined();
    expect(responses.data!.responses.totalCount).toBeGreaterThanOrEqual(2);
    expect((await analyst(NPS)).errors).toBeUndefined();
    expect((await analyst(`{ themeBreakdown { mentions } drivers { overall { responses } } themes { key } }`)).errors).toBeUndefined();

    for (const [query, variables] of [
      [CREATE_KEY, { input: { name: 'x', role: 'ANALYST' } }],
      [LIST_KEYS, {}],
      [REVOKE, { id: 'f'.repeat(64) }],
      [SUBMIT, { input: { externalId: 'analyst-1', score: 1 } }],
      [CREATE_THEME, {}],
    ] as const) {
      expect(code(await analyst(query, variables)), query).toBe('FORBIDDEN');
    }

    const asAnalyst = await analyst(CUSTOMER, { id: 'c-pii' });
    expect(asAnalyst.errors).toBeUndefined();
    expect(asAnalyst.data!.customer).toEqual({ externalId: 'c-pii', name: null, email: null, responseCount: 1 });
    const asAdmin = await app.gql(CUSTOMER, { id: 'c-pii' });
    expect(asAdmin.data!.customer).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
  });

  it('SUBSCRIBER subscribes over WebSocket but cannot read responses; INGEST cannot subscribe', async () => {
    const subscriber = app.as(keys.SUBSCRIBER);
    for (const query of [RESPONSES, NPS, `{ segments { overall { nps } } }`])
      expect(code(await subscriber(query)), query).toBe('FORBIDDEN');
    expect((await subscriber(`{ viewer { role } }`)).data!.viewer.role).toBe('SUBSCRIBER');

    const sub = connect({ authorization: `Bearer ${keys.SUBSCRIBER}` });
    await sub.connected;
    const events = collect(sub.client, SUBSCRIBE);
    const ing = connect({ authorization: `Bearer ${keys.INGEST}` });
    await ing.connected;
    const refused = collect(ing.client, SUBSCRIBE);
    await new Promise((r) => setTimeout(r, 500));

    const submitted = await app.as(keys.INGEST)(INGEST_SUBMIT, { input: { externalId: 'sub-event-1', score: 4, comment: 'Slow support' } });
    const id = submitted.data!.submitResponse.id;
    await waitFor(async () => events.data.some((d) => (d as { responseAnalyzed: { id: string } }).responseAnalyzed.id === id), {
      what: 'the analysed event on the SUBSCRIBER connection',
    });
    expect(events.errors).toEqual([]);
    await waitFor(async () => refused.errors.length > 0, { what: 'FORBIDDEN for the INGEST subscription' });
    expect(refused.errors[0].extensions?.code).toBe('FORBIDDEN');
    expect(refused.data).toEqual([]);
    events.stop();
    await sub.client.dispose();
    await ing.client.dispose();
  });

  it('MANAGER sees customer PII within its scope; only ADMIN creates themes', async () => {
    await app.gql(SUBMIT, {
      input: {
        externalId: 'nv-pii',
        score: 2,
        attributes: [{ key: 'region', value: 'Nevada' }],
        customer: { externalId: 'c-nv', name: 'Grace Hopper', email: 'grace@example.com' },
      },
    });
    const manager = app.as(keys.MANAGER);
    const res = await manager(CUSTOMER, { id: 'c-nv' });
    expect(res.data!.customer).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com' });
    expect((await manager(CUSTOMER, { id: 'c-pii' })).data!.customer).toBeNull();
    expect(code(await manager(CREATE_THEME))).toBe('FORBIDDEN');
    expect((await app.gql(CREATE_THEME)).errors).toBeUndefined();
  });
});

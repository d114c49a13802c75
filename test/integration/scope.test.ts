/**
 * A MANAGER key scoped to region = Nevada never sees a count, a verbatim, a customer or an event
 * outside Nevada: every query type answers for the scoped key exactly what an ADMIN query filtered
 * to Nevada answers, a filter asking for Texas yields nothing, and no Texas text ever appears.
 * Texas comments carry the marker word "armadillo" so any leak shows up in the raw JSON.
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN_KEY, waitFor, wsClient, type GqlClient, type TestApp } from '../helpers/app.js';

const NAME = 'scope';
const NEVADA = [{ key: 'region', value: 'Nevada' }];
const REQUEST_ID = 'scope-import-1';
const DAY = 86_400_000;

const QUERIES: Record<string, { query: string; variables?: Record<string, unknown> }> = {
  responses: {
    query: `query($filter: ResponseFilter) { responses(filter: $filter, first: 100) { totalCount edges { node { id comment score attributes { key value } customer { externalId } } } } }`,
  },
  nps: { query: `query($filter: ResponseFilter) { nps(filter: $filter) { nps responses promoters passives detractors marginOfError } }` },
  themeBreakdown: {
    query: `query($filter: ResponseFilter) { themeBreakdown(filter: $filter, examples: 5) {
      theme { key } mentions share nps impact npsWithout averageScore promoters passives detractors smallSample
      sentiment { positive neutral negative } examples { id comment }
      change { previousMentions mentions previousNps nps } } }`,
  },
  drivers: {
    query: `query($filter: ResponseFilter) { drivers(filter: $filter) { overall { nps responses } detraction { theme { key } impact } promotion { theme { key } impact } } }`,
  },
  npsTrend: {
    query: `query($filter: ResponseFilter) { npsTrend(filter: $filter, interval: WEEK) { series { group responses points { period nps responses promoters detractors } } } }`,
  },
  npsTrendByPlan: {
    query: `query($filter: ResponseFilter) { npsTrend(filter: $filter, interval: MONTH, groupBy: { attribute: "plan" }) { series { group responses points { period nps responses } } } }`,
  },
  npsTrendByTouchpoint: {
    query: `query($filter: ResponseFilter) { npsTrend(filter: $filter, interval: MONTH, groupBy: { touchpoint: true }) { series { group responses points { period nps responses } } } }`,
  },
  segmentsByRegion: {
    query: `query($filter: ResponseFilter) { segments(filter: $filter, attribute: "region") {
      overall { nps responses }
      byAttribute { segments { value nps responses share topThemes { theme { key } mentions } } happiest { value } leastSatisfied { value } }
      byTouchpoint { segments { value nps responses } } } }`,
  },
  segmentsByPlan: {
    query: `query($filter: ResponseFilter) { segments(filter: $filter, attribute: "plan") {
      overall { nps responses } byAttribute { segments { value nps responses topThemes { theme { key } mentions } } } } }`,
  },
  emergingThemes: {
    query: `query($filter: ResponseFilter) { emergingThemes(filter: $filter, minCount: 2) { sampled candidates { phrase count examples { id comment } } } }`,
  },
};

let app: TestApp;
let manager: GqlClient;
const ids: { nevada: string[]; texas: string[] } = { nevada: [], texas: [] };

function row(i: number, region: 'Nevada' | 'Texas') {
  const nv = region === 'Nevada';
  const comments = nv
    ? [
        'We were charged twice and the invoice is wrong, we will cancel and switch to a competitor',
        'Support was quick and friendly',
        'Please add dark mode to the dashboard',
        'The dark mode request is still open',
        'Great product, love it',
      ]
    : [
        'Armadillo team: the offline sync breaks every day',
        'Armadillo office says support never answers',
        'offline sync lost our armadillo data, we are cancelling and not renewing',
        'Billing for armadillo seats is confusing',
        'Fine',
      ];
  const scores = nv ? [2, 9, 6, 7, 10, 3] : [1, 0, 8, 9, 4, 10];
  return {
    externalId: `${region}-${i}`,
    score: scores[i % scores.length],
    comment: comments[i % comments.length],
    respondedAt: new Date(Date.now() - (i * 3 + (nv ? 0 : 1)) * DAY).toISOString(),
    touchpoint: i % 2 ? 'renewal' : 'support_closed',
    attributes: [
      { key: 'region', value: region },
      { key: 'plan', value: i % 3 ? 'pro' : 'basic' },
    ],
    // c-mixed answers in both regions (last in Nevada, today); c-tx only in Texas; c-nv only in Nevada.
    customer:
      i === 0
        ? { externalId: 'c-mixed', name: 'Mixed Person', email: 'mixed@example.com' }
        : i === 1 && !nv
          ? { externalId: 'c-tx', name: 'Tex', email: 'tex@example.com' }
          : i === 2 && nv
            ? { externalId: 'c-mixed', name: 'Mixed Person', email: 'mixed@example.com' }
            : i === 5 && nv
              ? { externalId: 'c-nv', name: 'Nev', email: 'nev@example.com' }
              : undefined,
  };
}

const withNevada = (filter: Record<string, unknown> = {}) => ({
  ...filter,
  attributes: [...((filter.attributes as unknown[]) ?? []), ...NEVADA],
});

async function data(client: GqlClient, query: string, variables: Record<string, unknown> = {}) {
  const res = await client(query, variables);
  expect(res.errors, query).toBeUndefined();
  return res.data!;
}

beforeAll(async () => {
  app = await startTestApp(NAME, { roles: ['api', 'worker'] });
  const rows = [...Array.from({ length: 10 }, (_, i) => row(i, 'Nevada')), ...Array.from({ length: 10 }, (_, i) => row(i, 'Texas'))];
  const imported = await app.gql(
    `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted errors { index message } } }`,
    { input: rows },
    { 'x-request-id': REQUEST_ID },
  );
  expect(imported.data!.importResponses).toEqual({ accepted: 20, errors: [] });
  await waitFor(
    async () =>
      (await data(app.gql, `query($r: String) { importProgress(requestId: $r) { complete done } }`, { r: REQUEST_ID })).importProgress
        .done === 20,
    {
      timeoutMs: 60_000,
      what: 'the import analysed',
    },
  );
  const all = await data(app.gql, QUERIES.responses.query, { filter: {} });
  for (const { node } of all.responses.edges)
    (node.attributes.some((a: { value: string }) => a.value === 'Nevada') ? ids.nevada : ids.texas).push(node.id);
  const created = await data(app.gql, `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
    input: { name: 'nevada manager', role: 'MANAGER', scope: NEVADA },
  });
  manager = app.as(created.createApiKey.key);
});

afterAll(async () => {
  await app?.stop();
});

describe('a MANAGER scoped to region = Nevada', () => {
  it('gets from every query exactly what an admin query filtered to Nevada gets', async () => {
    expect(ids.nevada).toHaveLength(10);
    expect(ids.texas).toHaveLength(10);
    for (const [name, { query }] of Object.entries(QUERIES)) {
      const scoped = await data(manager, query, {});
      const admin = await data(app.gql, query, { filter: withNevada() });
      expect(scoped, name).toEqual(admin);
      expect(JSON.stringify(scoped), name).not.toMatch(/armadillo|Texas|offline sync/i);
      // And the unscoped figures do differ, so the comparison means something.
      const everything = await data(app.gql, query, { filter: {} });
      if (name !== 'emergingThemes') expect(everything, name).not.toEqual(admin);
    }
    const scoped = await data(manager, QUERIES.responses.query);
    expect(scoped.responses.totalCount).toBe(10);
    expect(scoped.responses.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual([...ids.nevada].sort());
    // Hand-computed: Nevada scores 2 9 6 7 10 3 2 9 6 7 → 3 promoters, 2 passives, 5 detractors.
    expect((await data(manager, QUERIES.nps.query)).nps).toMatchObject({
      nps: -20,
      responses: 10,
      promoters: 3,
      passives: 2,
      detractors: 5,
    });
    expect((await data(manager, QUERIES.themeBreakdown.query)).themeBreakdown.length).toBeGreaterThan(0);
    expect((await data(manager, QUERIES.drivers.query)).drivers.overall.responses).toBe(10);
    const emerging = (await data(manager, QUERIES.emergingThemes.query)).emergingThemes;
    expect(emerging.sampled).toBe(10);
    const segments = await data(manager, QUERIES.segmentsByRegion.query);
    expect(segments.segments.byAttribute.segments.map((s: { value: string }) => s.value)).toEqual(['Nevada']);
  });

  it('combines its own filters with the scope', async () => {
    const filters = [
      { attributes: [{ key: 'plan', value: 'pro' }] },
      { categories: ['DETRACTOR'] },
      { touchpoints: ['renewal'], attributes: [{ key: 'region', value: 'Nevada' }] },
      { search: 'dark mode' },
    ];
    for (const filter of filters) {
      for (const [name, { query }] of Object.entries(QUERIES)) {
        if (name === 'emergingThemes' && filter.search) continue;
        expect(await data(manager, query, { filter }), `${name} ${JSON.stringify(filter)}`).toEqual(
          await data(app.gql, query, { filter: withNevada(filter) }),
        );
      }
    }
  });

  it('asking for Texas yields nothing, not an error', async () => {
    const texas = { attributes: [{ key: 'region', value: 'Texas' }] };
    const either = {
      attributes: [
        { key: 'region', value: 'Texas' },
        { key: 'region', value: 'Nevada' },
      ],
    };
    const res = await data(
      manager,
      `query($f: ResponseFilter) {
      responses(filter: $f) { totalCount edges { node { id } } }
      nps(filter: $f) { responses }
      themeBreakdown(filter: $f) { mentions }
      drivers(filter: $f) { overall { responses } detraction { impact } }
      segments(filter: $f, attribute: "region") { overall { responses } byAttribute { segments { value } } }
      emergingThemes(filter: $f, minCount: 1) { candidates { phrase } }
      npsTrend(filter: $f, interval: MONTH) { series { responses } }
    }`,
      { f: texas },
    );
    expect(res.responses).toEqual({ totalCount: 0, edges: [] });
    expect(res.nps.responses).toBe(0);
    expect(res.themeBreakdown).toEqual([]);
    expect(res.drivers.overall.responses).toBe(0);
    expect(res.segments.overall.responses).toBe(0);
    expect(res.segments.byAttribute.segments).toEqual([]);
    expect(res.emergingThemes.candidates).toEqual([]);
    expect(res.npsTrend.series.every((s: { responses: number }) => s.responses === 0)).toBe(true);
    // Texas-or-Nevada narrows to Nevada.
    expect((await data(manager, QUERIES.nps.query, { filter: either })).nps.responses).toBe(10);
  });

  it('sees single responses and customers only within Nevada', async () => {
    const one = `query($id: ID!) { response(id: $id) { id attributes { value } } }`;
    expect((await data(manager, one, { id: ids.texas[0] })).response).toBeNull();
    expect((await data(manager, one, { id: ids.nevada[0] })).response.id).toBe(ids.nevada[0]);

    const customer = `query($id: String!) { customer(externalId: $id) { externalId name email responseCount latestScore attributes { key value } scoreHistory { responseId score } } }`;
    expect((await data(manager, customer, { id: 'c-tx' })).customer).toBeNull();
    const adminView = (await data(app.gql, customer, { id: 'c-mixed' })).customer;
    expect(adminView.responseCount).toBe(3);
    const mixed = (await data(manager, customer, { id: 'c-mixed' })).customer;
    expect(mixed.responseCount).toBe(2);
    expect(mixed.scoreHistory.every((p: { responseId: string }) => ids.nevada.includes(p.responseId))).toBe(true);
    expect(mixed.scoreHistory).toHaveLength(2);
    expect(mixed.attributes).toContainEqual({ key: 'region', value: 'Nevada' });
    expect(mixed.email).toBe('mixed@example.com');
  });

  it('counts only Nevada in importProgress, and may not read figures that span every scope', async () => {
    const progress = await data(manager, `query($r: String) { importProgress(requestId: $r) { total done pending failed complete } }`, {
      r: REQUEST_ID,
    });
    expect(progress.importProgress).toEqual({ total: 10, done: 10, pending: 0, failed: 0, complete: true });
    const queue = await manager(`{ importProgress { queue { waiting } } }`);
    expect(queue.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const backfill = await manager(`{ taxonomyBackfill { version } }`);
    expect(backfill.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('sees, and acts on, only Nevada alerts and at-risk customers', async () => {
    const ALERTS = `query($filter: AlertFilter) { alerts(filter: $filter, first: 100) { totalCount edges { node { id assignee riskScore attributes { key value } customerExternalId response { id comment } } } } }`;
    const texasFilter = { attributes: [{ key: 'region', value: 'Texas' }] };
    await waitFor(
      async () =>
        (await data(app.gql, ALERTS, { filter: texasFilter })).alerts.totalCount > 0 &&
        (await data(app.gql, ALERTS, { filter: { attributes: NEVADA } })).alerts.totalCount > 0,
      {
        what: 'alerts in both regions',
      },
    );
    const scoped = await data(manager, ALERTS, {});
    expect(scoped).toEqual(await data(app.gql, ALERTS, { filter: { attributes: NEVADA } }));
    expect(scoped.alerts.totalCount).toBeGreaterThan(0);
    expect(JSON.stringify(scoped)).not.toMatch(/armadillo|Texas/i);
    expect((await data(manager, ALERTS, { filter: texasFilter })).alerts).toEqual({ totalCount: 0, edges: [] });

    const texasAlert = (await data(app.gql, ALERTS, { filter: texasFilter })).alerts.edges[0].node.id;
    expect((await data(manager, `query($id: ID!) { alert(id: $id) { id } }`, { id: texasAlert })).alert).toBeNull();
    const ack = `mutation($id: ID!) { acknowledgeAlert(id: $id, note: "on it") { id status } }`;
    const refused = await manager(ack, { id: texasAlert });
    expect(['NOT_FOUND', 'FORBIDDEN']).toContain(refused.errors?.[0]?.extensions?.code);
    expect((await data(manager, ack, { id: scoped.alerts.edges[0].node.id })).acknowledgeAlert.status).toBe('ACKNOWLEDGED');

    const AT_RISK = `query($filter: AtRiskCustomerFilter) { atRiskCustomers(filter: $filter, first: 100) { edges { node { customer { externalId responseCount scoreHistory { responseId } } risk { score } lastVerbatim } } } }`;
    // Customers' risk is recorded beside the alerts; wait until both regions have at-risk customers.
    await waitFor(async () => (await data(app.gql, AT_RISK, {})).atRiskCustomers.edges.length >= 3, { what: 'at-risk customers' });
    const atRisk = await data(manager, AT_RISK, {});
    // Customers are placed by the attributes of their latest response: c-mixed answered last (today)
    // in Nevada, c-tx only in Texas. Both Nevada customers are detractors, so both are at risk.
    expect(atRisk.atRiskCustomers.edges.map((e: any) => e.node.customer.externalId).sort()).toEqual(['c-mixed', 'c-nv']);
    expect(JSON.stringify(atRisk)).not.toMatch(/armadillo|Texas/i);
    for (const { node } of atRisk.atRiskCustomers.edges) {
      for (const p of node.customer.scoreHistory) expect(ids.nevada, node.customer.externalId).toContain(p.responseId);
    }
  });

  it('receives only Nevada events on the responseAnalyzed and atRiskAlert subscriptions', async () => {
    const created = await data(app.gql, `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
      input: { name: 'nv ws', role: 'MANAGER', scope: NEVADA },
    });
    const clients: Client[] = [];
    const listen = async (key: string, query = `subscription { responseAnalyzed { id comment } }`, field = 'responseAnalyzed') => {
      const { client, connected } = wsClient(app, key);
      clients.push(client);
      await connected;
      const received: { id: string; comment?: string; response?: { id: string } }[] = [];
      const errors: unknown[] = [];
      client.subscribe<Record<string, { id: string }>>(
        { query },
        {
          next: (m) => (m.errors ? errors.push(m.errors) : m.data && received.push(m.data[field])),
          error: (e) => errors.push(e),
          complete: () => undefined,
        },
      );
      return { received, errors };
    };
    const scoped = await listen(created.createApiKey.key);
    const admin = await listen(TEST_ADMIN_KEY);
    const ALERT_SUB = `subscription { atRiskAlert { id attributes { key value } response { id } } }`;
    const scopedAlerts = await listen(created.createApiKey.key, ALERT_SUB, 'atRiskAlert');
    const adminAlerts = await listen(TEST_ADMIN_KEY, ALERT_SUB, 'atRiskAlert');
    await new Promise((r) => setTimeout(r, 500));

    const submit = `mutation($input: ResponseInput!) { submitResponse(input: $input) { id } }`;
    const churn = 'We are cancelling and switching to a competitor, the armadillo service is terrible';
    const tx = (
      await data(app.gql, submit, {
        input: { externalId: 'ws-tx', score: 0, comment: churn, attributes: [{ key: 'region', value: 'Texas' }] },
      })
    ).submitResponse.id;
    const nv = (
      await data(app.gql, submit, {
        input: {
          externalId: 'ws-nv',
          score: 0,
          comment: 'We are cancelling and switching to a competitor',
          attributes: [{ key: 'region', value: 'Nevada' }],
        },
      })
    ).submitResponse.id;
    await waitFor(async () => [tx, nv].every((id) => admin.received.some((r) => r.id === id)), {
      what: 'both events on the admin subscription',
    });
    await waitFor(async () => scoped.received.some((r) => r.id === nv), { what: 'the Nevada event on the scoped subscription' });
    // The Texas event was published before the Nevada one reached the admin; give the scoped filter the same time.
    await new Promise((r) => setTimeout(r, 500));
    expect(scoped.received.map((r) => r.id)).toEqual([nv]);
    expect(scoped.errors).toEqual([]);
    await waitFor(async () => [tx, nv].every((id) => adminAlerts.received.some((a) => a.response?.id === id)), {
      what: 'both alerts on the admin subscription',
    });
    await waitFor(async () => scopedAlerts.received.some((a) => a.response?.id === nv), {
      what: 'the Nevada alert on the scoped subscription',
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(scopedAlerts.received.map((a) => a.response?.id)).toEqual([nv]);
    expect(JSON.stringify(scopedAlerts.received)).not.toMatch(/Texas|armadillo/i);
    expect(scopedAlerts.errors).toEqual([]);
    for (const c of clients) await c.dispose();
  });
});

/**
 * Data leaks found by probing the running service (issue 12, items 1–4), each checked through the
 * real API: an INGEST key reading stored responses back through `submitResponse`, `atRiskCustomers`
 * and risk reasons showing a Nevada manager what Texas customers answered, and raw verbatims copied
 * into the global taxonomy when an emerging-theme suggestion is accepted.
 * Texas comments carry the marker word "armadillo", Texas owners are `tex-…`: any leak shows up in the raw JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitFor, wsClient, type GqlClient, type TestApp } from '../helpers/app.js';

const NAME = 'leaks';
const DAY = 86_400_000;
const SUBMIT = `mutation($input: ResponseInput!) { submitResponse(input: $input) { id } }`;
const RESPONSE = `query($id: ID!) { response(id: $id) { id analysisStatus analysis { churnRisk { score level reasons } } } }`;
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`;
const AT_RISK = `{ atRiskCustomers(first: 100, filter: { minLevel: LOW }) { edges { node {
  customer { externalId responseCount latestScore attributes { key value } scoreHistory { responseId score } }
  risk { score level reasons } trend owner lastVerbatim
  openFollowUp { id assignee attributes { key value } reasons history { note } response { id } } } } } }`;
const ALERTS = `{ alerts(first: 100) { edges { node { id reasons customerExternalId attributes { key value } } } } }`;

let app: TestApp;
let ingest: GqlClient;
let manager: GqlClient;
const nevadaIds = new Set<string>();

const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();
const nevada = (owner = 'nv-owner') => [
  { key: 'region', value: 'Nevada' },
  { key: 'account_manager', value: owner },
];
const texas = (owner = 'tex-owner') => [
  { key: 'region', value: 'Texas' },
  { key: 'account_manager', value: owner },
];

async function submit(input: Record<string, unknown>): Promise<string> {
  const res = await app.gql(SUBMIT, { input });
  expect(res.errors).toBeUndefined();
  const id = res.data!.submitResponse.id as string;
  if ((input.attributes as { value: string }[] | undefined)?.some((a) => a.value === 'Nevada')) nevadaIds.add(id);
  return id;
}

/** Waits until the worker stored the response's churn risk (and so its alert, if any). */
async function analysed(id: string): Promise<{ score: number; reasons: string[] }> {
  return waitFor(
    async () => {
      const r = (await app.gql(RESPONSE, { id })).data?.response;
      return r?.analysisStatus === 'DONE' && r.analysis?.churnRisk ? r.analysis.churnRisk : null;
    },
    { timeoutMs: 180_000, what: `the risk of ${id}` },
  );
}

beforeAll(async () => {
  app = await startTestApp(NAME, { roles: ['api', 'worker'] });
  const key = async (input: Record<string, unknown>) => {
    const res = await app.gql(CREATE_KEY, { input });
    expect(res.errors).toBeUndefined();
    return res.data!.createApiKey.key as string;
  };
  ingest = app.as(await key({ name: 'survey tool', role: 'INGEST' }));
  manager = app.as(await key({ name: 'Nevada manager', role: 'MANAGER', scope: [{ key: 'region', value: 'Nevada' }] }));
});

afterAll(async () => {
  await app?.stop();
});

describe('1. an INGEST key reads back only an id and a status', () => {
  const SECRET = 'Armadillo secret: our CFO is unhappy with the renewal price';

  it('refuses every other field of submitResponse, over HTTP and WebSocket, before storing anything', async () => {
    const storedId = await submit({
      externalId: 'leak-ingest-1',
      score: 3,
      comment: SECRET,
      respondedAt: at(1),
      customer: { externalId: 'c-ingest', name: 'Private Person' },
      attributes: texas(),
    });
    const resubmit = { externalId: 'leak-ingest-1', score: 10, comment: 'guessing' };

    // What a probe would ask for: everything the stored response holds, directly and through fragments.
    for (const selection of [
      'id score comment customer { externalId } attributes { key value }',
      'id ... on Response { comment }',
      'id ...stored',
      'analysis { churnRisk { reasons } }',
    ]) {
      const fragment = selection.includes('...stored') ? ' fragment stored on Response { attributes { value } }' : '';
      const res = await ingest(`mutation($input: ResponseInput!) { submitResponse(input: $input) { ${selection} } }${fragment}`, {
        input: resubmit,
      });
      expect(res.errors?.[0]?.extensions, selection).toMatchObject({ code: 'FORBIDDEN' });
      expect(typeof res.errors![0].extensions!.field).toBe('string');
      expect(res.data?.submitResponse ?? null).toBeNull();
      expect(JSON.stringify(res)).not.toMatch(/armadillo|Private Person|c-ingest|tex-owner/i);
    }

    // The allowed answer: id, externalId and status.
    const ok = await ingest(
      `mutation($input: ResponseInput!) { submitResponse(input: $input) { id externalId analysisStatus __typename } }`,
      { input: resubmit },
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.submitResponse).toMatchObject({ id: storedId, externalId: 'leak-ingest-1', __typename: 'Response' });

    // The same rule over graphql-ws.
    const { client, connected } = wsClient(
      app,
      (await app.gql(CREATE_KEY, { input: { name: 'ws ingest', role: 'INGEST' } })).data!.createApiKey.key,
    );
    await connected;
    try {
      const viaWs = await new Promise<{ data?: unknown; errors?: { extensions?: Record<string, unknown> }[] }>((resolve) => {
        let result: { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] } = {};
        client.subscribe(
          { query: `mutation($input: ResponseInput!) { submitResponse(input: $input) { id comment } }`, variables: { input: resubmit } },
          {
            next: (msg) => (result = msg as typeof result),
            error: (err) => resolve({ errors: err as never }),
            complete: () => resolve(result),
          },
        );
      });
      expect(viaWs.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'comment' });
      expect(JSON.stringify(viaWs)).not.toMatch(/armadillo/i);
    } finally {
      await client.dispose();
    }

    // A refused submit stored nothing: the same row imported afterwards is new, not a duplicate.
    const refused = await ingest(`mutation($input: ResponseInput!) { submitResponse(input: $input) { id score } }`, {
      input: { externalId: 'leak-ingest-new', score: 5 },
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'score' });
    const imported = await ingest(
      `mutation($rows: [ResponseInput!]!) { importResponses(input: $rows) { accepted duplicates errors { index field message } } }`,
      {
        rows: [
          { externalId: 'leak-ingest-new', score: 5 },
          { externalId: 'leak-ingest-1', score: 9 },
        ],
      },
    );
    expect(imported.data!.importResponses).toEqual({ accepted: 1, duplicates: 1, errors: [] });
  });
});

describe('4. accepting an emerging-theme suggestion', () => {
  const COMMENTS = [
    'Please email the carbon offset report to jane.doe@example.com, we need it every month',
    'Margaret Whitcombe asked where the carbon offset report went, call her on 555-201-7788',
    'The carbon offset report is missing since March, account 88213',
    'Our board wants the carbon offset report in the dashboard',
    'We still cannot download the carbon offset report as PDF',
  ];

  it('puts anonymised phrases shared by several responses into the taxonomy, never raw verbatims', async () => {
    const ids = [];
    for (const [i, comment] of COMMENTS.entries())
      ids.push(await submit({ externalId: `emerging-${i}`, score: 6, comment, respondedAt: at(0.1), attributes: texas(`tex-${i}`) }));
    await Promise.all(ids.map(analysed));
    const report = await app.gql(`{ emergingThemes(minCount: 3, filter: { attributes: [{ key: "region", value: "Texas" }] }) {
      candidates { phrase count suggestion { key label description keywords examples } } } }`);
    expect(report.errors).toBeUndefined();
    const candidate = (report.data!.emergingThemes.candidates as any[]).find((c) => /carbon|offset/.test(c.phrase));
    expect(candidate, JSON.stringify(report.data)).toBeDefined();
    const { suggestion } = candidate;

    const accepted = await app.gql(`mutation($input: CreateThemeInput!) { createTheme(input: $input) { version } }`, { input: suggestion });
    expect(accepted.errors).toBeUndefined();

    // Any key, of any region, reads the taxonomy.
    const themes = await manager(`query($key: String!) { theme(key: $key) { key label description keywords examples } }`, {
      key: suggestion.key,
    });
    expect(themes.errors).toBeUndefined();
    const theme = themes.data!.theme;
    const stored = JSON.stringify(theme);
    expect(stored).not.toMatch(/@|jane|doe|margaret|whitcombe|example\.com|armadillo/i);
    expect([...theme.keywords, ...theme.examples].join(' ')).not.toMatch(/\d/);
    for (const comment of COMMENTS) expect(theme.examples).not.toContain(comment);
    expect(theme.examples.length).toBeGreaterThan(0);
    for (const example of theme.examples as string[]) {
      // Each example phrase is shared by at least two of the responses.
      const sharing = COMMENTS.filter((c) => c.toLowerCase().includes(example.toLowerCase()));
      expect(sharing.length, example).toBeGreaterThanOrEqual(2);
    }
    // Five analyses and a discovery run: room for a busy machine.
  }, 240_000);
});

describe('2 and 3. a Nevada manager sees at-risk customers and risk reasons only from Nevada', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // c-slip: a Texas promoter 10 days ago, a Nevada detractor yesterday. Its "previous response" is Texas.
    ids.slipTexas = await submit({
      externalId: 'slip-tx',
      score: 10,
      comment: 'Armadillo crew loves it',
      respondedAt: at(10),
      customer: { externalId: 'c-slip' },
      attributes: texas(),
    });
    await analysed(ids.slipTexas);
    ids.slipNevada = await submit({
      externalId: 'slip-nv',
      score: 2,
      comment: 'Slow support, we are thinking about cancelling',
      respondedAt: at(1),
      customer: { externalId: 'c-slip' },
      attributes: nevada(),
    });

    // c-nvslip: both answers in Nevada: slipping is still flagged.
    ids.nvFirst = await submit({
      externalId: 'nvslip-1',
      score: 9,
      comment: 'Works well',
      respondedAt: at(20),
      customer: { externalId: 'c-nvslip' },
      attributes: nevada(),
    });
    await analysed(ids.nvFirst);
    ids.nvSecond = await submit({
      externalId: 'nvslip-2',
      score: 5,
      comment: 'The app keeps crashing and support is slow',
      respondedAt: at(2),
      customer: { externalId: 'c-nvslip' },
      attributes: nevada(),
    });

    // c-both: a Nevada detractor (latest by respondedAt), then an older Texas detractor whose alert is raised later.
    ids.bothNevada = await submit({
      externalId: 'both-nv',
      score: 3,
      comment: 'Billing is a mess, we will cancel',
      respondedAt: at(3),
      customer: { externalId: 'c-both' },
      attributes: nevada(),
    });
    await analysed(ids.bothNevada);
    ids.bothTexas = await submit({
      externalId: 'both-tx',
      score: 1,
      comment: 'Armadillo office: we are cancelling and switching to a competitor',
      respondedAt: at(5),
      customer: { externalId: 'c-both' },
      attributes: texas(),
    });

    // c-trim: a Nevada detractor (latest), then 100 older Texas answers, which may push it out of the kept score
    // history (100 entries): the row must then not fall back to the full, Texan, customer.
    ids.trimNevada = await submit({
      externalId: 'trim-nv',
      score: 2,
      comment: 'Terrible, we are cancelling next month',
      respondedAt: at(1),
      customer: { externalId: 'c-trim' },
      attributes: nevada(),
    });
    await analysed(ids.trimNevada);
    const rows = Array.from({ length: 100 }, (_, i) => ({
      externalId: `trim-tx-${i}`,
      score: 10,
      comment: null,
      respondedAt: new Date(Date.now() - (30 + i) * DAY).toISOString(),
      customer: { externalId: 'c-trim' },
      attributes: texas(),
    }));
    const imported = await app.gql(`mutation($rows: [ResponseInput!]!) { importResponses(input: $rows) { accepted } }`, { rows });
    expect(imported.data!.importResponses.accepted).toBe(100);

    await Promise.all([ids.slipNevada, ids.nvSecond, ids.bothTexas].map(analysed));
    // The Texas alert of c-both exists (and is newer than the Nevada one) before the manager looks.
    await waitFor(
      async () => (await app.gql(`query($id: ID!) { alert(id: $id) { id } }`, { id: `${ids.bothTexas}:default` })).data?.alert,
      { what: 'the Texas alert of c-both' },
    );
    // Five waits for the worker, which may be slow on a busy machine.
  }, 300_000);

  it('atRiskCustomers: history, trend, risk, owner and open follow-up come only from in-scope responses and alerts', async () => {
    const res = await manager(AT_RISK);
    expect(res.errors).toBeUndefined();
    const rows = res.data!.atRiskCustomers.edges.map((e: any) => e.node) as any[];
    expect(JSON.stringify(res.data)).not.toMatch(/armadillo|tex-owner|Texas/i);

    for (const row of rows) {
      const history = row.customer.scoreHistory as { responseId: string; score: number }[];
      for (const point of history) expect(nevadaIds.has(point.responseId), `${row.customer.externalId} history`).toBe(true);
      expect(row.customer.responseCount).toBe(history.length);
      expect(history.length).toBeGreaterThan(0);
      expect(row.trend).toBe(history.length >= 2 ? history.at(-1)!.score - history.at(-2)!.score : null);
      if (row.openFollowUp) {
        expect(row.openFollowUp.attributes).toContainEqual({ key: 'region', value: 'Nevada' });
        expect(nevadaIds.has(row.openFollowUp.response.id)).toBe(true);
      }
      expect(row.owner === null || row.owner.startsWith('nv-')).toBe(true);
    }

    const both = rows.find((r) => r.customer.externalId === 'c-both');
    expect(both).toMatchObject({
      trend: null,
      owner: 'nv-owner',
      openFollowUp: { id: `${ids.bothNevada}:default` },
      customer: { responseCount: 1, latestScore: 3 },
    });
    const nvslip = rows.find((r) => r.customer.externalId === 'c-nvslip');
    expect(nvslip).toMatchObject({ trend: -4, customer: { responseCount: 2 } });

    // The unscoped view still shows everything.
    const admin = await app.gql(AT_RISK);
    const adminBoth = admin.data!.atRiskCustomers.edges.map((e: any) => e.node).find((r: any) => r.customer.externalId === 'c-both');
    expect(adminBoth).toMatchObject({ trend: 2, customer: { responseCount: 2 } });
  });

  it('risk reasons never show a Nevada reader a score given in Texas; slipping within Nevada is still flagged', async () => {
    const slip = await analysed(ids.slipNevada);
    expect(slip.reasons.join(' ')).not.toMatch(/10 →/);
    expect(slip.reasons.some((r) => r.startsWith('Score slipping'))).toBe(false);

    const alerts = await manager(ALERTS);
    expect(alerts.errors).toBeUndefined();
    const text = JSON.stringify(alerts.data);
    expect(text).not.toMatch(/10 →|armadillo|Texas/i);
    const slipAlert = alerts.data!.alerts.edges.map((e: any) => e.node).find((a: any) => a.id === `${ids.slipNevada}:default`);
    expect(slipAlert).toBeDefined();

    const nvslip = await analysed(ids.nvSecond);
    expect(nvslip.reasons).toContain('Score slipping: 9 → 5 (promoter → detractor)');

    const customers = await manager(AT_RISK);
    expect(JSON.stringify(customers.data)).not.toMatch(/10 →/);
  });
});

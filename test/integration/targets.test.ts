/**
 * NPS targets (goals) over GraphQL against real FerretDB and Redis, with a clock the test moves:
 * set (idempotent, replacing), listed and deleted within the key's scope, validated with
 * field-named errors; progress shown on `nps` results, in the weekly report (data, HTML, text) and
 * on the followUpMetrics leaderboard, on track by a linear pace from the date it was set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitFor, type GqlClient, type TestApp } from '../helpers/app.js';
import { lastCompleteWeek } from '../../src/services/reports/report-week.js';

const NAME = 'targets';
const REQUEST_ID = 'targets-import';
const DAY = 86_400_000;
const NEVADA = [{ key: 'region', value: 'Nevada' }];
const TEXAS = [{ key: 'region', value: 'Texas' }];
const HOSTILE_TEAM = '"><img src=x onerror=alert(1)>';
// The clock of the app: fixed at the start, moved by the test (responses lie in the real past).
const START = new Date();
let clock = START;
const WEEK = lastCompleteWeek(START);
const BY = new Date(START.getTime() + 100 * DAY);

const SET = `mutation($input: SetTargetInput!) { setTarget(input: $input) {
  id scope { key value } team owner nps by setAt baselineNps label
  progress { current gap elapsed expected onTrack reached } } }`;
const LIST = `query($first: Int, $after: String) { targets(first: $first, after: $after) {
  edges { cursor node { id scope { key value } team owner nps label progress { current } } } pageInfo { hasNextPage endCursor } } }`;
const NPS = `query($f: ResponseFilter) { nps(filter: $f) { nps responses target { id nps by label progress { current gap elapsed expected onTrack reached } } } }`;

let app: TestApp;
let manager: GqlClient;
let analyst: GqlClient;

async function data(client: GqlClient, query: string, variables: Record<string, unknown> = {}) {
  const res = await client(query, variables);
  expect(res.errors, query).toBeUndefined();
  return res.data!;
}

/** Nevada: 8 responses in the report week (teams west and the hostile one; owners ana and ben); Texas: 3. */
function rows() {
  const at = (day: number) => new Date(WEEK.from.getTime() + day * DAY + 3_600_000).toISOString();
  const nv = [10, 9, 9, 8, 6, 3, 10, 2].map((score, i) => ({
    externalId: `nv-${i}`,
    score,
    comment: i % 2 ? 'Support was slow to answer' : 'Great product, easy to use',
    respondedAt: at(i % 7),
    attributes: [
      ...NEVADA,
      { key: 'team', value: i < 4 ? 'west' : HOSTILE_TEAM },
      { key: 'account_manager', value: i % 2 ? 'ana' : 'ben' },
    ],
  }));
  const tx = [1, 2, 10].map((score, i) => ({
    externalId: `tx-${i}`,
    score,
    comment: 'Armadillo sync breaks',
    respondedAt: at(i),
    attributes: TEXAS,
  }));
  return [...nv, ...tx];
}

beforeAll(async () => {
  app = await startTestApp(NAME, { roles: ['api', 'worker'], now: () => clock });
  const input = rows();
  const imported = await app.gql(
    `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted } }`,
    { input },
    { 'x-request-id': REQUEST_ID },
  );
  expect(imported.data!.importResponses.accepted).toBe(input.length);
  await waitFor(
    async () =>
      (await data(app.gql, `query($r: String) { importProgress(requestId: $r) { done } }`, { r: REQUEST_ID })).importProgress.done ===
      input.length,
    { timeoutMs: 90_000, what: 'the import analysed' },
  );
  const key = async (role: string, scope: unknown[]) =>
    app.as(
      (
        await data(app.gql, `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
          input: { name: role, role, scope },
        })
      ).createApiKey.key,
    );
  manager = await key('MANAGER', NEVADA);
  analyst = await key('ANALYST', []);
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

describe('targets', () => {
  it('refuses bad input, naming the field, and sets nothing', async () => {
    const base = { scope: NEVADA, nps: 40, by: BY.toISOString() };
    for (const [input, field] of [
      [{ ...base, nps: 101 }, 'input.nps'],
      [{ ...base, nps: -100.5 }, 'input.nps'],
      [{ ...base, by: new Date(START.getTime() - DAY).toISOString() }, 'input.by'],
      [{ ...base, by: START.toISOString() }, 'input.by'],
      [{ ...base, by: 'next spring' }, 'input.by'],
      [{ ...base, scope: [{ key: 'bad key!', value: 'x' }] }, 'input.scope[0].key'],
      [{ ...base, scope: [{ key: 'region', value: ' ' }] }, 'input.scope[0].value'],
      [{ ...base, scope: [...NEVADA, ...TEXAS] }, 'input.scope[1].key'],
      [{ ...base, scope: [...NEVADA, { key: 'team', value: 'west' }] }, 'input.scope[1].key'],
      [{ ...base, team: 'west', owner: 'ana' }, 'input.owner'],
      [{ ...base, team: 'a\nb' }, 'input.team'],
    ] as const) {
      const res = await app.gql(SET, { input });
      expect(res.errors?.[0].extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(JSON.stringify(res.errors)).not.toMatch(/stack|at .*\.ts:/);
    }
    expect((await data(app.gql, LIST)).targets.edges).toEqual([]);
  });

  it('sets one target per scope: the same values again change nothing, new values replace it', async () => {
    const first = (await data(app.gql, SET, { input: { scope: NEVADA, nps: 50, by: BY.toISOString() } })).setTarget;
    const nevada = (await data(app.gql, NPS, { f: { attributes: NEVADA, from: new Date(START.getTime() - 91 * DAY), to: START } })).nps;
    expect(first).toMatchObject({
      scope: NEVADA,
      team: null,
      owner: null,
      nps: 50,
      label: `Target +50 by ${BY.toISOString().slice(0, 10)}`,
    });
    // The baseline is the scope's NPS of the 13 weeks before it was set: 4 promoters, 1 passive, 3 detractors of 8.
    expect(first.baselineNps).toBe(nevada.nps);
    expect(nevada.nps).toBe(12.5);
    expect(first.progress).toEqual({ current: 12.5, gap: 37.5, elapsed: 0, expected: 12.5, onTrack: true, reached: false });

    clock = new Date(START.getTime() + 60_000);
    const again = (await data(app.gql, SET, { input: { scope: NEVADA, nps: 50, by: BY.toISOString() } })).setTarget;
    expect(again.id).toBe(first.id);
    expect(again.setAt).toBe(first.setAt);
    const replaced = (await data(app.gql, SET, { input: { scope: NEVADA, nps: 30, by: BY.toISOString() } })).setTarget;
    expect(replaced.id).toBe(first.id);
    expect(replaced.nps).toBe(30);
    expect(replaced.setAt).toBe(clock.toISOString());
    expect((await data(app.gql, LIST)).targets.edges).toHaveLength(1);
  });

  it('lets a MANAGER set, list and delete targets only inside its own scope', async () => {
    await data(app.gql, SET, { input: { scope: TEXAS, nps: 10, by: BY.toISOString() } });
    const texas = (await data(app.gql, LIST)).targets.edges.find(
      (e: { node: { scope: unknown } }) => JSON.stringify(e.node.scope) === JSON.stringify(TEXAS),
    );
    for (const scope of [TEXAS, []]) {
      const res = await manager(SET, { input: { scope, nps: 10, by: BY.toISOString() } });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'input.scope' });
    }
    const denied = await analyst(SET, { input: { scope: NEVADA, nps: 10, by: BY.toISOString() } });
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const west = (await data(manager, SET, { input: { scope: NEVADA, team: 'west', nps: 60, by: BY.toISOString() } })).setTarget;
    // West: 10 9 9 8 → 3 promoters, 1 passive of 4.
    expect(west).toMatchObject({ team: 'west', baselineNps: 75, progress: { current: 75, reached: true } });
    await data(manager, SET, { input: { scope: NEVADA, owner: 'ana', nps: 20, by: BY.toISOString() } });
    await data(manager, SET, { input: { scope: NEVADA, team: HOSTILE_TEAM, nps: 0, by: BY.toISOString() } });

    const own = (await data(manager, LIST, { first: 2 })).targets;
    expect(own.pageInfo.hasNextPage).toBe(true);
    const rest = (await data(manager, LIST, { first: 2, after: own.pageInfo.endCursor })).targets;
    const seen = [...own.edges, ...rest.edges].map((e: { node: { scope: unknown; team: string | null; owner: string | null } }) => e.node);
    expect(seen).toHaveLength(4);
    expect(seen.every((t) => JSON.stringify(t.scope) === JSON.stringify(NEVADA))).toBe(true);
    expect((await data(app.gql, LIST, { first: 10 })).targets.edges).toHaveLength(5);

    const gone = await manager(`mutation($id: ID!) { deleteTarget(id: $id) }`, { id: texas.node.id });
    expect(gone.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await data(app.gql, `mutation($id: ID!) { deleteTarget(id: $id) }`, { id: texas.node.id })).deleteTarget).toBe(true);
    const bad = await app.gql(LIST, { after: 'not-a-cursor' });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('shows progress on nps results of the matching scope, on a linear pace from when it was set', async () => {
    const own = (await data(manager, NPS, { f: { from: new Date(START.getTime() - 91 * DAY), to: START } })).nps;
    expect(own.target).toMatchObject({ nps: 30, progress: { current: own.nps, gap: 30 - own.nps, onTrack: true } });
    const admin = (await data(app.gql, NPS, { f: { attributes: NEVADA } })).nps;
    expect(admin.target.id).toBe(own.target.id);
    const team = (await data(manager, NPS, { f: { attributes: [{ key: 'team', value: 'west' }] } })).nps;
    expect(team.target).toMatchObject({ nps: 60, progress: { current: 75, reached: true, onTrack: true } });
    // No target for Texas any more, none for all responses, none for an "either value" filter.
    expect((await data(app.gql, NPS, { f: { attributes: TEXAS } })).nps.target).toBeNull();
    expect((await data(app.gql, NPS, {})).nps.target).toBeNull();
    expect((await data(app.gql, NPS, { f: { attributes: [...NEVADA, ...TEXAS] } })).nps.target).toBeNull();

    // Half-way to the date: the pace expects half the way from the baseline (12.5) to the target (30).
    const setAt = new Date(START.getTime() + 60_000);
    clock = new Date(setAt.getTime() + (BY.getTime() - setAt.getTime()) / 2);
    const half = (await data(manager, NPS, {})).nps;
    expect(half.target.progress).toMatchObject({ current: 12.5, elapsed: 0.5, expected: 21.25, onTrack: false, reached: false });
  });

  it('puts the target and each owner’s and team’s on the followUpMetrics leaderboard', async () => {
    const METRICS = `query($from: DateTime!, $to: DateTime!, $groupBy: MetricsGroupBy) { followUpMetrics(from: $from, to: $to, groupBy: $groupBy) {
      overall { nps target { nps label progress { current gap } } } rows { key nps target { nps team owner progress { current gap reached } } } } }`;
    const range = { from: WEEK.from, to: WEEK.to };
    const owners = (await data(manager, METRICS, { ...range, groupBy: 'OWNER' })).followUpMetrics;
    expect(owners.overall.target).toMatchObject({ nps: 30, progress: { current: owners.overall.nps } });
    const ana = owners.rows.find((r: { key: string }) => r.key === 'ana');
    expect(ana.target).toMatchObject({ nps: 20, owner: 'ana', progress: { current: ana.nps } });
    expect(owners.rows.find((r: { key: string }) => r.key === 'ben').target).toBeNull();
    const teams = (await data(manager, METRICS, { ...range, groupBy: 'TEAM' })).followUpMetrics;
    expect(teams.rows.find((r: { key: string }) => r.key === 'west').target).toMatchObject({ nps: 60, progress: { reached: true } });
    expect(teams.rows.find((r: { key: string }) => r.key === HOSTILE_TEAM).target).toMatchObject({ nps: 0, team: HOSTILE_TEAM });
  });

  it('shows the target in the weekly report as data, HTML-escaped HTML and text', async () => {
    const REPORT = `query($scope: [AttributeInput!], $week: String) { weeklyReport(scope: $scope, week: $week) {
      target { nps label progress { current gap onTrack } } last13Weeks { nps } owners { key target { nps } } html text } }`;
    const r = (await data(manager, REPORT, { week: WEEK.key })).weeklyReport;
    expect(r.target).toMatchObject({ nps: 30, progress: { current: r.last13Weeks.nps } });
    const line = `Target: +30 by ${BY.toISOString().slice(0, 10)}; last 13 weeks 12.5, 17.5 points to go`;
    expect(r.text).toContain(line);
    expect(r.html).toContain(line);
    expect(r.owners.find((o: { key: string }) => o.key === 'ana').target).toEqual({ nps: 20 });
    expect(r.html).toMatch(/<th[^>]*>Target<\/th>/);

    // A team's report: the team's target, its hostile name escaped in the HTML.
    const team = (await data(manager, REPORT, { week: WEEK.key, scope: [{ key: 'team', value: HOSTILE_TEAM }] })).weeklyReport;
    expect(team.target).toMatchObject({ nps: 0 });
    expect(team.text).toContain(`Target for team ${HOSTILE_TEAM}: 0 by`);
    expect(team.html).toContain('Target for team &quot;&gt;&lt;img src=x onerror=alert(1)&gt;: 0 by');
    expect(team.html).not.toContain('<img src=x');
    expect(`${team.html}${team.text}`).not.toMatch(/NaN|undefined/);
  });
});

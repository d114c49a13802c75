/**
 * "Respond to every survey" and "work spread over a team", over the real API, queue and two
 * worker processes: every category gets its follow-up task (with the review link for promoters),
 * slipping promoters get their own task and are listed (scope enforced, paged), teams take
 * follow-ups round-robin under a per-person cap with overflow to the lead — also when the
 * follow-ups are raised concurrently by both workers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitFor, type GqlClient, type TestApp } from '../helpers/app.js';

const NAME = 'follow-ups';
const SITE_REVIEW = 'https://reviews.example.test/acme';
const SUBMIT = `mutation($input: ResponseInput!) { submitResponse(input: $input) { id } }`;
const ALERT_FIELDS = `id status assignee team task taskText reviewUrl previousScore slippingPromoter category channels history { action to note }`;
const ALERT = `query($id: ID!) { alert(id: $id) { ${ALERT_FIELDS} } }`;
const CREATE_RULE = `mutation($input: RoutingRuleInput!) { createRoutingRule(input: $input) { id task taskPerCategory reviewUrl assignMode team } }`;
const SET_TEAM = `mutation($input: TeamInput!) { setTeam(input: $input) { name members lead maxOpenPerMember capacityPerDay } }`;
const SLIPPING = `query($filter: SlippingPromoterFilter, $first: Int, $after: String) { slippingPromoters(filter: $filter, first: $first, after: $after) {
  totalCount edges { node { customerExternalId previousScore score touchpoint followUp { id task taskText assignee } } } pageInfo { hasNextPage endCursor } } }`;

describe('follow-ups for every survey, slipping promoters and team round-robin', () => {
  let app: TestApp;
  let secondWorker: TestApp;
  let seq = 0;

  const submit = async (input: Record<string, unknown>): Promise<string> => {
    const res = await app.gql(SUBMIT, { input: { externalId: `fu-${++seq}`, ...input } });
    expect(res.errors).toBeUndefined();
    return res.data!.submitResponse.id as string;
  };
  const alertOf = (responseId: string, ruleId = 'default') =>
    waitFor(async () => (await app.gql(ALERT, { id: `${responseId}:${ruleId}` })).data?.alert, {
      timeoutMs: 30_000,
      what: `follow-up of ${responseId}`,
    });
  const ok = async (client: GqlClient, query: string, variables?: Record<string, unknown>) => {
    const res = await client(query, variables);
    expect(res.errors).toBeUndefined();
    return res.data!;
  };
  const errorOf = async (query: string, variables: Record<string, unknown>) => (await app.gql(query, variables)).errors?.[0]?.extensions;

  beforeAll(async () => {
    const env = { VERBATIM_REVIEW_URL: SITE_REVIEW };
    app = await startTestApp(NAME, { roles: ['api', 'worker'], env });
    // A second worker process on the same database and queue: follow-ups are raised by both at once.
    secondWorker = await startTestApp(NAME, { roles: ['worker'], env });
  });

  afterAll(async () => {
    await secondWorker?.stop();
    await app?.stop();
  });

  it('with no rules, gives promoters, passives and detractors each their task (the promoter with the review link)', async () => {
    const promoter = await submit({ score: 10, comment: 'Lovely service', attributes: [{ key: 'account_manager', value: 'pia' }] });
    const passive = await submit({ score: 8, comment: 'Good, a bit slow' });
    const detractor = await submit({ score: 2, comment: 'Broken again, very disappointing' });

    expect(await alertOf(promoter)).toMatchObject({
      assignee: 'pia',
      category: 'PROMOTER',
      task: 'THANK_AND_ASK_REVIEW',
      taskText: `Thank the customer for their 10/10 and ask them for a review: ${SITE_REVIEW}`,
      reviewUrl: SITE_REVIEW,
      // A thank-you is not an at-risk page: no atRiskAlert push, only the webhook event.
      channels: ['WEBHOOK'],
      slippingPromoter: false,
    });
    expect(await alertOf(passive)).toMatchObject({
      assignee: 'unassigned',
      task: 'ASK_WHAT_WOULD_MAKE_IT_A_10',
      taskText: 'Ask the customer what would make their 8/10 a 10.',
      reviewUrl: null,
    });
    expect(await alertOf(detractor)).toMatchObject({
      task: 'RECOVERY_CALL',
      taskText: 'Call the customer within 48 hours to recover them (scored 2/10).',
      channels: ['SUBSCRIPTION', 'WEBHOOK'],
    });
  });

  it('takes the review link from the rule (per touchpoint or segment) and refuses one that is not https, naming the field', async () => {
    expect(await errorOf(CREATE_RULE, { input: { name: 'x', reviewUrl: 'http://reviews.example.test/x' } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.reviewUrl',
    });
    expect(await errorOf(CREATE_RULE, { input: { name: 'x', reviewUrl: 'not a link' } })).toMatchObject({ field: 'input.reviewUrl' });

    const rule = (
      await ok(app.gql, CREATE_RULE, {
        input: {
          name: 'Delivered orders',
          touchpoints: ['delivery'],
          assignMode: 'FIXED',
          assignee: 'fulfilment',
          reviewUrl: 'https://reviews.example.test/delivery',
        },
      })
    ).createRoutingRule;
    // No task and no single category: each response gets its category's task.
    expect(rule).toMatchObject({ taskPerCategory: true, reviewUrl: 'https://reviews.example.test/delivery' });
    const promoter = await submit({ score: 9, comment: 'Arrived early', touchpoint: 'delivery' });
    const passive = await submit({ score: 7, comment: 'Arrived', touchpoint: 'delivery' });
    expect(await alertOf(promoter, rule.id)).toMatchObject({
      assignee: 'fulfilment',
      task: 'THANK_AND_ASK_REVIEW',
      reviewUrl: 'https://reviews.example.test/delivery',
    });
    expect(await alertOf(passive, rule.id)).toMatchObject({ task: 'ASK_WHAT_WOULD_MAKE_IT_A_10', reviewUrl: null });
  });

  it('gives a slipping promoter its own follow-up and lists it by slippingPromoters, within a MANAGER key’s scope, paged', async () => {
    const day = 86_400_000;
    const answer = (customer: string, region: string, score: number, daysAgo: number) =>
      submit({
        score,
        comment: score >= 9 ? 'Great product' : 'It has become slow lately',
        touchpoint: 'support',
        respondedAt: new Date(Date.now() - daysAgo * day).toISOString(),
        customer: { externalId: customer },
        attributes: [{ key: 'region', value: region }],
      });
    const north1 = await answer('slip-north-1', 'north', 10, 6);
    await alertOf(north1);
    const north1Now = await answer('slip-north-1', 'north', 7, 1);
    const north2 = await answer('slip-north-2', 'north', 9, 5);
    await alertOf(north2);
    const north2Now = await answer('slip-north-2', 'north', 3, 1);
    const south = await answer('slip-south', 'south', 9, 5);
    await alertOf(south);
    const southNow = await answer('slip-south', 'south', 8, 1);
    // Another region is another comparison (the "Score slipping" scope rule): not a slipping promoter.
    const moved = await answer('slip-south', 'west', 4, 0.5);

    expect(await alertOf(north1Now)).toMatchObject({
      task: 'ASK_WHAT_CHANGED',
      previousScore: 10,
      slippingPromoter: true,
      taskText: 'Was a promoter (10/10), now 7/10: ask what changed, within 48 hours.',
    });
    // A slipping promoter who is now a detractor stays an at-risk page (both channels).
    expect(await alertOf(north2Now)).toMatchObject({
      task: 'ASK_WHAT_CHANGED',
      category: 'DETRACTOR',
      channels: ['SUBSCRIPTION', 'WEBHOOK'],
    });
    await alertOf(southNow);
    expect(await alertOf(moved)).toMatchObject({ task: 'RECOVERY_CALL', slippingPromoter: false });

    const all = (await ok(app.gql, SLIPPING, { filter: { touchpoint: 'support' } })).slippingPromoters;
    expect(all.totalCount).toBe(3);
    expect(all.edges.map((e: any) => e.node.customerExternalId).sort()).toEqual(['slip-north-1', 'slip-north-2', 'slip-south']);
    expect(all.edges.find((e: any) => e.node.customerExternalId === 'slip-south').node).toMatchObject({
      previousScore: 9,
      score: 8,
      followUp: { task: 'ASK_WHAT_CHANGED' },
    });

    const key = (
      await ok(app.gql, `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
        input: { name: 'north manager', role: 'MANAGER', scope: [{ key: 'region', value: 'north' }] },
      })
    ).createApiKey.key as string;
    const manager = app.as(key);
    const page1 = (await ok(manager, SLIPPING, { first: 1 })).slippingPromoters;
    expect(page1).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    const page2 = (await ok(manager, SLIPPING, { first: 1, after: page1.pageInfo.endCursor })).slippingPromoters;
    expect(page2.pageInfo.hasNextPage).toBe(false);
    expect([...page1.edges, ...page2.edges].map((e: any) => e.node.customerExternalId).sort()).toEqual(['slip-north-1', 'slip-north-2']);
    const south2 = await manager(SLIPPING, { filter: { attributes: [{ key: 'region', value: 'south' }] } });
    expect(south2.data!.slippingPromoters.totalCount).toBe(0);
    expect((await manager(SLIPPING, { after: 'bogus' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const backwards = await manager(SLIPPING, { filter: { from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' } });
    expect(backwards.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.to' });
    expect((await manager(SLIPPING, { first: -1 })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('validates teams naming the field, and keeps one team name for members and daily capacity', async () => {
    expect(await errorOf(SET_TEAM, { input: { name: 'care', members: [], lead: 'lee' } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.members',
    });
    expect(await errorOf(SET_TEAM, { input: { name: 'care', members: ['ann', ' '], lead: 'lee' } })).toMatchObject({
      field: 'input.members[1]',
    });
    expect(await errorOf(SET_TEAM, { input: { name: 'care', members: ['ann'], lead: 'lee', maxOpenPerMember: 0 } })).toMatchObject({
      field: 'input.maxOpenPerMember',
    });
    expect(await errorOf(SET_TEAM, { input: { name: 'bad name!', members: ['ann'], lead: 'lee' } })).toMatchObject({ field: 'input.name' });
    expect(await errorOf(CREATE_RULE, { input: { name: 'x', assignMode: 'TEAM', team: 'nobody-here' } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.team',
    });
    expect(await errorOf(CREATE_RULE, { input: { name: 'x', assignMode: 'TEAM' } })).toMatchObject({ field: 'input.team' });

    await ok(app.gql, `mutation { setTeamCapacity(team: "care", perDay: 40) { team perDay } }`);
    const team = (
      await ok(app.gql, SET_TEAM, { input: { name: 'care', members: ['ann', 'ben', 'cat'], lead: 'lee', maxOpenPerMember: 2 } })
    ).setTeam;
    expect(team).toEqual({ name: 'care', members: ['ann', 'ben', 'cat'], lead: 'lee', maxOpenPerMember: 2, capacityPerDay: 40 });
    expect((await ok(app.gql, `{ teams { name capacityPerDay } }`)).teams).toEqual([{ name: 'care', capacityPerDay: 40 }]);
    expect((await ok(app.gql, `{ teamCapacities { team perDay } }`)).teamCapacities).toEqual([{ team: 'care', perDay: 40 }]);
  });

  it('hands a team’s follow-ups out round-robin under the cap, overflow to the lead, raised concurrently by two workers', async () => {
    const rule = (
      await ok(app.gql, CREATE_RULE, {
        input: { name: 'Care desk', categories: ['DETRACTOR'], touchpoints: ['care'], assignMode: 'TEAM', team: 'care', slaHours: 24 },
      })
    ).createRoutingRule;
    expect(rule).toMatchObject({ assignMode: 'TEAM', team: 'care', task: 'RECOVERY_CALL' });

    // 9 detractors at once: 3 members × cap 2 = 6 turns, the other 3 overflow to the lead.
    const ids = await Promise.all(
      Array.from({ length: 9 }, (_, i) => submit({ score: 1, comment: `Nothing works, ticket ${i} ignored`, touchpoint: 'care' })),
    );
    const alerts = await Promise.all(ids.map((id) => alertOf(id, rule.id)));
    const per = (who: string) => alerts.filter((a) => a.assignee === who).length;
    expect({ ann: per('ann'), ben: per('ben'), cat: per('cat'), lee: per('lee') }).toEqual({ ann: 2, ben: 2, cat: 2, lee: 3 });
    for (const a of alerts) {
      expect(a.team).toBe('care');
      expect(a.history[0]).toMatchObject({ action: 'RAISED', to: a.assignee });
      expect(a.history[0].note).toMatch(
        a.assignee === 'lee' ? /all 3 members at their cap of 2 open follow-ups, overflow to the lead lee/ : /round-robin in team care/,
      );
    }

    // ben closes one: the next follow-up is ben's turn again (the others are still at the cap).
    const bens = alerts.find((a) => a.assignee === 'ben')!;
    await ok(app.gql, `mutation($id: ID!) { resolveAlert(id: $id, outcome: RECOVERED) { status } }`, { id: bens.id });
    const next = await alertOf(await submit({ score: 0, comment: 'Still broken', touchpoint: 'care' }), rule.id);
    expect(next.assignee).toBe('ben');
    expect(next.history[0].note).toMatch(/round-robin in team care: ben \(1 of 2 open/);
  });
});

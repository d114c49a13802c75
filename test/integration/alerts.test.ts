/**
 * Churn risk and the closed loop through the real pipeline: responses submitted over HTTP,
 * analysed by the BullMQ worker, scored, routed and raised as alerts, announced over a real
 * graphql-ws subscription, acted on through mutations, and swept by the repeatable SLA job.
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../models/database.js';
import { createLogger } from '../../src/logger.js';
import { createRedisPubSub, type RedisPubSub } from '../../src/pubsub.js';
import { AnalysisService } from '../../src/services/pipeline/analysis.service.js';
import { createAlertServices } from '../../src/services/alerts/index.js';
import { churnRiskAndAlertsHook } from '../../src/services/alerts/alerts.hook.js';
import { NO_EVENTS } from '../../src/services/events.js';
import { startTestApp, waitFor, wsClient, type TestApp } from '../helpers/app.js';
import { testMongoUri, testRedisUrl } from '../helpers/services.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

const NAME = 'alerts';
const SUBMIT = `mutation($input: ResponseInput!) { submitResponse(input: $input) { id } }`;
const ALERT_FIELDS = `id status assignee team task riskScore riskLevel reasons dueAt slaBreached ruleId ruleName category outcome resolutionNote
  history { actor action from to note } response { id score comment }`;
const ALERTS = `query($filter: AlertFilter, $orderBy: AlertOrder) { alerts(filter: $filter, orderBy: $orderBy, first: 100) { totalCount edges { node { ${ALERT_FIELDS} } } } }`;
const ALERT = `query($id: ID!) { alert(id: $id) { ${ALERT_FIELDS} } }`;
const RESPONSE = `query($id: ID!) { response(id: $id) { analysisStatus analysis { churnRisk { score level reasons } } } }`;
const CREATE_RULE = `mutation($input: RoutingRuleInput!) { createRoutingRule(input: $input) { id name position enabled slaHours task assignMode assignAttribute channels } }`;
const SUBSCRIBE = `subscription($assignee: String) { atRiskAlert(assignee: $assignee) { id status assignee riskScore reasons dueAt response { id score comment } } }`;

describe('churn risk, routing and alerts', () => {
  let app: TestApp;
  let ws: Client;
  let db: Database;
  let pubsub: RedisPubSub;
  /** A local webhook receiver: every event it was sent, once per webhook-id (the webhook tests verify signatures). */
  const receiver = new WebhookReceiver();
  const delivered = () => receiver.events();

  const submit = async (input: Record<string, unknown>): Promise<string> => {
    const res = await app.gql(SUBMIT, { input });
    expect(res.errors).toBeUndefined();
    return res.data!.submitResponse.id as string;
  };
  const alertsOf = async (filter: Record<string, unknown>, orderBy?: string) => {
    const res = await app.gql(ALERTS, { filter, orderBy });
    expect(res.errors).toBeUndefined();
    return res.data!.alerts as { totalCount: number; edges: { node: any }[] };
  };
  const alertFor = (responseId: string, ruleId = 'default') =>
    waitFor(async () => (await app.gql(ALERT, { id: `${responseId}:${ruleId}` })).data?.alert, {
      timeoutMs: 30_000,
      what: `alert of ${responseId}`,
    });
  const analysed = (id: string) =>
    waitFor(
      async () => {
        const r = (await app.gql(RESPONSE, { id })).data?.response;
        return r?.analysisStatus === 'DONE' && r.analysis.churnRisk ? r.analysis.churnRisk : null;
      },
      { timeoutMs: 30_000, what: `risk of ${id}` },
    );

  beforeAll(async () => {
    // The receiver runs on this machine: loopback must be allowed (VERBATIM_WEBHOOK_ALLOW_HOSTS).
    app = await startTestApp(NAME, {
      roles: ['api', 'worker'],
      env: { VERBATIM_SLA_CHECK_EVERY_SECONDS: '1', VERBATIM_WEBHOOK_ALLOW_HOSTS: '127.0.0.1' },
    });
    const c = wsClient(app);
    ws = c.client;
    await c.connected;
    db = await connectDatabase({ uri: testMongoUri(NAME) });
    pubsub = createRedisPubSub(testRedisUrl(), app.config.VERBATIM_QUEUE_PREFIX);
    await receiver.listen();
    const hook = await app.gql(`mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id } }`, {
      input: {
        url: receiver.url(),
        events: ['alert.raised', 'alert.updated', 'alert.sla_breached'],
      },
    });
    expect(hook.errors).toBeUndefined();
  });

  afterAll(async () => {
    await ws?.dispose();
    await pubsub?.close();
    await db?.close();
    await app?.stop();
    await receiver.close();
  });

  it('with no rules, routes an at-risk detractor to its account_manager, else to the fallback queue (and thanks a promoter)', async () => {
    const owned = await submit({
      externalId: 'def-1',
      score: 3,
      comment: 'Slow and buggy, support never answers',
      attributes: [{ key: 'account_manager', value: 'bob' }],
    });
    const orphan = await submit({ externalId: 'def-2', score: 2, comment: 'Very disappointing product' });
    const promoter = await submit({ externalId: 'def-3', score: 10, comment: 'Great, love it' });
    expect((await alertFor(owned)).assignee).toBe('bob');
    const fallback = await alertFor(orphan);
    expect(fallback).toMatchObject({ assignee: 'unassigned', ruleId: null, ruleName: 'default', task: 'RECOVERY_CALL', status: 'OPEN' });
    expect(fallback.history).toEqual([expect.objectContaining({ actor: 'system', action: 'RAISED', to: 'unassigned' })]);
    expect((await analysed(promoter)).level).toBe('LOW');
    // Every survey gets a follow-up (VERBATIM_FOLLOW_UP_CATEGORIES, default all three): a promoter is thanked, not paged as at risk.
    expect((await alertFor(promoter)).task).toBe('THANK_AND_ASK_REVIEW');
  });

  it('validates routing rules, naming the field', async () => {
    const bad = await app.gql(CREATE_RULE, { input: { name: 'x', slaHours: -1 } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.slaHours' });
    const noAssignee = await app.gql(CREATE_RULE, { input: { name: 'x', assignMode: 'FIXED' } });
    expect(noAssignee.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.assignee' });
  });

  let churnAlertId = '';

  it('raises exactly one alert for a churning detractor, routed by rule to its account manager, over the subscription', async () => {
    const rule = await app.gql(CREATE_RULE, {
      input: {
        name: 'Detractors at risk',
        categories: ['DETRACTOR'],
        minRiskLevel: 'HIGH',
        assignMode: 'ATTRIBUTE',
        assignAttribute: 'account_manager',
        slaHours: 48,
        team: 'emea',
      },
    });
    expect(rule.errors).toBeUndefined();
    const ruleId = rule.data!.createRoutingRule.id as string;
    expect(rule.data!.createRoutingRule).toMatchObject({ task: 'RECOVERY_CALL', channels: ['SUBSCRIPTION', 'WEBHOOK'], enabled: true });

    const received: any[] = [];
    const errors: unknown[] = [];
    const stop = ws.subscribe<{ atRiskAlert: any }>(
      { query: SUBSCRIBE, variables: { assignee: 'ana@acme.test' } },
      {
        next: (msg) => (msg.errors ? errors.push(msg.errors) : received.push(msg.data!.atRiskAlert)),
        error: (err) => errors.push(err),
        complete: () => undefined,
      },
    );
    const others: any[] = [];
    const stopOthers = ws.subscribe<{ atRiskAlert: any }>(
      { query: SUBSCRIBE, variables: { assignee: 'nobody' } },
      {
        next: (msg) => others.push(msg),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    await new Promise((r) => setTimeout(r, 500));

    const id = await submit({
      externalId: 'churn-1',
      score: 2,
      comment: "I'm cancelling and switching to a competitor",
      customer: { externalId: 'cust-churn', accountValue: 120000 },
      attributes: [
        { key: 'account_manager', value: 'ana@acme.test' },
        { key: 'region', value: 'EMEA' },
      ],
    });
    const pushed = await waitFor(async () => received[0], { timeoutMs: 30_000, what: 'the alert on the subscription' });
    churnAlertId = `${id}:${ruleId}`;
    expect(pushed).toMatchObject({ id: churnAlertId, status: 'OPEN', assignee: 'ana@acme.test', response: { id, score: 2 } });
    expect(pushed.riskScore).toBeGreaterThanOrEqual(75);
    expect(pushed.reasons.join(' | ')).toMatch(/Churn intent: customer wants to cancel, talks about switching/);
    expect(pushed.reasons.join(' | ')).toMatch(/High-value account/);
    const dueInHours = (Date.parse(pushed.dueAt) - Date.now()) / 3_600_000;
    expect(dueInHours).toBeGreaterThan(47);
    expect(dueInHours).toBeLessThanOrEqual(48);
    expect((await analysed(id)).level).toBe('CRITICAL');

    // A redelivered job (retry after a crash) runs every hook again: still one alert, no second push.
    const log = createLogger('silent');
    const alertServices = createAlertServices({ config: app.config, db, events: NO_EVENTS, log });
    const analysis = new AnalysisService({
      responses: db.responses,
      analysisState: db.responseAnalysis,
      openEffects: db.openEffects,
      customers: db.customers,
      risk: alertServices.churnRisk,
      taxonomy: { get: () => Promise.reject(new Error('not needed for a stored analysis')) } as never,
      hooks: [churnRiskAndAlertsHook({ risk: alertServices.churnRisk, alerts: alertServices.alerts, pubSub: pubsub.pubSub })],
      log,
    });
    expect(await analysis.analyzeResponse({ responseId: id, revision: 0, redelivered: true })).toEqual({ status: 'already-analyzed' });
    expect(await analysis.analyzeResponse({ responseId: id, revision: 0, redelivered: true })).toEqual({ status: 'already-analyzed' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(received).toHaveLength(1);
    expect(others).toEqual([]);
    expect(errors).toEqual([]);
    const forResponse = (await alertsOf({ customerExternalId: 'cust-churn' })).edges.map((e) => e.node.id);
    expect(forResponse).toEqual([churnAlertId]);
    stop();
    stopOthers();
  });

  it('tracks the follow-up: acknowledge, reassign, resolve, with history; invalid transitions are BAD_USER_INPUT', async () => {
    // Open inboxes hear of every change: ana's (before and after her reassignment away), nobody else's.
    const UPDATED = `subscription($assignee: String) { alertUpdated(assignee: $assignee) { id assignee } }`;
    const updates: { id: string; assignee: string }[] = [];
    const stray: unknown[] = [];
    const stopUpdates = ws.subscribe<{ alertUpdated: { id: string; assignee: string } }>(
      { query: UPDATED, variables: { assignee: 'ana@acme.test' } },
      {
        next: (msg) => (msg.errors ? stray.push(msg.errors) : updates.push(msg.data!.alertUpdated)),
        error: (err) => stray.push(err),
        complete: () => undefined,
      },
    );
    const stopStray = ws.subscribe(
      { query: UPDATED, variables: { assignee: 'nobody' } },
      { next: (msg) => stray.push(msg), error: () => undefined, complete: () => undefined },
    );
    await new Promise((r) => setTimeout(r, 500));

    const ACK = `mutation($id: ID!) { acknowledgeAlert(id: $id, note: "calling today") { status history { action } } }`;
    const ack = await app.gql(ACK, { id: churnAlertId });
    expect(ack.data!.acknowledgeAlert.status).toBe('ACKNOWLEDGED');
    expect((await app.gql(ACK, { id: churnAlertId })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });

    const reassigned = await app.gql(`mutation($id: ID!) { reassignAlert(id: $id, assignee: "carl@acme.test") { assignee } }`, {
      id: churnAlertId,
    });
    expect(reassigned.data!.reassignAlert.assignee).toBe('carl@acme.test');
    const inbox = await alertsOf({ assignee: 'carl@acme.test', statuses: ['OPEN', 'ACKNOWLEDGED'] });
    expect(inbox.edges.map((e) => e.node.id)).toEqual([churnAlertId]);

    const RESOLVE = `mutation($id: ID!) { resolveAlert(id: $id, outcome: RECOVERED, note: "offered a discount, staying") { status outcome resolutionNote history { actor action from to } } }`;
    const resolved = (await app.gql(RESOLVE, { id: churnAlertId })).data!.resolveAlert;
    expect(resolved).toMatchObject({ status: 'RESOLVED', outcome: 'RECOVERED', resolutionNote: 'offered a discount, staying' });
    expect(resolved.history.map((h: any) => h.action)).toEqual(['RAISED', 'ACKNOWLEDGED', 'REASSIGNED', 'RESOLVED']);
    expect(resolved.history[2]).toMatchObject({ from: 'ana@acme.test', to: 'carl@acme.test' });
    expect((await app.gql(RESOLVE, { id: churnAlertId })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await app.gql(ACK, { id: 'nope:default' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // The acknowledge and the reassignment away from ana reach her inbox; the resolve (carl's) does not.
    await waitFor(async () => updates.length >= 2, { timeoutMs: 30_000, what: 'alertUpdated events' });
    await new Promise((r) => setTimeout(r, 1000));
    expect(updates.map((u) => u.id)).toEqual([churnAlertId, churnAlertId]);
    expect(stray).toEqual([]);
    stopUpdates();
    stopStray();
    // Raised once and updated three times, each a distinct event.
    const events = await waitFor(
      async () => {
        const mine = delivered().filter((d) => d.data.alert?.id === churnAlertId);
        return mine.length >= 4 ? mine : null;
      },
      { timeoutMs: 30_000, what: 'the alert events as webhooks' },
    );
    expect(events.map((e) => e.id).sort()).toEqual(
      [`alert.raised:${churnAlertId}`, ...[2, 3, 4].map((n) => `alert.updated:${churnAlertId}:${n}`)].sort(),
    );
    expect(events.find((e) => e.type === 'alert.updated' && e.data.change.action === 'RESOLVED')!.data.alert).toMatchObject({
      status: 'RESOLVED',
      outcome: 'RECOVERED',
    });
  });

  it('creates a review-request task for a promoter when a promoter rule is configured', async () => {
    const rule = await app.gql(CREATE_RULE, {
      input: {
        name: 'Promoters',
        categories: ['PROMOTER'],
        assignMode: 'FIXED',
        assignee: 'advocacy',
        slaHours: 72,
        channels: ['WEBHOOK'],
        reviewUrl: 'https://reviews.example.test/acme',
      },
    });
    expect(rule.data!.createRoutingRule).toMatchObject({ task: 'THANK_AND_ASK_REVIEW', position: 1 });
    const id = await submit({ externalId: 'promo-1', score: 10, comment: 'Fantastic support team, thank you!' });
    const alert = await alertFor(id, rule.data!.createRoutingRule.id);
    expect(alert).toMatchObject({ assignee: 'advocacy', task: 'THANK_AND_ASK_REVIEW', category: 'PROMOTER', status: 'OPEN' });
    // The webhook carries the task as a person reads it, with the review link, for the tool that does the follow-up.
    const raised = await waitFor(async () => delivered().find((d) => d.type === 'alert.raised' && d.data.alert?.id === alert.id), {
      timeoutMs: 30_000,
      what: 'the promoter alert as a webhook',
    });
    expect(raised.data.alert).toMatchObject({
      task: 'THANK_AND_ASK_REVIEW',
      taskText: 'Thank the customer for their 10/10 and ask them for a review: https://reviews.example.test/acme',
      reviewUrl: 'https://reviews.example.test/acme',
      previousScore: null,
      slippingPromoter: false,
    });
  });

  it('detects an SLA breach with the repeatable job and flags it exactly once', async () => {
    const rule = await app.gql(CREATE_RULE, {
      input: { name: 'Renewals fast lane', touchpoints: ['renewal-sla'], assignMode: 'FIXED', assignee: 'renewals', slaHours: 0.0003 },
    });
    const ruleId = rule.data!.createRoutingRule.id as string;
    const rules = (await app.gql(`{ routingRules { id } }`)).data!.routingRules.map((r: any) => r.id) as string[];
    const reordered = await app.gql(`mutation($ids: [ID!]!) { reorderRoutingRules(ids: $ids) { id position } }`, {
      ids: [ruleId, ...rules.filter((r) => r !== ruleId)],
    });
    expect(reordered.data!.reorderRoutingRules[0]).toMatchObject({ id: ruleId, position: 0 });
    const badOrder = await app.gql(`mutation($ids: [ID!]!) { reorderRoutingRules(ids: $ids) { id } }`, { ids: [ruleId] });
    expect(badOrder.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids' });

    const id = await submit({
      externalId: 'sla-1',
      score: 4,
      touchpoint: 'renewal-sla',
      comment: 'Nobody called me back about the renewal',
    });
    await alertFor(id, ruleId);
    const breached = await waitFor(
      async () => {
        const a = (await app.gql(ALERT, { id: `${id}:${ruleId}` })).data!.alert;
        return a.slaBreached ? a : null;
      },
      { timeoutMs: 30_000, what: 'the SLA breach' },
    );
    expect(breached.history.filter((h: any) => h.action === 'SLA_BREACHED')).toHaveLength(1);
    const overdue = await alertsOf({ overdue: true, assignee: 'renewals' });
    expect(overdue.edges.map((e) => e.node.id)).toContain(`${id}:${ruleId}`);
    // Several more sweeps run; the breach stays flagged once.
    await new Promise((r) => setTimeout(r, 3000));
    const later = (await app.gql(ALERT, { id: `${id}:${ruleId}` })).data!.alert;
    expect(later.history.filter((h: any) => h.action === 'SLA_BREACHED')).toHaveLength(1);
    // …and was emitted as one alert.sla_breached event.
    await waitFor(async () => delivered().some((d) => d.type === 'alert.sla_breached' && d.data.alert.id === `${id}:${ruleId}`), {
      timeoutMs: 30_000,
      what: 'the sla_breached webhook',
    });
    expect(delivered().filter((d) => d.type === 'alert.sla_breached' && d.data.alert.id === `${id}:${ruleId}`)).toHaveLength(1);
    expect(delivered().find((d) => d.type === 'alert.sla_breached')!.id).toBe(`alert.sla_breached:${id}:${ruleId}`);
    await app.gql(`mutation($id: ID!, $on: Boolean!) { setRoutingRuleEnabled(id: $id, enabled: $on) { enabled } }`, {
      id: ruleId,
      on: false,
    });
  });

  it('flags a customer whose score slips from 9 to 6, and lists them among the at-risk customers', async () => {
    // Recent answers: alerts of answers older than VERBATIM_ALERT_MAX_AGE_DAYS are history, not follow-ups.
    const first = await submit({
      externalId: 'slip-1',
      score: 9,
      comment: 'Works well',
      respondedAt: new Date(Date.now() - 5 * 86_400_000).toISOString(),
      customer: { externalId: 'cust-slip' },
      attributes: [{ key: 'account_manager', value: 'dana' }],
    });
    await analysed(first);
    const second = await submit({
      externalId: 'slip-2',
      score: 6,
      comment: 'It is fine I guess',
      respondedAt: new Date(Date.now() - 86_400_000).toISOString(),
      customer: { externalId: 'cust-slip' },
      attributes: [{ key: 'account_manager', value: 'dana' }],
    });
    const risk = await analysed(second);
    expect(risk.reasons).toContain('Score slipping: 9 → 6 (promoter → detractor)');

    const AT_RISK = `{ atRiskCustomers(first: 50) { edges { node { customer { externalId scoreHistory { score } } risk { score level reasons } trend owner lastVerbatim openFollowUp { id assignee } } } pageInfo { hasNextPage } } }`;
    const rows = await waitFor(
      async () => {
        const res = await app.gql(AT_RISK);
        expect(res.errors).toBeUndefined();
        const edges = res.data!.atRiskCustomers.edges as any[];
        return edges.some((e) => e.node.customer.externalId === 'cust-slip' && e.node.openFollowUp) ? edges : null;
      },
      { timeoutMs: 30_000, what: 'cust-slip among the at-risk customers' },
    );
    const slip = rows.find((e) => e.node.customer.externalId === 'cust-slip')!.node;
    expect(slip).toMatchObject({
      trend: -3,
      owner: 'dana',
      lastVerbatim: 'It is fine I guess',
      customer: { scoreHistory: [{ score: 9 }, { score: 6 }] },
    });
    expect(slip.risk.reasons).toContain('Score slipping: 9 → 6 (promoter → detractor)');
    const scores = rows.map((e) => e.node.risk.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('reports the follow-up leaderboard per owner and team', async () => {
    const METRICS = `query($from: DateTime!, $to: DateTime!, $groupBy: MetricsGroupBy) { followUpMetrics(from: $from, to: $to, groupBy: $groupBy) {
      overall { alerts detractorAlerts contactedWithinSla closedLoopRate medianMinutesToFirstAction }
      rows { key alerts detractorAlerts contactedWithinSla closedLoopRate resolved recovered slaBreached responses nps } } }`;
    const period = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
    const byOwner = await app.gql(METRICS, { ...period, groupBy: 'OWNER' });
    expect(byOwner.errors).toBeUndefined();
    const m = byOwner.data!.followUpMetrics;
    const carl = m.rows.find((r: any) => r.key === 'carl@acme.test');
    expect(carl).toMatchObject({ alerts: 1, detractorAlerts: 1, contactedWithinSla: 1, closedLoopRate: 1, resolved: 1, recovered: 1 });
    expect(m.rows.find((r: any) => r.key === 'renewals')).toMatchObject({ contactedWithinSla: 0, closedLoopRate: 0, slaBreached: 1 });
    expect(m.overall.detractorAlerts).toBeGreaterThanOrEqual(4);
    expect(m.overall.medianMinutesToFirstAction).not.toBeNull();
    // NPS per owner comes from the responses naming them in account_manager (both of ana's period responses: one detractor).
    expect(m.rows.find((r: any) => r.key === 'ana@acme.test')).toMatchObject({ responses: 1, nps: -100 });
    const byTeam = await app.gql(METRICS, { ...period, groupBy: 'TEAM' });
    // The emea rule raised two detractor alerts: the churning one (contacted) and the slipping one (still open).
    expect(byTeam.data!.followUpMetrics.rows.find((r: any) => r.key === 'emea')).toMatchObject({
      alerts: 2,
      contactedWithinSla: 1,
      closedLoopRate: 0.5,
    });
    const badPeriod = await app.gql(METRICS, { from: period.to, to: period.from });
    expect(badPeriod.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });
});

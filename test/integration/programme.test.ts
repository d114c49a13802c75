/**
 * The survey programme over the real API, FerretDB and the BullMQ dispatch job, with a controllable
 * clock: touchpoint events (idempotent by externalId), survey-rule validation, the planner releasing
 * batches on business days in business hours within team capacity, every skip with its rule, one plan
 * per tick with two workers, the signed `survey.due` webhook, and the loop closed by responses.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGqlClient, startTestApp, TEST_ADMIN_KEY, waitFor, type TestApp } from '../helpers/app.js';
import { testMongoUri } from '../helpers/services.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

const NAME = 'programme';
let now = new Date('2026-11-22T12:00:00Z'); // a Sunday
const clock = () => now;

const EVENT = `mutation($input: TouchpointEventInput!) { recordTouchpointEvent(input: $input) { id externalId dueAt status duplicate } }`;
const RULE = `mutation($input: CreateSurveyRuleInput!) { createSurveyRule(input: $input) { id touchpoint kind delayHours sampleRate everyDays team enabled } }`;
const INVITATIONS = `query($filter: SurveyInvitationFilter, $first: Int, $after: String) {
  surveyInvitations(filter: $filter, first: $first, after: $after) {
    totalCount edges { node { id status touchpoint skipRule skipReason customer { externalId email timeZone } plannedAt } } pageInfo { hasNextPage endCursor }
  }
}`;
const TICKS = `query { dispatchTicks(first: 50) { tick at relationship released skipped deferred done } }`;

interface Delivery {
  type: string;
  data: { invitations: { id: string; customer: { externalId: string } }[] };
}

let app: TestApp;
let second: TestApp;
/** The sending tool's endpoint: verifies every request's signature with the endpoint's secret. */
const receiver = new WebhookReceiver();
const received = (): Delivery[] => receiver.events().map((e) => ({ type: e.type, data: e.data as Delivery['data'] }));

/** Moves the clock and waits until a tick at that time has finished (the repeatable job runs every second). */
async function tickAt(iso: string) {
  now = new Date(iso);
  return waitFor(
    async () => {
      const res = await app.gql<{
        dispatchTicks: { at: string; done: boolean; relationship: number; released: number; skipped: number; deferred: number }[];
      }>(TICKS);
      return res.data?.dispatchTicks.find((t) => t.at === now.toISOString() && t.done);
    },
    { what: `a planner tick at ${iso}`, timeoutMs: 60_000 },
  );
}

/** Records one event of `touchpoint` for a customer in `state` (the attribute scoped keys filter on). */
function stateEvent(touchpoint: string, occurredAt: string, [id, customer, state]: readonly string[]) {
  return app.gql(EVENT, {
    input: {
      externalId: id,
      touchpoint,
      occurredAt,
      customer: { externalId: customer, email: `${customer}@example.com` },
      attributes: [{ key: 'state', value: state }],
    },
  });
}

/** A touchpoint event as stored, still PENDING. */
const pendingEvent = (externalId: string, customerId: string, touchpoint: string, dueAt: Date, _id = new mongoose.Types.ObjectId()) => ({
  _id,
  externalId,
  customerId,
  touchpoint,
  occurredAt: dueAt,
  attributes: [],
  dueAt,
  status: 'PENDING',
  invitationId: null,
  createdAt: dueAt,
});

/** Writes documents as a stopped run left them, past the service. */
async function insertStored(collection: string, docs: object[]) {
  const client = await new mongoose.mongo.MongoClient(testMongoUri(NAME)).connect();
  try {
    await client.db().collection(collection).insertMany(docs);
  } finally {
    await client.close();
  }
}

async function invitations(filter: Record<string, unknown> = {}) {
  const res = await app.gql(INVITATIONS, { filter, first: 100 });
  expect(res.errors).toBeUndefined();
  return res.data!.surveyInvitations as { totalCount: number; edges: { node: Record<string, any> }[] };
}

const event = (id: string, customer: string, extra: Record<string, unknown> = {}) =>
  app.gql(EVENT, {
    input: {
      externalId: id,
      touchpoint: 'order_delivered',
      occurredAt: '2026-11-22T09:00:00Z',
      customer: { externalId: customer, email: `${customer}@example.com`, timeZone: 'Europe/Berlin' },
      ...extra,
    },
  });

beforeAll(async () => {
  await receiver.listen();
  const env = { VERBATIM_DISPATCH_EVERY_SECONDS: '1', VERBATIM_DISPATCH_BATCH_SIZE: '3', VERBATIM_WEBHOOK_ALLOW_HOSTS: '127.0.0.1' };
  app = await startTestApp(NAME, { env, now: clock });
  // A second worker on the same database and queue: still one plan per tick.
  second = await startTestApp(NAME, { roles: ['worker'], env, now: clock });
  const hook = await app.gql(`mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id secret } }`, {
    input: { url: receiver.url(), events: ['survey.due'] },
  });
  receiver.secret = hook.data!.createWebhook.secret;
}, 120_000);

afterAll(async () => {
  await second?.stop();
  await app?.stop();
  await receiver.close();
});

describe('survey rules', () => {
  it('creates rules with defaults and rejects bad ones naming the field', async () => {
    const ok = await app.gql(RULE, { input: { touchpoint: 'order_delivered', delayHours: 2, team: 'care' } });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.createSurveyRule).toMatchObject({
      touchpoint: 'order_delivered',
      kind: 'TRANSACTIONAL',
      delayHours: 2,
      sampleRate: 1,
      everyDays: 90,
      enabled: true,
    });

    const cases: [Record<string, unknown>, string][] = [
      [{ touchpoint: 'a', delayHours: -1 }, 'delayHours'],
      [{ touchpoint: 'b', sampleRate: 0 }, 'sampleRate'],
      [{ touchpoint: 'c', sampleRate: 1.5 }, 'sampleRate'],
      [{ touchpoint: 'd', everyDays: 0 }, 'everyDays'],
      [{ touchpoint: 'bad touchpoint!' }, 'touchpoint'],
      [{ touchpoint: 'order_delivered' }, 'touchpoint'],
    ];
    for (const [input, field] of cases) {
      const res = await app.gql(RULE, { input });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    // A rule whose team may release nothing can never fire.
    expect((await app.gql(`mutation { setTeamCapacity(team: "nobody", perDay: 0) { team perDay } }`)).errors).toBeUndefined();
    const never = await app.gql(RULE, { input: { touchpoint: 'never', team: 'nobody' } });
    expect(never.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'team' });
  });

  it('updates and deletes rules', async () => {
    const created = await app.gql(RULE, { input: { touchpoint: 'site_visit', kind: 'RELATIONSHIP', everyDays: 180 } });
    const id = created.data!.createSurveyRule.id as string;
    const updated = await app.gql(
      `mutation($id: ID!) { updateSurveyRule(id: $id, input: { sampleRate: 0.5, enabled: false }) { sampleRate enabled kind everyDays } }`,
      { id },
    );
    expect(updated.data!.updateSurveyRule).toEqual({ sampleRate: 0.5, enabled: false, kind: 'RELATIONSHIP', everyDays: 180 });
    const negative = await app.gql(`mutation($id: ID!) { updateSurveyRule(id: $id, input: { delayHours: -3 }) { id } }`, { id });
    expect(negative.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'delayHours' });
    expect((await app.gql(`mutation($id: ID!) { deleteSurveyRule(id: $id) }`, { id })).data!.deleteSurveyRule).toBe(true);
  });
});

describe('touchpoint events', () => {
  it('rejects unknown touchpoints and invalid time zones by field, and replays are duplicates', async () => {
    const unknown = await app.gql(EVENT, { input: { touchpoint: 'nowhere', customer: { externalId: 'x' } } });
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'touchpoint' });
    const zone = await app.gql(EVENT, {
      input: { touchpoint: 'order_delivered', customer: { externalId: 'x', timeZone: 'Mars/Olympus' } },
    });
    expect(zone.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'customer.timeZone' });

    // INGEST keys record events.
    const key = await app.gql(`mutation { createApiKey(input: { name: "shop", role: INGEST }) { key } }`);
    const ingest = createGqlClient(app.url, { authorization: `Bearer ${key.data!.createApiKey.key}` });
    const first = await ingest(EVENT, {
      input: {
        externalId: 'e1',
        touchpoint: 'order_delivered',
        occurredAt: '2026-11-22T09:00:00Z',
        customer: { externalId: 'c1', email: 'c1@example.com', timeZone: 'Europe/Berlin', locale: 'de-DE' },
      },
    });
    expect(first.errors).toBeUndefined();
    expect(first.data!.recordTouchpointEvent).toMatchObject({
      externalId: 'e1',
      dueAt: '2026-11-22T11:00:00.000Z',
      status: 'PENDING',
      duplicate: false,
    });
    const again = await ingest(EVENT, { input: { externalId: 'e1', touchpoint: 'order_delivered', customer: { externalId: 'c1' } } });
    expect(again.data!.recordTouchpointEvent).toMatchObject({ id: first.data!.recordTouchpointEvent.id, duplicate: true });
  });
});

describe('dispatch planner', () => {
  it('releases batches on business days in business hours within team capacity, recording every skip', async () => {
    expect((await app.gql(`mutation { setTeamCapacity(team: "care", perDay: 4) { perDay } }`)).errors).toBeUndefined();
    for (let i = 2; i <= 6; i++) expect((await event(`e${i}`, `c${i}`)).errors).toBeUndefined();
    // Opted out: skipped with OPTED_OUT, never released.
    expect((await event('e7', 'c7', { customer: { externalId: 'c7', timeZone: 'Europe/Berlin', optedOut: true } })).errors).toBeUndefined();

    // Sunday: due, but not a business day; the opted-out customer is skipped at once, with its rule.
    expect(await tickAt('2026-11-22T14:00:00.000Z')).toMatchObject({ released: 0, skipped: 1 });
    const skipped = await invitations({ statuses: ['SKIPPED'] });
    expect(skipped.edges.map((e) => [e.node.customer.externalId, e.node.skipRule])).toEqual([['c7', 'OPTED_OUT']]);
    // Monday 07:30 in Berlin: before business hours.
    expect(await tickAt('2026-11-23T06:30:00.000Z')).toMatchObject({ released: 0 });
    expect((await invitations({ statuses: ['QUEUED'] })).totalCount).toBe(0);

    // Monday 09:30 Berlin: a batch of 3 (the batch size), oldest due first.
    expect(await tickAt('2026-11-23T08:30:00.000Z')).toMatchObject({ released: 3, skipped: 0 });
    // Next tick: one more, then the team's 4 per day are used up.
    expect(await tickAt('2026-11-23T08:31:00.000Z')).toMatchObject({ released: 1, deferred: 2, skipped: 0 });
    expect(await tickAt('2026-11-23T08:32:00.000Z')).toMatchObject({ released: 0, deferred: 2 });
    // Tuesday: the last two.
    expect(await tickAt('2026-11-24T08:30:00.000Z')).toMatchObject({ released: 2 });
    const queued = await invitations({ statuses: ['QUEUED'] });
    expect(queued.totalCount).toBe(6);
    expect(new Set(queued.edges.map((e) => e.node.customer.externalId))).toEqual(new Set(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']));
    expect(queued.edges.every((e) => e.node.customer.timeZone === 'Europe/Berlin')).toBe(true);
    expect((await invitations()).totalCount).toBe(7);

    // Replaying an event never creates a second invitation.
    expect((await event('e2', 'c2')).data!.recordTouchpointEvent.duplicate).toBe(true);
    await tickAt('2026-11-24T08:31:00.000Z');
    expect((await invitations()).totalCount).toBe(7);

    // Two workers, one plan per tick: every tick id once, and no event with two invitations.
    const ticks = (await app.gql(TICKS)).data!.dispatchTicks as { tick: string }[];
    expect(new Set(ticks.map((t) => t.tick)).size).toBe(ticks.length);

    // The sending tool got survey.due batches of at most 3, signed (verified by standardwebhooks).
    await waitFor(async () => received().reduce((n, d) => n + d.data.invitations.length, 0) >= 6, { what: 'survey.due deliveries' });
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    expect(received().every((d) => d.type === 'survey.due' && d.data.invitations.length <= 3)).toBe(true);
    expect(
      received()
        .flatMap((d) => d.data.invitations.map((i) => i.customer.externalId))
        .sort(),
    ).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
  }, 300_000);

  it('skips a customer surveyed less than 30 days ago with MIN_DAYS_BETWEEN', async () => {
    expect((await app.gql(RULE, { input: { touchpoint: 'ticket_closed' } })).errors).toBeUndefined();
    const res = await app.gql(EVENT, {
      input: { externalId: 't1', touchpoint: 'ticket_closed', occurredAt: '2026-11-24T08:00:00Z', customer: { externalId: 'c2' } },
    });
    expect(res.errors).toBeUndefined();
    expect(await tickAt('2026-11-25T09:00:00.000Z')).toMatchObject({ skipped: 1 });
    const skipped = await invitations({ touchpoints: ['ticket_closed'] });
    expect(skipped.edges[0].node).toMatchObject({ status: 'SKIPPED', skipRule: 'MIN_DAYS_BETWEEN' });
  }, 120_000);

  it('closes the loop: sent, answered by a response carrying invitationId, and counted in response rates', async () => {
    const queued = await invitations({ statuses: ['QUEUED'], touchpoints: ['order_delivered'] });
    const [a, b] = queued.edges.map((e) => e.node.id as string);
    const sent = await app.gql(`mutation($id: ID!) { markInvitationSent(id: $id) { status sentAt } }`, { id: a });
    expect(sent.data!.markInvitationSent).toEqual({ status: 'SENT', sentAt: now.toISOString() });

    const bad = await app.gql(`mutation($input: ResponseInput!) { submitResponse(input: $input) { id } }`, {
      input: { score: 9, invitationId: '0123456789abcdef01234567' },
    });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'invitationId' });

    const answer = await app.gql(`mutation($input: ResponseInput!) { submitResponse(input: $input) { id } }`, {
      input: { score: 9, comment: 'Fast delivery', touchpoint: 'order_delivered', invitationId: a },
    });
    expect(answer.errors).toBeUndefined();
    const responded = await invitations({ statuses: ['RESPONDED'] });
    expect(responded.edges.map((e) => e.node.id)).toEqual([a]);
    // Marking an answered invitation sent is a conflict, not a silent change.
    expect((await app.gql(`mutation($id: ID!) { markInvitationSent(id: $id) { status } }`, { id: a })).errors?.[0].extensions?.code).toBe(
      'CONFLICT',
    );
    expect(
      (await app.gql(`mutation($id: ID!) { markInvitationSent(id: $id) { status } }`, { id: b })).data!.markInvitationSent.status,
    ).toBe('SENT');

    const rates = await app.gql(`query { responseRates(groupBy: TOUCHPOINT) { key invitations responses rate medianHoursToRespond } }`);
    expect(rates.errors).toBeUndefined();
    expect(rates.data!.responseRates).toEqual([
      { key: 'order_delivered', invitations: 6, responses: 1, rate: 1 / 6, medianHoursToRespond: expect.any(Number) },
    ]);
    const byAttribute = await app.gql(`query { responseRates(groupBy: ATTRIBUTE) { key } }`);
    expect(byAttribute.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attributeKey' });
  }, 120_000);

  it('applies holidays, quiet hours, the per-account limit and disabled rules; bad settings are refused by field', async () => {
    const badQuiet = await app.gql(`mutation { setContactRules(input: { quietHoursStart: 14, quietHoursEnd: 12 }) { quietHoursEnd } }`);
    expect(badQuiet.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'quietHoursEnd' });
    const badZone = await app.gql(`mutation { setBusinessCalendar(input: { timeZone: "Mars/Olympus" }) { timeZone } }`);
    expect(badZone.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timeZone' });
    const badHoliday = await app.gql(`mutation { setBusinessCalendar(input: { holidays: ["2026-13-01"] }) { holidays } }`);
    expect(badHoliday.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'holidays' });

    const rules = await app.gql(
      `mutation { setContactRules(input: { accountAttribute: "account_id", accountMaxSurveys: 1, accountPeriodDays: 30 }) { accountAttribute accountMaxSurveys minDaysBetweenSurveys } }`,
    );
    expect(rules.data!.setContactRules).toEqual({ accountAttribute: 'account_id', accountMaxSurveys: 1, minDaysBetweenSurveys: 30 });
    const calendar = await app.gql(
      `mutation { setBusinessCalendar(input: { holidays: ["2026-11-26"] }) { workdays holidays openHour closeHour timeZone } }`,
    );
    expect(calendar.data!.setBusinessCalendar).toEqual({
      workdays: [1, 2, 3, 4, 5],
      holidays: ['2026-11-26'],
      openHour: 9,
      closeHour: 17,
      timeZone: 'UTC',
    });
    expect((await app.gql(RULE, { input: { touchpoint: 'invoice' } })).errors).toBeUndefined();
    expect((await app.gql(RULE, { input: { touchpoint: 'contract', enabled: false } })).errors).toBeUndefined();

    const record = (id: string, touchpoint: string, customer: string) =>
      app.gql(EVENT, {
        input: {
          externalId: id,
          touchpoint,
          occurredAt: '2026-11-25T08:00:00Z',
          customer: { externalId: customer },
          attributes: [{ key: 'account_id', value: 'acme' }],
        },
      });
    for (const [id, touchpoint, customer] of [
      ['a1', 'invoice', 'd1'],
      ['a2', 'invoice', 'd2'],
      ['a3', 'contract', 'd3'],
    ]) {
      expect((await record(id, touchpoint, customer)).errors).toBeUndefined();
    }
    // Thursday 26 November is a holiday: nothing released; the disabled rule's event is skipped.
    expect(await tickAt('2026-11-26T10:00:00.000Z')).toMatchObject({ released: 0, skipped: 1, deferred: 2 });
    await app.gql(`mutation { setContactRules(input: { quietHoursStart: 12, quietHoursEnd: 13 }) { quietHoursStart } }`);
    // Friday 12:30 (UTC customers): quiet hours.
    expect(await tickAt('2026-11-27T12:30:00.000Z')).toMatchObject({ released: 0, deferred: 2 });
    // 13:30: one survey for the account, the second customer of the same account is skipped.
    expect(await tickAt('2026-11-27T13:30:00.000Z')).toMatchObject({ released: 1, skipped: 1 });
    const planned = await invitations({ touchpoints: ['invoice', 'contract'] });
    const byCustomer = Object.fromEntries(planned.edges.map((e) => [e.node.customer.externalId, [e.node.status, e.node.skipRule]]));
    expect(byCustomer).toEqual({ d1: ['QUEUED', null], d2: ['SKIPPED', 'ACCOUNT_LIMIT'], d3: ['SKIPPED', 'RULE_DISABLED'] });
  }, 120_000);

  it('makes relationship surveys due every everyDays for customers with no triggering event, through the same fatigue rules', async () => {
    // A customer known only from a response (with an e-mail address): first seen now, 2026-11-27.
    const answer = await app.gql(`mutation($input: ResponseInput!) { submitResponse(input: $input) { id } }`, {
      input: { score: 7, customer: { externalId: 'r1', email: 'r1@example.com' } },
    });
    expect(answer.errors).toBeUndefined();
    const rule = await app.gql(RULE, { input: { touchpoint: 'relationship', kind: 'RELATIONSHIP', everyDays: 30 } });
    expect(rule.errors).toBeUndefined();

    // 22 December: c1–c7 were first seen 30 days ago. c7 opted out: no survey. The others were surveyed
    // at order_delivered less than 30 days ago: skipped with MIN_DAYS_BETWEEN, three per tick (the batch).
    expect(await tickAt('2026-12-22T13:00:00.000Z')).toMatchObject({ relationship: 3, released: 0, skipped: 3 });
    expect(await tickAt('2026-12-22T13:01:00.000Z')).toMatchObject({ relationship: 3, released: 0, skipped: 3 });
    expect(await tickAt('2026-12-22T13:02:00.000Z')).toMatchObject({ relationship: 0, skipped: 0 });
    const skipped = await invitations({ touchpoints: ['relationship'] });
    expect(skipped.edges.map((e) => e.node.customer.externalId).sort()).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(skipped.edges.every((e) => e.node.status === 'SKIPPED' && e.node.skipRule === 'MIN_DAYS_BETWEEN')).toBe(true);

    // Monday 28 December: r1 is due (d1–d3 have no e-mail address: not surveyed) and released in business hours.
    expect(await tickAt('2026-12-28T10:00:00.000Z')).toMatchObject({ relationship: 1, released: 1, skipped: 0 });
    const released = await invitations({ touchpoints: ['relationship'], statuses: ['QUEUED'] });
    expect(released.edges.map((e) => [e.node.customer.externalId, e.node.customer.email])).toEqual([['r1', 'r1@example.com']]);
    await waitFor(async () => received().some((d) => d.data.invitations.some((i) => i.customer.externalId === 'r1')), {
      what: 'the relationship survey in a survey.due webhook',
    });
    // Replanning later finds nobody new: the cadence restarted for everyone it looked at.
    expect(await tickAt('2026-12-28T10:01:00.000Z')).toMatchObject({ relationship: 0, released: 0 });
    expect((await invitations({ touchpoints: ['relationship'] })).totalCount).toBe(7);

    // A second enabled RELATIONSHIP rule could never fire (one cadence per customer): refused by field.
    const second = await app.gql(RULE, { input: { touchpoint: 'relationship_exec', kind: 'RELATIONSHIP', everyDays: 180 } });
    expect(second.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'kind' });
    expect(second.errors?.[0].message).toMatch(/relationship rule of touchpoint relationship .*every 30 days.* is enabled already/);
    const disabled = await app.gql(RULE, {
      input: { touchpoint: 'relationship_exec', kind: 'RELATIONSHIP', everyDays: 180, enabled: false },
    });
    expect(disabled.errors).toBeUndefined();
    const UPDATE = `mutation($id: ID!, $input: UpdateSurveyRuleInput!) { updateSurveyRule(id: $id, input: $input) { enabled everyDays } }`;
    const enable = await app.gql(UPDATE, { id: disabled.data!.createSurveyRule.id, input: { enabled: true } });
    expect(enable.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'enabled' });
    // The enabled one still changes freely.
    const changed = await app.gql(UPDATE, { id: rule.data!.createSurveyRule.id, input: { everyDays: 30 } });
    expect(changed.data!.updateSurveyRule).toEqual({ enabled: true, everyDays: 30 });
  }, 180_000);

  it('importResponses closes the loop by invitationId; unknown or skipped invitations and bad contact fields fail their row only', async () => {
    const [queued] = (await invitations({ touchpoints: ['relationship'], statuses: ['QUEUED'] })).edges.map((e) => e.node.id as string);
    const [skippedId] = (await invitations({ touchpoints: ['relationship'], statuses: ['SKIPPED'] })).edges.map((e) => e.node.id as string);
    const res = await app.gql(
      `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted duplicates errors { index field message } } }`,
      {
        input: [
          { externalId: 'imp-1', score: 10, comment: 'Great partner', invitationId: queued, customer: { externalId: 'r1' } },
          { externalId: 'imp-2', score: 8, invitationId: '0123456789abcdef01234567' },
          { externalId: 'imp-3', score: 3, invitationId: skippedId },
          { externalId: 'imp-4', score: 5, customer: { externalId: 'z1', timeZone: 'Mars/Olympus' } },
          { externalId: 'imp-5', score: 9, customer: { externalId: 'z2', email: 'z2@example.com', locale: 'fr-FR' } },
        ],
      },
    );
    expect(res.errors).toBeUndefined();
    const result = res.data!.importResponses as { accepted: number; errors: { index: number; field: string }[] };
    expect(result.accepted).toBe(2);
    expect(result.errors.map((e) => [e.index, e.field])).toEqual([
      [1, 'invitationId'],
      [2, 'invitationId'],
      [3, 'customer.timeZone'],
    ]);
    const responded = await invitations({ touchpoints: ['relationship'], statuses: ['RESPONDED'] });
    expect(responded.edges.map((e) => e.node.id)).toEqual([queued]);
    const rates = await app.gql(`query { responseRates(filter: { touchpoints: ["relationship"] }) { key invitations responses rate } }`);
    expect(rates.data!.responseRates).toEqual([{ key: 'relationship', invitations: 1, responses: 1, rate: 1 }]);
    // The failed rows stored nothing.
    const stored = await app.gql(`query { responses(first: 50) { edges { node { externalId } } } }`);
    const ids = (stored.data!.responses.edges as { node: { externalId: string } }[]).map((e) => e.node.externalId);
    expect(ids.filter((id) => id.startsWith('imp-')).sort()).toEqual(['imp-1', 'imp-5']);
  }, 120_000);

  it('a scoped MANAGER sees only invitations and response rates within its scope: Nevada never sees Texas', async () => {
    expect((await app.gql(RULE, { input: { touchpoint: 'store_visit' } })).errors).toBeUndefined();
    for (const row of [
      ['v1', 'nv1', 'Nevada'],
      ['v2', 'tx1', 'Texas'],
      ['v3', 'nv2', 'Nevada'],
      ['v4', 'tx2', 'Texas'],
    ])
      expect((await stateEvent('store_visit', '2026-12-28T09:00:00Z', row)).errors).toBeUndefined();
    expect(await tickAt('2026-12-28T10:30:00.000Z')).toMatchObject({ released: 3 });
    expect(await tickAt('2026-12-28T10:31:00.000Z')).toMatchObject({ released: 1 });
    expect((await invitations({ touchpoints: ['store_visit'] })).totalCount).toBe(4);

    const created = await app.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
      input: { name: 'nevada manager', role: 'MANAGER', scope: [{ key: 'state', value: 'Nevada' }] },
    });
    const nevada = createGqlClient(app.url, { authorization: `Bearer ${created.data!.createApiKey.key}` });
    const seen = await nevada(INVITATIONS, { filter: {}, first: 100 });
    expect(seen.errors).toBeUndefined();
    const nodes = (seen.data!.surveyInvitations.edges as { node: { customer: { externalId: string } } }[]).map((e) => e.node);
    expect(seen.data!.surveyInvitations.totalCount).toBe(2);
    expect(nodes.map((n) => n.customer.externalId).sort()).toEqual(['nv1', 'nv2']);
    // Asking for a Texas customer by name finds nothing.
    const texas = await nevada(INVITATIONS, { filter: { customerExternalId: 'tx1' }, first: 10 });
    expect(texas.data!.surveyInvitations).toMatchObject({ totalCount: 0, edges: [] });
    const rates = await nevada(
      `query { responseRates(filter: { touchpoints: ["store_visit"] }, groupBy: ATTRIBUTE, attributeKey: "state") { key invitations } }`,
    );
    expect(rates.errors).toBeUndefined();
    expect(rates.data!.responseRates).toEqual([{ key: 'Nevada', invitations: 2 }]);
    // An unscoped key sees both states.
    const all = await app.gql(
      `query { responseRates(filter: { touchpoints: ["store_visit"] }, groupBy: ATTRIBUTE, attributeKey: "state") { key invitations } }`,
    );
    expect(all.data!.responseRates).toEqual([
      { key: 'Nevada', invitations: 2 },
      { key: 'Texas', invitations: 2 },
    ]);
  }, 120_000);

  it('verbatim import-events records events from CSV (replays are duplicates, bad rows named); verbatim import answers by invitationId', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verbatim-programme-cli-'));
    // The CLI runs as a child process (async: this process serves the API it calls).
    const cli = async (args: string[]) => {
      const argv = ['bin/verbatim.js', ...args, '--url', app.url, '--key', TEST_ADMIN_KEY];
      const res = await promisify(execFile)(process.execPath, argv, { cwd: process.cwd() }).catch(
        (err: { code: number; stdout: string; stderr: string }) => err,
      );
      return { code: 'code' in res ? res.code : 0, out: `${res.stdout}${res.stderr}` };
    };
    const events = join(dir, 'events.csv');
    writeFileSync(
      events,
      [
        'externalId,touchpoint,occurredAt,customerId,customerEmail,customerTimeZone,customerOptedOut,state',
        'csv-1,store_visit,2026-12-28T09:00:00Z,csv-c1,csv-c1@example.com,America/Chicago,false,Texas',
        'csv-1,store_visit,2026-12-28T09:00:00Z,csv-c1,,,,Texas',
        'csv-2,nowhere,2026-12-28T09:00:00Z,csv-c2,,,,Texas',
        'csv-3,store_visit,2026-12-28T09:00:00Z,csv-c3,,Mars/Olympus,,Texas',
      ].join('\n'),
    );
    const imported = await cli(['import-events', events]);
    expect(imported.code).toBe(1);
    expect(imported.out).toMatch(/stored: 1\b/);
    expect(imported.out).toMatch(/duplicates: 1\b/);
    expect(imported.out).toMatch(/line 4: touchpoint: unknown touchpoint nowhere/);
    expect(imported.out).toMatch(/line 5: customer\.timeZone/);
    const replay = await app.gql(EVENT, { input: { externalId: 'csv-1', touchpoint: 'store_visit', customer: { externalId: 'csv-c1' } } });
    expect(replay.data!.recordTouchpointEvent).toMatchObject({ duplicate: true, dueAt: '2026-12-28T09:00:00.000Z' });

    const [nv1] = (await invitations({ customerExternalId: 'nv1' })).edges.map((e) => e.node.id as string);
    const responses = join(dir, 'responses.csv');
    writeFileSync(responses, ['externalId,score,comment,invitationId,customerId', `csv-r1,9,Helpful staff,${nv1},nv1`].join('\n'));
    const answered = await cli(['import', responses]);
    expect(answered).toMatchObject({ code: 0 });
    expect(answered.out).toMatch(/stored: 1\b/);
    expect((await invitations({ customerExternalId: 'nv1' })).edges[0].node.status).toBe('RESPONDED');
  }, 120_000);

  it('survey.due reaches an endpoint of a scoped (Nevada) key with only the invitations inside its scope; an unscoped one gets the batch', async () => {
    expect((await app.gql(RULE, { input: { touchpoint: 'kiosk_visit' } })).errors).toBeUndefined();
    const created = await app.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
      input: { name: 'nevada hooks', role: 'SUBSCRIBER', scope: [{ key: 'state', value: 'Nevada' }] },
    });
    const nevada = createGqlClient(app.url, { authorization: `Bearer ${created.data!.createApiKey.key}` });
    const nevadaReceiver = new WebhookReceiver();
    await nevadaReceiver.listen();
    try {
      const hook = await nevada(`mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id secret } }`, {
        input: { url: nevadaReceiver.url(), events: ['survey.due'] },
      });
      expect(hook.errors).toBeUndefined();
      nevadaReceiver.secret = hook.data!.createWebhook.secret;
      for (const row of [
        ['k1', 'kiosk-nv1', 'Nevada'],
        ['k2', 'kiosk-tx1', 'Texas'],
        ['k3', 'kiosk-nv2', 'Nevada'],
      ])
        expect((await stateEvent('kiosk_visit', '2027-01-04T08:00:00Z', row)).errors).toBeUndefined();
      // Monday 10:00 UTC: one batch with both states.
      expect(await tickAt('2027-01-04T10:00:00.000Z')).toMatchObject({ released: 3 });
      const customersOf = (events: { data: Record<string, any> }[]) =>
        events
          .flatMap((e) => (e.data as Delivery['data']).invitations.map((i) => i.customer.externalId))
          .filter((c) => c.startsWith('kiosk-'));
      await waitFor(async () => customersOf(nevadaReceiver.events()).length >= 2 && customersOf(receiver.events()).length >= 3, {
        what: 'survey.due to the scoped and the unscoped endpoint',
      });
      expect(customersOf(receiver.events()).sort()).toEqual(['kiosk-nv1', 'kiosk-nv2', 'kiosk-tx1']);
      expect(customersOf(nevadaReceiver.events()).sort()).toEqual(['kiosk-nv1', 'kiosk-nv2']);
      expect(nevadaReceiver.requests.every((r) => r.verified)).toBe(true);
      // Each part is an event of its own (Standard Webhooks ids differ), derived from the batch's id.
      const batch = receiver.events().find((e) => customersOf([e]).length > 0)!;
      const part = nevadaReceiver.events()[0];
      expect(part.id).not.toBe(batch.id);
      expect(part.id.startsWith(`${batch.id}:scope-`)).toBe(true);

      // A batch with no Nevada invitation: nothing for the Nevada endpoint.
      expect((await stateEvent('kiosk_visit', '2027-01-04T08:00:00Z', ['k4', 'kiosk-tx2', 'Texas'])).errors).toBeUndefined();
      expect(await tickAt('2027-01-04T10:01:00.000Z')).toMatchObject({ released: 1 });
      await waitFor(async () => customersOf(receiver.events()).includes('kiosk-tx2'), { what: 'the Texas-only batch' });
      expect(nevadaReceiver.events()).toHaveLength(1);
    } finally {
      await nevadaReceiver.close();
    }
  }, 120_000);

  it('a survey still deferred VERBATIM_MAX_DEFER_DAYS (7) after it was due is SKIPPED with DEFERRED_TOO_LONG and its reason', async () => {
    expect((await app.gql(`mutation { setTeamCapacity(team: "tiny", perDay: 1) { perDay } }`)).errors).toBeUndefined();
    expect((await app.gql(RULE, { input: { touchpoint: 'renewal', team: 'tiny' } })).errors).toBeUndefined();
    for (const customer of ['ren-1', 'ren-2'])
      expect(
        (
          await app.gql(EVENT, {
            input: {
              externalId: customer,
              touchpoint: 'renewal',
              occurredAt: '2027-01-05T08:00:00Z',
              customer: { externalId: customer, email: `${customer}@example.com` },
            },
          })
        ).errors,
      ).toBeUndefined();
    // Tuesday: the team's one survey a day goes to ren-1; ren-2 waits for capacity.
    expect(await tickAt('2027-01-05T10:00:00.000Z')).toMatchObject({ released: 1, deferred: 1 });
    // Saturday, 4 days after it was due: still deferred (no business day).
    expect(await tickAt('2027-01-09T10:00:00.000Z')).toMatchObject({ released: 0, skipped: 0, deferred: 1 });
    // Saturday, 11 days after: deferred again would be past the limit, so it is settled as skipped.
    expect(await tickAt('2027-01-16T10:00:00.000Z')).toMatchObject({ released: 0, skipped: 1, deferred: 0 });
    const renewal = await invitations({ touchpoints: ['renewal'] });
    const byCustomer = Object.fromEntries(renewal.edges.map((e) => [e.node.customer.externalId, e.node]));
    expect(byCustomer['ren-1']).toMatchObject({ status: 'QUEUED', skipRule: null });
    expect(byCustomer['ren-2']).toMatchObject({
      status: 'SKIPPED',
      skipRule: 'DEFERRED_TOO_LONG',
      skipReason: 'due 2027-01-05T08:00:00.000Z, still deferred (OUTSIDE_BUSINESS_HOURS) 7 days later',
    });
  }, 120_000);

  it('a database of the version before the day buckets is migrated at start: its pending events and contacts are planned', async () => {
    // The older layout: no day buckets (nor their migration marker); a contact and a pending event
    // written as that version wrote them.
    const client = await new mongoose.mongo.MongoClient(testMongoUri(NAME)).connect();
    let third: TestApp | undefined;
    try {
      const db = client.db();
      await db.collection('programme_day_buckets').drop();
      await db.collection('programme_settings').deleteOne({ _id: 'migration:day-buckets' } as never);
      const contact = (id: string, anchor: string) => ({
        _id: id,
        email: `${id}@example.com`,
        locale: null,
        timeZone: null,
        optedOut: false,
        account: null,
        lastSurveyedAt: null,
        relationshipAnchor: new Date(anchor),
        createdAt: new Date(anchor),
        updatedAt: new Date(anchor),
      });
      await db
        .collection('programme_contacts')
        .insertMany([contact('legacy-1', '2026-12-01T00:00:00Z'), contact('legacy-2', '2027-01-10T00:00:00Z')] as never[]);
      const eventId = new mongoose.Types.ObjectId();
      const dueAt = new Date('2027-01-18T09:00:00Z');
      await db.collection('touchpoint_events').insertOne(pendingEvent('legacy-event', 'legacy-2', 'renewal', dueAt, eventId));
      await db
        .collection('touchpoint_due')
        .insertOne({ _id: eventId, customerId: 'legacy-2', touchpoint: 'renewal', attributes: [], dueAt });

      // A worker of this version starts on it: the migration enters both in the day buckets.
      third = await startTestApp(NAME, {
        roles: ['worker'],
        env: { VERBATIM_DISPATCH_EVERY_SECONDS: '1', VERBATIM_DISPATCH_BATCH_SIZE: '3' },
        now: clock,
      });
      // Monday: the pending event is released, and legacy-1's relationship cadence (started 1 December) is due.
      expect(await tickAt('2027-01-18T10:00:00.000Z')).toMatchObject({ relationship: 1, released: 2 });
      expect((await invitations({ customerExternalId: 'legacy-2' })).edges.map((e) => [e.node.touchpoint, e.node.status])).toEqual([
        ['renewal', 'QUEUED'],
      ]);
      expect((await invitations({ customerExternalId: 'legacy-1' })).edges.map((e) => [e.node.touchpoint, e.node.status])).toEqual([
        ['relationship', 'QUEUED'],
      ]);
    } finally {
      await third?.stop();
      await client.close();
    }
  }, 180_000);

  it('a tick that stopped after storing invitations, before publishing them and settling their events: the next tick sends them, once', async () => {
    expect((await app.gql(RULE, { input: { touchpoint: 'onboarding_done' } })).errors).toBeUndefined();
    const dueAt = new Date('2027-01-19T08:00:00Z');
    const eventIds: Record<string, string> = {};
    for (const customer of ['crash-1', 'crash-2']) {
      const recorded = await app.gql(EVENT, {
        input: {
          externalId: `${customer}-event`,
          touchpoint: 'onboarding_done',
          occurredAt: dueAt.toISOString(),
          customer: { externalId: customer },
        },
      });
      expect(recorded.errors).toBeUndefined();
      eventIds[customer] = recorded.data!.recordTouchpointEvent.id as string;
    }
    // What the stopped run left: its invitations stored (QUEUED), nothing published, the events still
    // PENDING and due. crash-1's has an id of its own (as invitations stored before ids were shared
    // with their events have), crash-2's its event's id.
    const invitationIds = { 'crash-1': new mongoose.Types.ObjectId(), 'crash-2': new mongoose.Types.ObjectId(eventIds['crash-2']) };
    await insertStored(
      'survey_invitations',
      Object.entries(invitationIds).map(([customer, _id]) => ({
        _id,
        eventId: new mongoose.Types.ObjectId(eventIds[customer]),
        customerId: customer,
        touchpoint: 'onboarding_done',
        kind: 'TRANSACTIONAL',
        channel: 'email',
        team: null,
        email: null,
        locale: null,
        timeZone: 'Europe/Berlin',
        account: null,
        attributes: [],
        attributeTags: [],
        dueAt,
        status: 'QUEUED',
        skipRule: null,
        skipDetail: null,
        plannedAt: dueAt,
        sentAt: null,
        respondedAt: null,
        responseId: null,
        expiredAt: null,
      })),
    );

    const crashed = (d: Delivery) => d.data.invitations.filter((i) => i.customer.externalId.startsWith('crash-'));
    expect(await tickAt('2027-01-19T10:00:00.000Z')).toMatchObject({ released: 2 });
    await waitFor(async () => received().flatMap(crashed).length >= 2, { what: 'the stored invitations in a survey.due webhook' });
    expect(
      Object.fromEntries(
        received()
          .flatMap(crashed)
          .map((i) => [i.customer.externalId, i.id]),
      ),
    ).toEqual({
      'crash-1': invitationIds['crash-1'].toHexString(),
      'crash-2': invitationIds['crash-2'].toHexString(),
    });
    // Settled: a later tick neither sends them again nor makes a second invitation.
    await tickAt('2027-01-19T10:01:00.000Z');
    for (const [customer, id] of Object.entries(invitationIds))
      expect((await invitations({ customerExternalId: customer })).edges.map((e) => [e.node.id, e.node.status])).toEqual([
        [id.toHexString(), 'QUEUED'],
      ]);
    expect(received().flatMap(crashed)).toHaveLength(2);
  }, 120_000);

  it('an event stored without its queue entry (the write failed, the caller retried) is planned when its replay arrives, by either mutation', async () => {
    expect((await app.gql(RULE, { input: { touchpoint: 'renewal_done' } })).errors).toBeUndefined();
    const dueAt = new Date('2027-01-26T08:00:00Z');
    // What a failed record left: the event stored PENDING, nothing in the due queue.
    await insertStored(
      'touchpoint_events',
      ['lost-1', 'lost-2'].map((customer) => pendingEvent(`${customer}-event`, customer, 'renewal_done', dueAt)),
    );
    const replay = (customer: string) => ({
      externalId: `${customer}-event`,
      touchpoint: 'renewal_done',
      occurredAt: dueAt.toISOString(),
      customer: { externalId: customer },
    });
    const lost = async () => (await invitations({ touchpoints: ['renewal_done'] })).edges.map((e) => e.node.customer.externalId).sort();
    // Before the replays no tick sees them.
    await tickAt('2027-01-26T10:00:00.000Z');
    expect(await lost()).toEqual([]);

    const one = await app.gql(EVENT, { input: replay('lost-1') });
    expect(one.errors).toBeUndefined();
    expect(one.data!.recordTouchpointEvent).toMatchObject({ duplicate: true, status: 'PENDING' });
    const many = await app.gql(
      `mutation($input: [TouchpointEventInput!]!) { importTouchpointEvents(input: $input) { accepted duplicates } }`,
      {
        input: [replay('lost-2')],
      },
    );
    expect(many.data!.importTouchpointEvents).toEqual({ accepted: 0, duplicates: 1 });

    // Due since 08:00, they come before anything the cadence made due at 10:00.
    await tickAt('2027-01-26T10:01:00.000Z');
    expect(await lost()).toEqual(['lost-1', 'lost-2']);
    // Replayed again after they were planned: no second invitation.
    await app.gql(EVENT, { input: replay('lost-1') });
    await tickAt('2027-01-26T10:02:00.000Z');
    expect(await lost()).toEqual(['lost-1', 'lost-2']);
  }, 120_000);
});

describe('journey', () => {
  it('setJourney orders the touchpoints (ADMIN only), names a bad entry by field, and an empty list goes back to the default', async () => {
    const SET = `mutation($touchpoints: [String!]!) { setJourney(touchpoints: $touchpoints) }`;
    expect((await app.gql(`{ journey }`)).data!.journey).toEqual([]);
    const set = await app.gql(SET, { touchpoints: ['onboarding_done', 'order_delivered', 'renewal_done'] });
    expect(set.errors).toBeUndefined();
    expect(set.data!.setJourney).toEqual(['onboarding_done', 'order_delivered', 'renewal_done']);
    expect((await app.gql(`{ journey }`)).data!.journey).toEqual(['onboarding_done', 'order_delivered', 'renewal_done']);

    const twice = await app.gql(SET, { touchpoints: ['renewal_done', 'bad name!', 'renewal_done'] });
    expect(twice.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'touchpoints.1' });
    expect(JSON.stringify(twice.errors?.[0].extensions)).toContain('renewal_done is listed twice');
    // A refused change changes nothing.
    expect((await app.gql(`{ journey }`)).data!.journey).toEqual(['onboarding_done', 'order_delivered', 'renewal_done']);

    const key = await app.gql(`mutation { createApiKey(input: { name: "pm", role: ANALYST }) { key } }`);
    const analyst = createGqlClient(app.url, { authorization: `Bearer ${key.data!.createApiKey.key}` });
    expect((await analyst(SET, { touchpoints: ['renewal_done'] })).errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect((await analyst(`{ journey }`)).data!.journey).toEqual(['onboarding_done', 'order_delivered', 'renewal_done']);

    expect((await app.gql(SET, { touchpoints: [] })).data!.setJourney).toEqual([]);
  });
});

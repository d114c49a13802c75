/**
 * People notifications end to end: real FerretDB, Redis/BullMQ workers, a local SMTP server
 * (smtp-server) and local webhook receivers standing in for Slack, Teams and an SMS gateway. An
 * alert reaches its assignee on every channel with the documented payload shapes, once per alert,
 * recipient and channel (also with a duplicated job, and a failing channel retried without holding
 * up the others); a DIGEST team gets one mail for several alerts at its local hour (clock moved by
 * the test); an SLA breach escalates to the rule's `escalateTo` once, recorded in the history, with
 * two workers sweeping; an SLA in business hours skips days off; bad input names the field.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBusinessHours, localParts } from '../../src/domain/business-calendar.js';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.js';
import { testRedisUrl } from '../helpers/services.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { MailReceiver } from '../helpers/mail-receiver.js';

const NAME = 'notifications';
const SET = `mutation($input: NotificationPreferencesInput!) { setNotificationPreferences(input: $input) { recipient email slackWebhookUrl teamsWebhookUrl smsWebhookUrl phone channels mode digestHour timeZone } }`;
const CREATE_RULE = `mutation($input: RoutingRuleInput!) { createRoutingRule(input: $input) { id slaBusinessHours escalateTo } }`;
const SUBMIT = `mutation($input: ResponseInput!) { submitResponse(input: $input) { id } }`;
const ALERT = `query($id: ID!) { alert(id: $id) { id assignee raisedAt dueAt slaBreached escalatedTo history { actor action from to note } } }`;
const DELIVERIES = `query($filter: NotificationDeliveryFilter) { notificationDeliveries(filter: $filter, first: 100) {
  nodes { id kind alertId recipient preferenceId channel status attempts lastError digestId period sentAt } pageInfo { hasNextPage endCursor } } }`;

interface Delivery {
  id: string;
  kind: string;
  alertId: string | null;
  recipient: string;
  preferenceId: string;
  channel: string;
  status: string;
  attempts: number;
  lastError: string | null;
  digestId: string | null;
  period: string | null;
}

let clock: Date | null = null;
let app: TestApp;
let second: TestApp | null = null;
const smtp = new MailReceiver();
const slack = new WebhookReceiver();
const teams = new WebhookReceiver();
const sms = new WebhookReceiver();
const mailsTo = (address: string) => smtp.mailsTo(address);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function data(query: string, variables: Record<string, unknown> = {}) {
  const res = await app.gql(query, variables);
  expect(res.errors, query).toBeUndefined();
  return res.data!;
}

const deliveries = async (filter: Record<string, unknown>) =>
  (await data(DELIVERIES, { filter })).notificationDeliveries.nodes as Delivery[];

async function rule(input: Record<string, unknown>): Promise<string> {
  return (await data(CREATE_RULE, { input: { assignMode: 'FIXED', categories: ['DETRACTOR'], ...input } })).createRoutingRule.id as string;
}

async function raise(touchpoint: string, comment: string, ruleId: string): Promise<string> {
  const id = (await data(SUBMIT, { input: { score: 1, comment, touchpoint, customer: { externalId: `cust-${touchpoint}` } } }))
    .submitResponse.id as string;
  const alertId = `${id}:${ruleId}`;
  await waitFor(async () => (await app.gql(ALERT, { id: alertId })).data?.alert, { timeoutMs: 60_000, what: `alert of ${touchpoint}` });
  return alertId;
}

beforeAll(async () => {
  await smtp.listen();
  await Promise.all([slack.listen(), teams.listen(), sms.listen()]);
  // The SMS gateway fails twice (HTTP 503), then accepts: retried with backoff, not holding up the rest.
  sms.status = (n) => (n < 2 ? 503 : 200);
  app = await startTestApp(NAME, {
    roles: ['api', 'worker'],
    env: {
      VERBATIM_SMTP_URL: smtp.url,
      VERBATIM_MAIL_FROM: 'Verbatim Alerts <alerts@example.com>',
      VERBATIM_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      VERBATIM_NOTIFY_CHECK_EVERY_SECONDS: '1',
      VERBATIM_NOTIFY_BACKOFF_MS: '200',
      VERBATIM_SLA_CHECK_EVERY_SECONDS: '1',
    },
    now: () => clock ?? new Date(),
  });
}, 120_000);

afterAll(async () => {
  await second?.stop();
  await app?.stop();
  await smtp.close();
  await Promise.all([slack.close(), teams.close(), sms.close()]);
});

describe('notifying people about alerts', { timeout: 180_000 }, () => {
  it('refuses bad e-mails, URLs (same host policy as webhooks), hours and time zones, naming the field; ADMIN only', async () => {
    for (const [input, field] of [
      [{ recipient: 'ana', email: 'nope' }, 'input.email'],
      [{ recipient: 'ana', slackWebhookUrl: 'not a url' }, 'input.slackWebhookUrl'],
      [{ recipient: 'ana', teamsWebhookUrl: 'http://10.0.0.1/hook' }, 'input.teamsWebhookUrl'],
      [{ recipient: 'ana', smsWebhookUrl: 'http://169.254.169.254/latest' }, 'input.smsWebhookUrl'],
      [{ recipient: 'ana', email: 'ana@acme.test', mode: 'DIGEST', digestHour: 24 }, 'input.digestHour'],
      [{ recipient: 'ana', email: 'ana@acme.test', timeZone: 'Mars/Olympus' }, 'input.timeZone'],
      [{ recipient: 'ana', email: 'ana@acme.test', phone: '12' }, 'input.phone'],
      [{ recipient: '' }, 'input.recipient'],
    ] as const) {
      const res = await app.gql(SET, { input });
      expect(res.errors?.[0].extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(JSON.stringify(res.errors)).not.toMatch(/\bat \S+\.ts:\d+/);
    }
    const bad = await app.gql(CREATE_RULE, { input: { name: 'x', assignMode: 'FIXED', assignee: 'a', escalateTo: 'a|b' } });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.escalateTo' });
    const key = (
      await data(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
        input: { name: 'nv', role: 'MANAGER', scope: [{ key: 'region', value: 'Nevada' }] },
      })
    ).createApiKey.key as string;
    const manager = app.as(key);
    expect((await manager(SET, { input: { recipient: 'ana', email: 'ana@acme.test' } })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await manager(`{ notificationPreferences { nodes { recipient } } }`)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await manager(DELIVERIES, {})).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await data(`{ notificationPreferences { nodes { recipient } } }`)).notificationPreferences.nodes).toEqual([]);
  });

  it('tells the assignee at once by e-mail, Slack, Teams and SMS, once per channel, retrying the failing one', async () => {
    const set = await data(SET, {
      input: {
        recipient: 'ana@acme.test',
        slackWebhookUrl: slack.url(),
        teamsWebhookUrl: teams.url(),
        smsWebhookUrl: sms.url(),
        phone: '+15550001111',
        timeZone: 'Europe/Berlin',
      },
    });
    // The chat URLs are credentials: only their origin is shown.
    expect(set.setNotificationPreferences).toMatchObject({
      recipient: 'ana@acme.test',
      email: 'ana@acme.test',
      slackWebhookUrl: `http://127.0.0.1:${slack.port}/…`,
      channels: ['EMAIL', 'SLACK', 'TEAMS', 'SMS'],
      mode: 'IMMEDIATE',
    });
    const ruleId = await rule({ name: 'Renewals', touchpoints: ['renewal-now'], assignee: 'ana@acme.test', team: 'emea' });
    const comment = 'We are cancelling <b>today</b> & switching: <https://evil.test|your invoice>';
    const alertId = await raise('renewal-now', comment, ruleId);

    const [mail] = await waitFor(async () => (mailsTo('ana@acme.test').length ? mailsTo('ana@acme.test') : null), {
      what: 'the alert e-mail',
    });
    expect(mail.subject).toMatch(/^New (CRITICAL|HIGH|MEDIUM) alert for ana@acme\.test: Recovery call$/);
    expect(mail.from?.text).toContain('alerts@example.com');
    expect(mail.text).toContain(`Verbatim: "${comment}"`);
    expect(mail.text).toContain(`Alert id: ${alertId}`);
    expect(mail.html).toContain('We are cancelling &lt;b&gt;today&lt;/b&gt; &amp; switching: &lt;https://evil.test|your invoice&gt;');
    expect(mail.html).not.toMatch(/<a\s|Bearer|vbt_/);

    const slackBody = await waitFor(async () => slack.requests[0]?.body as any, { what: 'the Slack message' });
    expect(slackBody.text).toMatch(/alert for ana@acme\.test/);
    expect(slackBody.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(slackBody.blocks[1]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    expect(slackBody.blocks[1].text.text).toContain('&lt;https://evil.test|your invoice&gt;');
    expect(slackBody.blocks[1].fields).toEqual(expect.arrayContaining([{ type: 'mrkdwn', text: '*Customer*\ncust-renewal-now' }]));

    const teamsBody = await waitFor(async () => teams.requests[0]?.body as any, { what: 'the Teams card' });
    expect(teamsBody.type).toBe('message');
    expect(teamsBody.attachments).toHaveLength(1);
    expect(teamsBody.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(teamsBody.attachments[0].content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(teamsBody.attachments[0].content.body.map((b: { type: string }) => b.type)).toContain('FactSet');

    // The gateway refused twice; the third attempt went through. Nothing else waited for it.
    const smsBody = await waitFor(async () => sms.requests.find((r) => r.status === 200)?.body as any, { what: 'the SMS' });
    expect(Object.keys(smsBody).sort()).toEqual(['text', 'to']);
    expect(smsBody.to).toBe('+15550001111');
    expect(smsBody.text).toMatch(/^Verbatim: new \w+ alert for ana@acme\.test\. Recovery call, customer cust-renewal-now, score 1\/10/);
    expect(sms.requests.map((r) => r.status)).toEqual([503, 503, 200]);

    const log = await waitFor(
      async () => {
        const rows = await deliveries({ alertId });
        return rows.length === 4 && rows.every((r) => r.status === 'SENT') ? rows : null;
      },
      { what: 'four SENT deliveries' },
    );
    expect(Object.fromEntries(log.map((r) => [r.channel, r.attempts]))).toEqual({ EMAIL: 1, SLACK: 1, TEAMS: 1, SMS: 3 });
    expect(log.every((r) => r.kind === 'ALERT' && r.recipient === 'ana@acme.test' && r.preferenceId === 'ana@acme.test')).toBe(true);

    // A duplicated send job (another id, same delivery) and a reassignment back to ana send nothing more.
    const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const queue = new Queue('notifications', { connection: redis, prefix: app.config.VERBATIM_QUEUE_PREFIX });
    await queue.add('send-notification', { deliveryId: log.find((r) => r.channel === 'SLACK')!.id }, { jobId: 'duplicate-1' });
    await waitFor(async () => (await queue.getJob('duplicate-1'))?.finishedOn, { what: 'the duplicated job' });
    expect((await queue.getJob('duplicate-1'))?.returnvalue).toBe('ALREADY_SENT');
    await queue.close();
    redis.disconnect();
    const REASSIGN = `mutation($id: ID!, $to: String!) { reassignAlert(id: $id, assignee: $to) { assignee } }`;
    // Reassigned to bob, he is told (by the API process that reassigned it); back to ana, she is not told twice.
    await data(SET, { input: { recipient: 'bob', email: 'bob@acme.test' } });
    await data(REASSIGN, { id: alertId, to: 'bob' });
    const [bobs] = await waitFor(async () => (mailsTo('bob@acme.test').length ? mailsTo('bob@acme.test') : null), {
      what: 'the reassignment e-mail',
    });
    expect(bobs.subject).toMatch(/alert for bob: Recovery call$/);
    await data(REASSIGN, { id: alertId, to: 'ana@acme.test' });
    await sleep(3_000);
    expect(mailsTo('bob@acme.test')).toHaveLength(1);
    expect(mailsTo('ana@acme.test')).toHaveLength(1);
    expect(slack.requests).toHaveLength(1);
    expect(teams.requests).toHaveLength(1);
    expect(sms.requests).toHaveLength(3);
  });

  it('gathers a DIGEST team’s alerts into one e-mail at its local hour, once', async () => {
    const zone = 'America/New_York';
    const digestHour = (localParts(new Date(), zone).hour + 2) % 24;
    await data(SET, { input: { recipient: 'digest-team', email: 'team@acme.test', mode: 'DIGEST', digestHour, timeZone: zone } });
    // The assignee has no preferences of their own: their team's apply.
    const ruleId = await rule({ name: 'Digest', touchpoints: ['digest-tp'], assignee: 'dan', team: 'digest-team' });
    const alertIds = [];
    for (const text of ['Too slow, cancelling', 'Billing is wrong again', 'Support never answers'])
      alertIds.push(await raise('digest-tp', text, ruleId));
    const queued = await waitFor(
      async () => {
        const rows = await deliveries({ recipient: 'dan' });
        return rows.length === 3 && rows.every((r) => r.status === 'QUEUED_FOR_DIGEST') ? rows : null;
      },
      { what: 'three queued notifications' },
    );
    expect(queued.every((r) => r.preferenceId === 'digest-team' && r.channel === 'EMAIL')).toBe(true);
    // Rounds before the digest hour send nothing.
    await sleep(2_500);
    expect(mailsTo('team@acme.test')).toHaveLength(0);

    clock = new Date(Date.now() + 2.5 * 3_600_000);
    const [digest] = await waitFor(async () => (mailsTo('team@acme.test').length ? mailsTo('team@acme.test') : null), {
      what: 'the digest e-mail',
    });
    expect(digest.subject).toBe('Verbatim daily digest: 3 new alerts for digest-team');
    for (const id of alertIds) expect(digest.text).toContain(`Alert id: ${id}`);
    expect(digest.text).toContain('Billing is wrong again');
    await sleep(3_000);
    expect(mailsTo('team@acme.test')).toHaveLength(1);
    const rows = await deliveries({ recipient: 'dan' });
    // The digest is of the local day its hour fell on (clock may be past local midnight by then).
    let digestTime = clock;
    while (localParts(digestTime, zone).hour !== digestHour) digestTime = new Date(digestTime.getTime() - 3_600_000);
    const period = localParts(digestTime, zone);
    const digestId = `DIGEST|${period.year}-${String(period.month).padStart(2, '0')}-${String(period.day).padStart(2, '0')}|digest-team|EMAIL`;
    expect(rows.every((r) => r.status === 'IN_DIGEST' && r.digestId === digestId)).toBe(true);
    expect(await deliveries({ recipient: 'digest-team' })).toEqual([
      expect.objectContaining({ id: digestId, kind: 'DIGEST', status: 'SENT', attempts: 1, alertId: null }),
    ]);
    clock = null;
  });

  it('escalates an SLA breach to the rule’s escalateTo once, recorded in the history, with two workers sweeping', async () => {
    await data(SET, { input: { recipient: 'manager@acme.test', slackWebhookUrl: slack.url() } });
    const created = await data(CREATE_RULE, {
      input: {
        name: 'Escalating',
        assignMode: 'FIXED',
        touchpoints: ['escalate-tp'],
        assignee: 'eve',
        slaHours: 0.0003,
        escalateTo: 'manager@acme.test',
      },
    });
    expect(created.createRoutingRule.escalateTo).toBe('manager@acme.test');
    // The second worker starts after the rule exists: one that had read the rules before would keep routing by its
    // cached copy for up to 5 s (rule-cache.ts), sending this detractor down the default route instead.
    second = await startTestApp(NAME, {
      roles: ['worker'],
      env: {
        VERBATIM_SMTP_URL: app.config.VERBATIM_SMTP_URL!,
        VERBATIM_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
        VERBATIM_NOTIFY_CHECK_EVERY_SECONDS: '1',
        VERBATIM_SLA_CHECK_EVERY_SECONDS: '1',
      },
    });
    const alertId = await raise('escalate-tp', 'Nobody called me back', created.createRoutingRule.id);
    const alert = await waitFor(
      async () => {
        const a = (await app.gql(ALERT, { id: alertId })).data?.alert;
        return a?.escalatedTo ? a : null;
      },
      { what: 'the escalation' },
    );
    expect(alert.history.map((h: { action: string }) => h.action)).toEqual(['RAISED', 'SLA_BREACHED', 'ESCALATED']);
    expect(alert.history[2]).toMatchObject({ actor: 'system', from: 'eve', to: 'manager@acme.test' });
    const [mail] = await waitFor(async () => (mailsTo('manager@acme.test').length ? mailsTo('manager@acme.test') : null), {
      what: 'the escalation e-mail',
    });
    expect(mail.subject).toMatch(/^Escalation: \w+ alert assigned to eve is past its SLA$/);
    expect(mail.text).toContain('Escalated to: manager@acme.test');
    await waitFor(async () => slack.requests.some((r) => String((r.body as any).text).startsWith('Escalation')), {
      what: 'the Slack escalation',
    });
    // Many more sweeps by both workers: still one ESCALATED, one mail, one Slack message.
    await sleep(4_000);
    const after = (await app.gql(ALERT, { id: alertId })).data!.alert;
    expect(after.history.filter((h: { action: string }) => h.action === 'ESCALATED')).toHaveLength(1);
    expect(mailsTo('manager@acme.test')).toHaveLength(1);
    expect(slack.requests.filter((r) => String((r.body as any).text).startsWith('Escalation'))).toHaveLength(1);
    const escalations = (await deliveries({ alertId })).filter((r) => r.kind === 'ESCALATION');
    expect(escalations.map((r) => [r.channel, r.status]).sort()).toEqual([
      ['EMAIL', 'SENT'],
      ['SLACK', 'SENT'],
    ]);
    // Later tests create rules: only the in-process worker, whose rule cache those writes clear at once.
    await second?.stop();
    second = null;
  });

  it('counts an SLA in business hours of the business calendar, skipping days off', async () => {
    // Only the day after tomorrow (UTC) is a business day: today and tomorrow are skipped.
    const later = new Date(Date.now() + 2 * 86_400_000);
    const workday = ((later.getUTCDay() + 6) % 7) + 1;
    const calendar = { workdays: [workday], holidays: [], openHour: 9, closeHour: 17, timeZone: 'UTC' };
    await data(`mutation($input: BusinessCalendarInput!) { setBusinessCalendar(input: $input) { timeZone } }`, { input: calendar });
    const created = await data(CREATE_RULE, {
      input: { name: 'Business hours', assignMode: 'FIXED', touchpoints: ['bh-tp'], assignee: 'fay', slaHours: 2, slaBusinessHours: true },
    });
    expect(created.createRoutingRule.slaBusinessHours).toBe(true);
    const alertId = await raise('bh-tp', 'Still waiting', created.createRoutingRule.id);
    const alert = (await app.gql(ALERT, { id: alertId })).data!.alert;
    const raisedAt = new Date(alert.raisedAt);
    expect(new Date(alert.dueAt).toISOString()).toBe(addBusinessHours(raisedAt, 2, 'UTC', calendar).toISOString());
    expect(alert.dueAt.slice(0, 10)).toBe(later.toISOString().slice(0, 10));
    expect(new Date(alert.dueAt).getUTCHours()).toBe(11);
  });
});

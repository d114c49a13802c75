/**
 * Subscribed weekly reports end to end: a real local SMTP server (smtp-server), real FerretDB and
 * Redis/BullMQ, and a clock the test moves. A recipient scoped to Nevada in Los Angeles gets the
 * report at 08:00 on Monday local time, once, with the figures the GraphQL queries give; a missed
 * run of weeks sends one late report, not one per week, even with two workers; a failing mailbox
 * is retried with backoff without holding up the others.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitFor, type GqlClient, type TestApp } from '../helpers/app.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { MailReceiver, smtpError } from '../helpers/mail-receiver.js';
import { ARTIFACTS_DIR } from '../helpers/browser.js';
import { lastCompleteWeek } from '../../src/services/reports/report-week.js';

const NAME = 'report-mail';
const NEVADA = [{ key: 'region', value: 'Nevada' }];
const DAY = 86_400_000;
// The week reported: the last complete one (responses may not lie in the future of the real clock).
const WEEK = lastCompleteWeek(new Date());
// Monday after it, 08:00 in Los Angeles (PST, UTC−8, in winter; PDT UTC−7 in summer).
const SLOT_UTC_HOUR = isSummerInLosAngeles(WEEK.to) ? 15 : 16;
const SLOT = new Date(WEEK.to.getTime() + SLOT_UTC_HOUR * 3_600_000);

function isSummerInLosAngeles(date: Date): boolean {
  return new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', timeZoneName: 'short' }).format(date).includes('PDT');
}

const COMMENTS = [
  'Support was quick and friendly, they fixed our import in minutes',
  'Great product, the new dashboard saves me an hour a week',
  'Easy to use and the onboarding call was excellent',
  'Fine overall, reports could load faster',
  'We were charged twice and the invoice is still wrong',
  'Support never answers our tickets, we are switching to a competitor',
  'The app is slow and crashes when exporting',
];
const EARLIER = [
  'Love the product',
  'Support is helpful',
  'Pricing is too high for what we get',
  'Slow support responses',
  'The dashboard is great',
  'Billing errors again',
];

let clock = new Date(SLOT.getTime() - 3_600_000);
const smtp = new MailReceiver();
let failuresLeft = 2;
let app: TestApp;
let second: TestApp | null = null;
let manager: GqlClient;
const receiver = new WebhookReceiver();

const CREATE = `mutation($input: CreateReportSubscriptionInput!) { createReportSubscription(input: $input) { id scope { key value } weekday hour timeZone } }`;
const DELIVERIES = `{ reportDeliveries { subscriptionId period week recipient status attempts lastError sentAt } }`;
const mailsTo = (address: string) => smtp.mailsTo(address);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function data(client: GqlClient, query: string, variables: Record<string, unknown> = {}) {
  const res = await client(query, variables);
  expect(res.errors, query).toBeUndefined();
  return res.data!;
}

beforeAll(async () => {
  // One mailbox fails twice (temporary error), then accepts.
  smtp.refuse = (address) => {
    if (address !== 'flaky@example.com' || failuresLeft === 0) return null;
    failuresLeft--;
    return smtpError('mailbox busy, try later', 451);
  };
  await smtp.listen();
  // A webhook receiver for the report.weekly event.
  await receiver.listen();
  const env = {
    VERBATIM_SMTP_URL: smtp.url,
    VERBATIM_MAIL_FROM: 'Verbatim Reports <reports@example.com>',
    VERBATIM_REPORT_CHECK_EVERY_SECONDS: '1',
    VERBATIM_REPORT_BACKOFF_MS: '300',
    VERBATIM_REPORT_ATTEMPTS: '5',
    VERBATIM_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
  };
  app = await startTestApp(NAME, { roles: ['api', 'worker'], env, now: () => clock });
  const at = (day: number, hour = 12) => new Date(WEEK.from.getTime() + day * DAY + hour * 3_600_000).toISOString();
  const input = [
    ...[10, 9, 9, 7, 3, 0, 6].map((score, i) => ({
      externalId: `nv-${i}`,
      score,
      comment: COMMENTS[i],
      respondedAt: at(i),
      attributes: [...NEVADA, { key: 'account_manager', value: i % 2 ? 'ana' : 'ben' }],
    })),
    // Twelve earlier weeks of Nevada answers, so the trend has a line (4 a week, scores drifting).
    ...Array.from({ length: 48 }, (_, i) => ({
      externalId: `nv-old-${i}`,
      score: [10, 9, 8, 5, 9, 6, 10, 7][(i + Math.floor(i / 4)) % 8],
      comment: EARLIER[i % EARLIER.length],
      respondedAt: at(-7 * (1 + Math.floor(i / 4)) + (i % 4)),
      attributes: NEVADA,
    })),
    ...[1, 2, 10].map((score, i) => ({
      externalId: `tx-${i}`,
      score,
      comment: 'Armadillo sync breaks',
      respondedAt: at(i),
      attributes: [{ key: 'region', value: 'Texas' }],
    })),
  ];
  await data(app.gql, `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted } }`, { input });
  await waitFor(
    async () =>
      (await data(app.gql, `{ responses(filter: { analysisStatus: DONE }) { totalCount } }`)).responses.totalCount === input.length,
    {
      timeoutMs: 90_000,
      what: 'responses analysed',
    },
  );
  const created = await data(app.gql, `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
    input: { name: 'nv', role: 'MANAGER', scope: NEVADA },
  });
  manager = app.as(created.createApiKey.key);
  const hookUrl = receiver.url();
  await data(app.gql, `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id } }`, {
    input: { url: hookUrl, events: ['report.weekly'] },
  });
}, 150_000);

afterAll(async () => {
  await second?.stop();
  await app?.stop();
  await smtp.close();
  await receiver.close();
});

describe('report subscriptions', { timeout: 180_000 }, () => {
  it('refuses bad e-mail addresses, schedules (schedule, weekday, hour) and time zones, naming the field', async () => {
    const base = {
      recipient: { email: 'ana@example.com' },
      schedule: 'WEEKLY',
      weekday: 'MONDAY',
      hour: 8,
      timeZone: 'America/Los_Angeles',
    };
    for (const [input, field] of [
      [{ ...base, recipient: { email: 'not-an-address' } }, 'input.recipient.email'],
      [{ ...base, recipient: { email: 'ana@example' } }, 'input.recipient.email'],
      [{ ...base, recipient: { email: 'ana smith@example.com' } }, 'input.recipient.email'],
      [{ ...base, recipient: { email: 'ana@example.com, eve@example.com' } }, 'input.recipient.email'],
      [{ ...base, recipient: { email: 'ana@example.com\r\nBcc: eve@example.com' } }, 'input.recipient.email'],
      [{ ...base, hour: 24 }, 'input.hour'],
      [{ ...base, hour: -1 }, 'input.hour'],
      [{ ...base, hour: 7.5 }, 'input.hour'],
      [{ ...base, schedule: 'DAILY' }, 'input.schedule'],
      [{ ...base, weekday: 'FUNDAY' }, 'input.weekday'],
      [{ ...base, timeZone: 'Mars/Olympus' }, 'input.timeZone'],
      [{ ...base, timeZone: '' }, 'input.timeZone'],
      [{ ...base, timeZone: 'PST8PDT; DROP' }, 'input.timeZone'],
      [{ ...base, recipient: { email: 'ana@example.com', name: 'Ana\r\nBcc: x@example.com' } }, 'input.recipient.name'],
    ] as const) {
      const res = await app.gql(CREATE, { input });
      expect(res.errors?.[0].extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const other = await manager(CREATE, { input: { ...base, scope: [{ key: 'region', value: 'Texas' }] } });
    expect(other.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'input.scope' });
    expect((await data(app.gql, '{ reportSubscriptions { id } }')).reportSubscriptions).toEqual([]);
  });

  it('sends a region manager the report at 08:00 on Monday in their time zone, once, with the GraphQL figures', async () => {
    const base = { schedule: 'WEEKLY', weekday: 'MONDAY', hour: 8, timeZone: 'America/Los_Angeles' };
    // The MANAGER key's own scope applies: its subscription is scoped to Nevada.
    const nv = (
      await data(manager, CREATE, { input: { ...base, recipient: { email: 'nevada.manager@example.com', name: 'Nevada Manager' } } })
    ).createReportSubscription;
    expect(nv.scope).toEqual(NEVADA);
    await data(app.gql, CREATE, { input: { ...base, recipient: { email: 'flaky@example.com' }, scope: NEVADA } });
    // An hour before the slot: several scheduler rounds, nothing sent.
    await sleep(3_000);
    expect(smtp.received).toHaveLength(0);

    clock = new Date(SLOT.getTime() + 30_000);
    const [mail] = await waitFor(
      async () => (mailsTo('nevada.manager@example.com').length ? mailsTo('nevada.manager@example.com') : null),
      { timeoutMs: 30_000, what: 'the report e-mail' },
    );
    expect(mail.subject).toBe(`NPS weekly report ${WEEK.key} — region = Nevada`);
    expect(mail.from?.text).toContain('reports@example.com');
    const report = (
      await data(manager, `query($week: String) { weeklyReport(week: $week) { text html weekNps { nps marginOfError responses } } }`, {
        week: WEEK.key,
      })
    ).weeklyReport;
    expect(mail.text?.trim()).toBe(report.text.trim());
    expect(mail.html).toBe(report.html);
    // Kept for docs/reports.md (scripts/report-screenshot.ts renders it with headless Chromium).
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    writeFileSync(`${ARTIFACTS_DIR}weekly-report.html`, String(mail.html));
    // And those figures are the nps query's for the scope and week.
    const nps = (
      await data(manager, `query($f: ResponseFilter) { nps(filter: $f) { nps marginOfError responses } }`, {
        f: { from: WEEK.from, to: WEEK.to },
      })
    ).nps;
    expect(report.weekNps).toEqual(nps);
    expect(nps.responses).toBe(7);
    expect(mail.text).toContain(`Week ${WEEK.key}: ${String(nps.nps).replace(/\.0+$/, '')}`);
    expect(mail.text).not.toMatch(/Armadillo|Texas/);

    // The flaky mailbox got it after two refusals; the Nevada manager was not held up by it.
    await waitFor(async () => mailsTo('flaky@example.com').length === 1, { timeoutMs: 30_000, what: 'the retried e-mail' });
    const log = (await data(app.gql, DELIVERIES)).reportDeliveries as {
      recipient: string;
      status: string;
      attempts: number;
      period: string;
      week: string;
    }[];
    expect(log.find((d) => d.recipient === 'flaky@example.com')).toMatchObject({
      status: 'SENT',
      attempts: 3,
      week: WEEK.key,
      period: SLOT.toISOString().slice(0, 10),
    });
    expect(log.find((d) => d.recipient === 'nevada.manager@example.com')).toMatchObject({ status: 'SENT', attempts: 1 });

    // The same report went out as a report.weekly webhook event, once per delivery, without the address.
    const event = await waitFor(async () => receiver.events().find((e) => e.type === 'report.weekly' && e.data.subscriptionId === nv.id), {
      timeoutMs: 30_000,
      what: 'report.weekly event',
    });
    expect(event.data).toMatchObject({ week: WEEK.key, scope: NEVADA, hasResponses: true });
    expect(event.data.weekNps).toMatchObject({ nps: nps.nps, marginOfError: nps.marginOfError, responses: 7 });
    expect(event.data.text.trim()).toBe(report.text.trim());
    expect(JSON.stringify(event)).not.toContain('nevada.manager@example.com');

    // More rounds in the same period: nothing more.
    await sleep(3_000);
    expect(mailsTo('nevada.manager@example.com')).toHaveLength(1);
    // The scoped key sees its subscriptions and deliveries only.
    expect((await data(manager, DELIVERIES)).reportDeliveries.length).toBe(2);
  });

  it('after three missed weeks sends one late report, not three, with two workers running', async () => {
    second = await startTestApp(NAME, {
      roles: ['worker'],
      env: {
        VERBATIM_SMTP_URL: app.config.VERBATIM_SMTP_URL!,
        VERBATIM_REPORT_CHECK_EVERY_SECONDS: '1',
        VERBATIM_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      },
      now: () => clock,
    });
    clock = new Date(SLOT.getTime() + 21 * DAY + 5 * 3_600_000);
    await waitFor(async () => mailsTo('nevada.manager@example.com').length >= 2, { timeoutMs: 30_000, what: 'the late report' });
    await sleep(4_000);
    const mails = mailsTo('nevada.manager@example.com');
    expect(mails).toHaveLength(2);
    // One event per subscription and period: two subscriptions, two periods.
    await waitFor(async () => receiver.events().filter((e) => e.type === 'report.weekly').length >= 4, {
      timeoutMs: 30_000,
      what: 'the late report events',
    });
    expect(receiver.events().filter((e) => e.type === 'report.weekly')).toHaveLength(4);
    expect(mails[1].subject).toBe(`NPS weekly report ${lastCompleteWeek(new Date(SLOT.getTime() + 21 * DAY)).key} — region = Nevada`);
  });
});

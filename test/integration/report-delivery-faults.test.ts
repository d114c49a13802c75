/**
 * Weekly reports when mail cannot go out, against real FerretDB, Redis/BullMQ, a local SMTP server
 * (smtp-server) and the shared webhook receiver, with a clock the test moves:
 * - without VERBATIM_SMTP_URL the delivery is logged NO_SMTP, the report still goes out as the
 *   `report.weekly` webhook event and stays available over GraphQL;
 * - an SMTP server that is down is retried with backoff and logged per delivery (attempts, last
 *   error) until it comes back; a mailbox that always refuses ends FAILED without holding up the
 *   other recipient;
 * - a scope without responses is mailed a report that says so (HTML and text), never NaN.
 */
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitFor, type GqlClient, type TestApp } from '../helpers/app.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { MailReceiver, smtpError } from '../helpers/mail-receiver.js';

const NAME = 'report-delivery-faults';
const HOUR = 3_600_000;
const UTAH = [{ key: 'region', value: 'Utah' }];
const WEEKDAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];
const CREATE = `mutation($input: CreateReportSubscriptionInput!) { createReportSubscription(input: $input) { id } }`;
const DELIVERIES = `{ reportDeliveries { subscriptionId recipient status attempts lastError sentAt } }`;

type Delivery = { subscriptionId: string; recipient: string; status: string; attempts: number; lastError: string | null };

let clock = new Date();
let app: TestApp | null = null;
const receiver = new WebhookReceiver();
const smtp = new MailReceiver();

async function data(client: GqlClient, query: string, variables: Record<string, unknown> = {}) {
  const res = await client(query, variables);
  expect(res.errors, query).toBeUndefined();
  return res.data!;
}

/** A subscription whose slot is the next full hour in UTC (the clock is then moved past it). */
function nextSlot(): { weekday: string; hour: number; at: Date } {
  const at = new Date(Math.ceil((clock.getTime() + 1) / HOUR) * HOUR);
  return { weekday: WEEKDAYS[at.getUTCDay()], hour: at.getUTCHours(), at };
}

async function subscribe(client: GqlClient, email: string, scope = UTAH): Promise<string> {
  const slot = nextSlot();
  const input = { recipient: { email }, scope, schedule: 'WEEKLY', weekday: slot.weekday, hour: slot.hour, timeZone: 'UTC' };
  return (await data(client, CREATE, { input })).createReportSubscription.id;
}

const deliveries = async (client: GqlClient): Promise<Delivery[]> => (await data(client, DELIVERIES)).reportDeliveries;

/** A free local port with nothing listening on it (yet). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  await receiver.listen();
});

afterAll(async () => {
  await app?.stop();
  await smtp.close();
  await receiver.close();
});

describe('report delivery without SMTP, and with a failing one', { timeout: 120_000 }, () => {
  it('without SMTP logs NO_SMTP, publishes report.weekly and keeps the report on GraphQL; an empty scope says so', async () => {
    app = await startTestApp(NAME, {
      roles: ['api', 'worker'],
      env: { VERBATIM_REPORT_CHECK_EVERY_SECONDS: '1', VERBATIM_WEBHOOK_ALLOW_HOSTS: '127.0.0.1' },
      now: () => clock,
    });
    expect(app.config.VERBATIM_SMTP_URL).toBeUndefined();
    await data(app.gql, `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id } }`, {
      input: { url: receiver.url(), events: ['report.weekly'] },
    });
    const id = await subscribe(app.gql, 'utah.manager@example.com');
    clock = new Date(nextSlot().at.getTime() + 30_000);

    const event = await waitFor(async () => receiver.events().find((e) => e.type === 'report.weekly' && e.data.subscriptionId === id), {
      timeoutMs: 30_000,
      what: 'the report.weekly event',
    });
    const delivery = await waitFor(
      async () => (await deliveries(app!.gql)).find((d) => d.subscriptionId === id && d.status === 'NO_SMTP'),
      {
        timeoutMs: 30_000,
        what: 'the NO_SMTP delivery',
      },
    );
    expect(delivery).toMatchObject({ recipient: 'utah.manager@example.com', attempts: 0, lastError: null });
    expect(event.data).toMatchObject({ scope: UTAH, hasResponses: false, weekNps: { nps: null, responses: 0 } });
    expect(event.data.headline).toMatch(/^No responses in this scope/);
    // The same report over GraphQL.
    const report = (
      await data(app.gql, `query($scope: [AttributeInput!], $week: String) { weeklyReport(scope: $scope, week: $week) { text html } }`, {
        scope: UTAH,
        week: event.data.week,
      })
    ).weeklyReport;
    expect(event.data.text).toBe(report.text);
    expect(report.html).toContain('No responses in this scope');
    expect(`${report.html}${report.text}`).not.toMatch(/NaN|undefined|null/);
    await data(app.gql, `mutation($id: ID!) { deleteReportSubscription(id: $id) }`, { id });
    await app.stop();
    app = null;
  });

  it('retries a server that is down with backoff, logging each attempt, and fails only the mailbox that always refuses', async () => {
    const port = await freePort();
    app = await startTestApp(NAME, {
      roles: ['api', 'worker'],
      env: {
        VERBATIM_SMTP_URL: `smtp://127.0.0.1:${port}`,
        VERBATIM_REPORT_CHECK_EVERY_SECONDS: '1',
        VERBATIM_REPORT_BACKOFF_MS: '400',
        VERBATIM_REPORT_ATTEMPTS: '6',
        VERBATIM_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      },
      now: () => clock,
    });
    const ok = await subscribe(app.gql, 'utah.manager@example.com');
    const refused = await subscribe(app.gql, 'gone@example.com');
    clock = new Date(nextSlot().at.getTime() + 30_000);

    // The server is down: both deliveries are retried, each attempt counted with the connection error.
    const retrying = await waitFor(
      async () => {
        const log = (await deliveries(app!.gql)).filter((d) => d.subscriptionId === ok || d.subscriptionId === refused);
        return log.length === 2 && log.every((d) => d.status === 'RETRYING' && d.attempts >= 2) ? log : null;
      },
      { timeoutMs: 30_000, what: 'both deliveries retrying' },
    );
    for (const d of retrying) expect(d.lastError).toMatch(/ECONNREFUSED|connect/i);
    // Backoff doubles from 400 ms: 6 attempts need > 12 s, so none has been given up yet.
    expect(retrying.every((d) => d.attempts < 6)).toBe(true);

    // The server comes back; one mailbox refuses for good.
    smtp.refuse = (address) => (address === 'gone@example.com' ? smtpError('no such mailbox', 550) : null);
    await smtp.listen(port);

    const sent = await waitFor(async () => (await deliveries(app!.gql)).find((d) => d.subscriptionId === ok && d.status === 'SENT'), {
      timeoutMs: 40_000,
      what: 'the delivery sent once the server is back',
    });
    expect(sent.attempts).toBeGreaterThan(2);
    expect(sent.lastError).toBeNull();
    const failed = await waitFor(
      async () => (await deliveries(app!.gql)).find((d) => d.subscriptionId === refused && d.status === 'FAILED'),
      {
        timeoutMs: 60_000,
        what: 'the refused delivery given up',
      },
    );
    expect(failed.attempts).toBe(6);
    expect(failed.lastError).toMatch(/no such mailbox|550/);

    // The mail that went out is the empty-scope report: it says so, in HTML and text, without NaN.
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail.text).toContain('No responses in this scope');
    expect(String(mail.html)).toContain('No responses in this scope');
    expect(`${String(mail.html)}${mail.text}`).not.toMatch(/NaN|undefined/);
  });
});

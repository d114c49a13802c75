/**
 * Pure parts of people notifications: the business-hours SLA deadline (a weekend does not count),
 * the daily digest slot, preference validation (field-named problems, the webhook SSRF policy) and
 * the message shapes of each channel, with every verbatim escaped for its medium.
 */
import { describe, expect, it } from 'vitest';
import { addBusinessHours, DEFAULT_BUSINESS_CALENDAR } from '../../src/domain/business-calendar.js';
import { latestDailySlot } from '../../src/services/reports/schedule.js';
import { validatePreferences } from '../../src/services/notifications/notification-input.js';
import {
  emailMessage,
  slackMessage,
  smsText,
  teamsMessage,
  type AlertFacts,
  type NotificationContent,
} from '../../src/services/notifications/notification-messages.js';
import { parseAllowList, TargetPolicy, type Resolver } from '../../src/services/webhooks/target-policy.js';

const resolver: Resolver = async (host) => {
  const dns: Record<string, string> = { 'hooks.slack.com': '54.1.2.3', 'intranet.corp.test': '10.1.2.3' };
  if (!dns[host]) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
  return [{ address: dns[host], family: 4 }];
};
const policy = (allow = '') => new TargetPolicy(parseAllowList(allow).allowList, resolver);

describe('business-hours SLA deadline', () => {
  it('skips the weekend: Friday 16:00 + 4 business hours is Monday 12:00 (Mon–Fri 09–17 UTC default)', () => {
    const friday = new Date('2026-12-04T16:00:00Z');
    expect(friday.getUTCDay()).toBe(5);
    expect(addBusinessHours(friday, 4, 'UTC', DEFAULT_BUSINESS_CALENDAR).toISOString()).toBe('2026-12-07T12:00:00.000Z');
  });

  it('starts at the next opening when raised outside hours, and counts fractions', () => {
    const saturday = new Date('2026-12-05T10:00:00Z');
    expect(addBusinessHours(saturday, 0.5, 'UTC').toISOString()).toBe('2026-12-07T09:30:00.000Z');
    // 48 business hours = 6 working days of 8 hours.
    expect(addBusinessHours(new Date('2026-12-07T09:00:00Z'), 48, 'UTC').toISOString()).toBe('2026-12-14T17:00:00.000Z');
  });

  it('follows the calendar’s zone and holidays', () => {
    const cal = { ...DEFAULT_BUSINESS_CALENDAR, holidays: ['2026-12-07'] };
    // Friday 16:00 in Berlin (15:00 UTC) + 2 h: one hour on Friday, Monday is a holiday, one hour on Tuesday.
    expect(addBusinessHours(new Date('2026-12-04T15:00:00Z'), 2, 'Europe/Berlin', cal).toISOString()).toBe('2026-12-08T09:00:00.000Z');
  });
});

describe('daily digest slot', () => {
  it('is today’s local hour once passed, else yesterday’s', () => {
    // 08:00 in Berlin (UTC+1 in December) is 07:00 UTC.
    expect(latestDailySlot(new Date('2026-12-03T07:00:00Z'), 8, 'Europe/Berlin')).toEqual({
      period: '2026-12-03',
      at: new Date('2026-12-03T07:00:00Z'),
    });
    expect(latestDailySlot(new Date('2026-12-03T06:59:59Z'), 8, 'Europe/Berlin')).toEqual({
      period: '2026-12-02',
      at: new Date('2026-12-02T07:00:00Z'),
    });
  });
});

describe('notification preference validation', () => {
  it('names each bad field', async () => {
    const { problems } = await validatePreferences(
      {
        recipient: 'ana',
        email: 'not-an-address',
        slackWebhookUrl: 'ftp://hooks.slack.com/x',
        teamsWebhookUrl: 'http://intranet.corp.test/hook',
        smsWebhookUrl: 'https://user:pw@hooks.slack.com/sms',
        phone: '555-1234',
        mode: 'WEEKLY' as never,
        digestHour: 24,
        timeZone: 'Mars/Olympus',
      },
      policy(),
    );
    expect(problems.map((p) => p.field)).toEqual([
      'input.email',
      'input.slackWebhookUrl',
      'input.teamsWebhookUrl',
      'input.smsWebhookUrl',
      'input.phone',
      'input.mode',
      'input.digestHour',
      'input.timeZone',
    ]);
    expect(problems.find((p) => p.field === 'input.teamsWebhookUrl')?.message).toContain('VERBATIM_WEBHOOK_ALLOW_HOSTS');
    const recipient = await validatePreferences({ recipient: 'a|b' }, policy());
    expect(recipient.problems.map((p) => p.field)).toEqual(['input.recipient']);
  });

  it('allows a private host listed in VERBATIM_WEBHOOK_ALLOW_HOSTS, and mails an e-mail recipient by default', async () => {
    const { value, problems } = await validatePreferences(
      {
        recipient: 'ana@acme.test',
        teamsWebhookUrl: 'http://intranet.corp.test/hook',
        mode: 'DIGEST',
        digestHour: 7,
        timeZone: 'Europe/Paris',
      },
      policy('intranet.corp.test'),
    );
    expect(problems).toEqual([]);
    expect(value).toMatchObject({
      email: 'ana@acme.test',
      teamsWebhookUrl: 'http://intranet.corp.test/hook',
      mode: 'DIGEST',
      digestHour: 7,
    });
  });
});

const alert = (over: Partial<AlertFacts> = {}): AlertFacts => ({
  id: '665f:rule-1',
  assignee: 'ana@acme.test',
  team: 'emea',
  task: 'RECOVERY_CALL',
  riskLevel: 'CRITICAL',
  riskScore: 92,
  reasons: ['Detractor score (2/10)'],
  score: 2,
  category: 'DETRACTOR',
  customerExternalId: 'cust-42',
  touchpoint: 'renewal',
  dueAt: new Date('2026-12-05T12:00:00Z'),
  comment: 'Awful <script>alert(1)</script> & see <https://evil.test|your invoice> [click](https://evil.test)',
  escalatedTo: null,
  ...over,
});
const content = (over: Partial<NotificationContent> = {}): NotificationContent => ({
  kind: 'ALERT',
  recipient: 'ana@acme.test',
  alerts: [alert()],
  timeZone: 'Europe/Berlin',
  ...over,
});

describe('notification messages', () => {
  it('e-mail: plain and HTML, the verbatim escaped, no links', () => {
    const mail = emailMessage(content());
    expect(mail.subject).toBe('New CRITICAL alert for ana@acme.test: Recovery call');
    expect(mail.text).toContain('Verbatim: "Awful <script>alert(1)</script>');
    expect(mail.text).toContain('Due: 2026-12-05 13:00 (Europe/Berlin)');
    expect(mail.html).toContain('Awful &lt;script&gt;alert(1)&lt;/script&gt; &amp; see &lt;https://evil.test|your invoice&gt;');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toMatch(/<a\s/);
  });

  it('Slack: Block Kit with a header, one section per alert, mrkdwn control characters escaped', () => {
    const msg = slackMessage(content()) as { text: string; blocks: Record<string, any>[] };
    expect(msg.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'divider']);
    expect(msg.blocks[0].text).toEqual({ type: 'plain_text', text: 'New CRITICAL alert for ana@acme.test: Recovery call', emoji: false });
    expect(msg.blocks[1].text.type).toBe('mrkdwn');
    expect(msg.blocks[1].text.text).toContain('&lt;https://evil.test|your invoice&gt;');
    expect(msg.blocks[1].text.text).not.toContain('<https://');
    expect(msg.blocks[1].fields.length).toBeLessThanOrEqual(10);
  });

  it('Teams: an Adaptive Card in the incoming-webhook message envelope, markdown escaped', () => {
    const msg = teamsMessage(content()) as any;
    expect(msg.type).toBe('message');
    expect(msg.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(msg.attachments[0].content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    const text = JSON.stringify(msg.attachments[0].content.body);
    expect(text).toContain('\\\\[click\\\\]\\\\(https://evil\\\\.test\\\\)');
  });

  it('SMS: one short text; a digest counts its alerts', () => {
    expect(smsText(content())).toMatch(/^Verbatim: new CRITICAL alert for ana@acme.test\. Recovery call, customer cust-42, score 2\/10/);
    expect(smsText(content({ alerts: [alert(), alert({ id: 'b' })], kind: 'DIGEST' }))).toBe(
      'Verbatim: 2 new alerts for ana@acme.test (2 critical). See your e-mail or Verbatim.',
    );
    expect(smsText(content({ alerts: [alert({ comment: 'x'.repeat(2000) })] })).length).toBeLessThanOrEqual(480);
  });

  it('a digest lists its alerts in one message', () => {
    const digest = content({ kind: 'DIGEST', alerts: [alert(), alert({ id: 'b', riskLevel: 'HIGH' }), alert({ id: 'c' })] });
    expect(emailMessage(digest).subject).toBe('Verbatim daily digest: 3 new alerts for ana@acme.test');
    expect(emailMessage(digest).text.match(/Alert id: /g)).toHaveLength(3);
    expect((slackMessage(digest) as { blocks: { type: string }[] }).blocks.filter((b) => b.type === 'section')).toHaveLength(3);
  });
});

/**
 * What a notification says, per channel. Pure. Every verbatim and name is escaped for its medium
 * (HTML in mail, Slack mrkdwn, Adaptive Card markdown); messages carry no links and no keys, so a
 * forwarded message gives nobody access to anything.
 */
import type { NotificationKind } from '../../../models/notification/notification.entity.js';
import { localParts } from '../../domain/business-calendar.js';
import { escapeHtml } from '../reports/render-report.js';

/** One alert as a notification shows it. */
export interface AlertFacts {
  id: string;
  assignee: string;
  team: string | null;
  task: string;
  riskLevel: string;
  riskScore: number;
  reasons: string[];
  score: number;
  category: string;
  customerExternalId: string | null;
  touchpoint: string | null;
  dueAt: Date;
  /** The verbatim (null when the response is gone or had none). */
  comment: string | null;
  escalatedTo: string | null;
}

export interface NotificationContent {
  kind: NotificationKind;
  recipient: string;
  alerts: AlertFacts[];
  /** The recipient's time zone, for due times. */
  timeZone: string;
  /** DIGEST: the local date it covers up to. */
  period?: string | null;
}

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

/** Slack's limit is 50 blocks per message; Teams cards grow long too: a digest lists this many alerts, then a count. */
const MAX_LISTED = 15;
const MAX_COMMENT = 500;
const SMS_MAX = 480;

const TASKS: Record<string, string> = {
  RECOVERY_CALL: 'Recovery call',
  ASK_WHAT_WOULD_MAKE_IT_A_10: 'Ask what would make it a 10',
  THANK_AND_ASK_REVIEW: 'Thank and ask for a review',
};

function taskLabel(task: string): string {
  return TASKS[task] ?? task;
}

function titleOf(c: NotificationContent): string {
  const [first] = c.alerts;
  if (c.kind === 'DIGEST')
    return `Verbatim daily digest: ${c.alerts.length} new alert${c.alerts.length === 1 ? '' : 's'} for ${c.recipient}`;
  if (c.kind === 'ESCALATION') return `Escalation: ${first.riskLevel} alert assigned to ${first.assignee} is past its SLA`;
  return `New ${first.riskLevel} alert for ${first.assignee}: ${taskLabel(first.task)}`;
}

function formatDue(date: Date, timeZone: string): string {
  const p = localParts(date, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)} (${timeZone})`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The facts of an alert as label/value pairs, plain text (each channel escapes them). */
function facts(a: AlertFacts, timeZone: string): [string, string][] {
  const rows: [string, string][] = [
    ['Task', taskLabel(a.task)],
    ['Risk', `${a.riskLevel} (${a.riskScore}/100)`],
    ['Score', `${a.score}/10 (${a.category.toLowerCase()})`],
    ['Customer', a.customerExternalId ?? '—'],
    ['Assignee', a.team ? `${a.assignee} (team ${a.team})` : a.assignee],
    ['Due', formatDue(a.dueAt, timeZone)],
  ];
  if (a.touchpoint) rows.push(['Touchpoint', a.touchpoint]);
  if (a.escalatedTo) rows.push(['Escalated to', a.escalatedTo]);
  rows.push(['Alert id', a.id]);
  return rows;
}

function rest(c: NotificationContent): number {
  return Math.max(0, c.alerts.length - MAX_LISTED);
}

// ── E-mail ──────────────────────────────────────────────────────────────────────────────────────

export function emailMessage(c: NotificationContent): EmailMessage {
  const title = titleOf(c);
  const listed = c.alerts.slice(0, MAX_LISTED);
  const text = [
    title,
    '',
    ...listed.flatMap((a) => [
      ...facts(a, c.timeZone).map(([k, v]) => `${k}: ${v}`),
      ...(a.reasons.length ? [`Why: ${a.reasons.join('; ')}`] : []),
      ...(a.comment ? [`Verbatim: "${clip(a.comment, MAX_COMMENT)}"`] : []),
      '',
    ]),
    ...(rest(c) ? [`…and ${rest(c)} more: see alerts(filter: { assignee }) in Verbatim.`, ''] : []),
    'Acknowledge or resolve it in Verbatim (acknowledgeAlert / resolveAlert).',
  ].join('\n');
  const block = (a: AlertFacts) =>
    `<table role="presentation" style="border-collapse:collapse;margin:0 0 16px 0;font:14px/1.4 sans-serif">` +
    facts(a, c.timeZone)
      .map(
        ([k, v]) => `<tr><th style="text-align:left;padding:2px 12px 2px 0;color:#555">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`,
      )
      .join('') +
    (a.reasons.length
      ? `<tr><th style="text-align:left;padding:2px 12px 2px 0;color:#555">Why</th><td>${a.reasons.map(escapeHtml).join('<br>')}</td></tr>`
      : '') +
    `</table>` +
    (a.comment
      ? `<blockquote style="margin:0 0 24px 0;padding:8px 12px;border-left:4px solid #c0392b;background:#fafafa">${escapeHtml(clip(a.comment, MAX_COMMENT))}</blockquote>`
      : '');
  const html =
    `<!doctype html><html><body style="font:14px/1.4 sans-serif;color:#222">` +
    `<h2 style="font-size:18px">${escapeHtml(title)}</h2>` +
    listed.map(block).join('') +
    (rest(c) ? `<p>…and ${rest(c)} more.</p>` : '') +
    `<p style="color:#777">Acknowledge or resolve it in Verbatim.</p></body></html>`;
  return { subject: title, text, html };
}

// ── Slack (incoming webhook, Block Kit) ─────────────────────────────────────────────────────────

/** Slack mrkdwn: &, < and > are the control characters (links and mentions need `<…>`). */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackMessage(c: NotificationContent): Record<string, unknown> {
  const title = titleOf(c);
  const blocks: Record<string, unknown>[] = [{ type: 'header', text: { type: 'plain_text', text: clip(title, 150), emoji: false } }];
  for (const a of c.alerts.slice(0, MAX_LISTED)) {
    const why = a.reasons.length ? `\n${slackEscape(a.reasons.join('; '))}` : '';
    const quote = a.comment ? `\n>${slackEscape(clip(a.comment, MAX_COMMENT)).replace(/\n/g, '\n>')}` : '';
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*${slackEscape(taskLabel(a.task))}* — ${slackEscape(a.riskLevel)} risk${why}${quote}` },
      fields: facts(a, c.timeZone)
        .filter(([k]) => k !== 'Task' && k !== 'Alert id')
        .map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${slackEscape(v)}` })),
    });
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Alert id ${slackEscape(a.id)}` }] });
    blocks.push({ type: 'divider' });
  }
  if (rest(c)) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${rest(c)} more` }] });
  // `text` is the fallback for notifications and clients without blocks.
  return { text: slackEscape(title), blocks };
}

// ── Microsoft Teams (incoming webhook / Workflows, Adaptive Card) ───────────────────────────────

/** Adaptive Card TextBlocks render a markdown subset: escape its characters so a verbatim cannot add links or styling. */
function cardEscape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, (ch) => `\\${ch}`);
}

export function teamsMessage(c: NotificationContent): Record<string, unknown> {
  const title = titleOf(c);
  const body: Record<string, unknown>[] = [{ type: 'TextBlock', text: cardEscape(title), weight: 'Bolder', size: 'Medium', wrap: true }];
  for (const a of c.alerts.slice(0, MAX_LISTED)) {
    body.push({
      type: 'FactSet',
      separator: true,
      facts: facts(a, c.timeZone).map(([k, v]) => ({ title: k, value: cardEscape(v) })),
    });
    if (a.reasons.length) body.push({ type: 'TextBlock', text: cardEscape(a.reasons.join('; ')), wrap: true, size: 'Small' });
    if (a.comment) body.push({ type: 'TextBlock', text: cardEscape(`“${clip(a.comment, MAX_COMMENT)}”`), wrap: true, isSubtle: true });
  }
  if (rest(c)) body.push({ type: 'TextBlock', text: `…and ${rest(c)} more`, wrap: true, isSubtle: true });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body },
      },
    ],
  };
}

// ── SMS gateway (generic webhook) ───────────────────────────────────────────────────────────────

export function smsText(c: NotificationContent): string {
  const [a] = c.alerts;
  if (c.kind === 'DIGEST') {
    const levels = c.alerts.map((x) => x.riskLevel);
    const critical = levels.filter((l) => l === 'CRITICAL').length;
    return clip(
      `Verbatim: ${c.alerts.length} new alerts for ${c.recipient}${critical ? ` (${critical} critical)` : ''}. See your e-mail or Verbatim.`,
      SMS_MAX,
    );
  }
  const head =
    c.kind === 'ESCALATION'
      ? `Verbatim ESCALATION: alert of ${a.assignee} past its SLA.`
      : `Verbatim: new ${a.riskLevel} alert for ${a.assignee}.`;
  const customer = a.customerExternalId ? `, customer ${a.customerExternalId}` : '';
  const comment = a.comment ? ` "${clip(a.comment, 160)}"` : '';
  return clip(`${head} ${taskLabel(a.task)}${customer}, score ${a.score}/10, due ${formatDue(a.dueAt, c.timeZone)}.${comment}`, SMS_MAX);
}

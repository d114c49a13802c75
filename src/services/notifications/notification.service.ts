/**
 * People notifications for alerts. Planning writes one delivery row per alert, recipient and
 * channel (a deterministic id, so a retried raise or a duplicated job plans nothing twice) and
 * queues a send job per row; the send job (jobs/notifications.handler.ts) posts one message on one
 * channel, retried with backoff and logged on its row, so one failing channel or recipient never
 * holds up another. DIGEST recipients' rows wait; the repeatable round gathers them into one
 * message per channel at the recipient's local digest hour (a claimed, deterministic digest row:
 * once across workers and restarts; after downtime the latest missed digest goes out late, once).
 */
import type { AlertEntity } from '../../../models/alert/alert.entity.js';
import type { AlertRepository } from '../../../models/alert/alert.repository.js';
import type {
  NewNotificationDelivery,
  NotificationChannel,
  NotificationDeliveryEntity,
  NotificationKind,
  NotificationPreferenceEntity,
} from '../../../models/notification/notification.entity.js';
import {
  NOTIFICATION_DELIVERY_ORDER,
  PREFERENCE_ORDER,
  type NotificationDeliveryFilter,
  type NotificationRepository,
} from '../../../models/notification/notification.repository.js';
import { keyOf } from '../../../models/keyset.js';
import type { ResponseRepository } from '../../../models/response/response.repository.js';
import { InputError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { AlertNotifier } from '../alerts/alert.service.js';
import { decodeCursor, pageSize, toPage, type Page } from '../paging.js';
import type { Mailer } from '../reports/mailer.js';
import { latestDailySlot } from '../reports/schedule.js';
import { postJson } from '../webhooks/http-post.js';
import type { SecretBox } from '../webhooks/secret-box.js';
import { TARGET_REFUSED, TargetRefusedError, type TargetPolicy } from '../webhooks/target-policy.js';
import { validatePreferences, type NotificationPreferencesInput } from './notification-input.js';
import { emailMessage, slackMessage, smsText, teamsMessage, type AlertFacts, type NotificationContent } from './notification-messages.js';

/** Queues send jobs (BullMQ in production: jobs/notifications.queue.ts); job ids are the row ids, so re-queueing is harmless. */
export interface NotificationQueue {
  enqueue(deliveryIds: readonly string[]): Promise<void>;
}

export type SendOutcome = 'SENT' | 'ALREADY_SENT' | 'CANCELLED' | 'GONE' | 'BUSY';

/** How much longer than the send timeout a claim lasts (SMTP has its own, longer timeouts). */
const CLAIM_SLACK_MS = 60_000;

/** Most PENDING rows one round re-queues. */
const ROUND_BATCH = 1_000;

export class NotificationService implements AlertNotifier {
  constructor(
    private readonly deps: {
      repo: NotificationRepository;
      alerts: AlertRepository;
      responses: ResponseRepository;
      /** Null when VERBATIM_SMTP_URL is unset: e-mail rows are CANCELLED, chat still goes out. */
      mailer: Mailer | null;
      /** Null: rows wait for the round (a process without a queue, e.g. a CLI). */
      queue: NotificationQueue | null;
      /** The webhooks' SSRF policy (VERBATIM_WEBHOOK_ALLOW_HOSTS), for every chat and SMS URL. */
      targets: TargetPolicy;
      /** Seals chat URLs at rest (they are credentials). */
      secrets: SecretBox;
      timeoutMs: number;
      maxPageSize: number;
      now: () => Date;
      log: Logger;
    },
  ) {}

  // ── Preferences (ADMIN) ───────────────────────────────────────────────────────────────────────

  async setPreferences(input: NotificationPreferencesInput): Promise<NotificationPreferenceEntity> {
    const { value, problems } = await validatePreferences(input, this.deps.targets);
    if (problems.length) throw new InputError(problems);
    const seal = (url: string | null) => (url ? this.deps.secrets.seal(url) : null);
    const stored = await this.deps.repo.upsertPreference({
      _id: value.recipient,
      email: value.email,
      slackWebhookUrl: seal(value.slackWebhookUrl),
      teamsWebhookUrl: seal(value.teamsWebhookUrl),
      smsWebhookUrl: seal(value.smsWebhookUrl),
      phone: value.phone,
      mode: value.mode,
      digestHour: value.digestHour,
      timeZone: value.timeZone,
    });
    if (value.mode === 'IMMEDIATE') await this.deps.repo.releaseDigestQueue(value.recipient);
    this.deps.log.info({ recipient: value.recipient, mode: value.mode, channels: channelsOf(stored) }, 'notification preferences set');
    return stored;
  }

  /** What a query shows: chat URLs cut to their origin (the path is the credential). */
  view(pref: NotificationPreferenceEntity): NotificationPreferenceEntity {
    const redact = (sealed: string | null) => (sealed ? `${new URL(this.deps.secrets.open(sealed)).origin}/…` : null);
    return {
      ...pref,
      slackWebhookUrl: redact(pref.slackWebhookUrl),
      teamsWebhookUrl: redact(pref.teamsWebhookUrl),
      smsWebhookUrl: redact(pref.smsWebhookUrl),
    };
  }

  async preferencePage(first: number | null | undefined, after: string | null | undefined): Promise<Page<NotificationPreferenceEntity>> {
    const size = pageSize(first, this.deps.maxPageSize);
    const key = decodeCursor(after, ['string']);
    const rows = await this.deps.repo.preferencePage(key, size + 1);
    return toPage(rows, size, (p) => keyOf(PREFERENCE_ORDER, p));
  }

  async deliveries(
    filter: NotificationDeliveryFilter,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Page<NotificationDeliveryEntity>> {
    const size = pageSize(first, this.deps.maxPageSize);
    const key = decodeCursor(after, ['number', 'string']);
    const rows = await this.deps.repo.page(filter, key, size + 1);
    return toPage(rows, size, (d) => keyOf(NOTIFICATION_DELIVERY_ORDER, d));
  }

  // ── Planning (AlertNotifier) ──────────────────────────────────────────────────────────────────

  assigned(alert: AlertEntity): Promise<void> {
    return this.plan('ALERT', alert, alert.assignee, alert.team);
  }

  escalated(alert: AlertEntity): Promise<void> {
    return alert.escalatedTo ? this.plan('ESCALATION', alert, alert.escalatedTo, null) : Promise.resolve();
  }

  /** The recipient's own preferences, else their team's; one row per configured channel. */
  private async plan(kind: NotificationKind, alert: AlertEntity, recipient: string, team: string | null): Promise<void> {
    const found = await this.deps.repo.preferences(team && team !== recipient ? [recipient, team] : [recipient]);
    const pref = found.find((p) => p._id === recipient) ?? found.find((p) => p._id === team);
    if (!pref) return;
    const now = this.deps.now();
    // An escalation is urgent: it never waits for a digest.
    const digest = pref.mode === 'DIGEST' && kind === 'ALERT';
    const rows: NewNotificationDelivery[] = channelsOf(pref).map((channel) => ({
      _id: [kind, alert._id, recipient, channel].join('|'),
      kind,
      alertId: alert._id,
      recipient,
      preferenceId: pref._id,
      channel,
      status: digest ? 'QUEUED_FOR_DIGEST' : 'PENDING',
      period: null,
      digestId: null,
      attempts: 0,
      lastError: null,
      sentAt: null,
      queuedAt: now,
    }));
    const inserted = await this.deps.repo.insertMissing(rows);
    if (digest || !inserted.length) return;
    // A lost enqueue (Redis down) is made good by the round, which re-queues PENDING rows.
    await this.deps.queue
      ?.enqueue(inserted)
      .catch((err: Error) =>
        this.deps.log.warn({ alertId: alert._id, err: err.message }, 'notification jobs not queued; the next round queues them'),
      );
  }

  // ── The repeatable round ──────────────────────────────────────────────────────────────────────

  /** Gathers due digests and returns every PENDING row to (re-)queue. */
  async round(): Promise<string[]> {
    const now = this.deps.now();
    for (const pref of await this.deps.repo.digestPreferences()) {
      const slot = latestDailySlot(now, pref.digestHour, pref.timeZone);
      for (const channel of channelsOf(pref)) {
        if ((await this.deps.repo.countQueuedForDigest(pref._id, channel, slot.at)) === 0) continue;
        const digestId = ['DIGEST', slot.period, pref._id, channel].join('|');
        // Claim first, then move the rows: a round cut off between the two finishes in the next one.
        await this.deps.repo.insertMissing([
          {
            _id: digestId,
            kind: 'DIGEST',
            alertId: null,
            recipient: pref._id,
            preferenceId: pref._id,
            channel,
            status: 'PENDING',
            period: slot.period,
            digestId: null,
            attempts: 0,
            lastError: null,
            sentAt: null,
            queuedAt: now,
          },
        ]);
        await this.deps.repo.moveIntoDigest(pref._id, channel, slot.at, digestId);
      }
    }
    return (await this.deps.repo.pending(ROUND_BATCH)).map((d) => d._id);
  }

  // ── Sending (one job per row) ─────────────────────────────────────────────────────────────────

  /** Sends one row's message; throws on a failed attempt so the job retries (`finalAttempt`: logged FAILED). */
  async send(deliveryId: string, finalAttempt: boolean): Promise<SendOutcome> {
    // Real time, not the schedule clock: the claim is about live senders.
    const row = await this.deps.repo.claim(deliveryId, new Date(), new Date(Date.now() + this.deps.timeoutMs + CLAIM_SLACK_MS));
    if (!row) {
      const current = await this.deps.repo.delivery(deliveryId);
      if (!current) return 'GONE';
      if (current.status === 'SENT') return 'ALREADY_SENT';
      if (current.status === 'CANCELLED' || current.status === 'FAILED') return 'CANCELLED';
      // Another job is sending it right now (a duplicated job): that one logs the outcome and retries.
      return 'BUSY';
    }
    try {
      return await this.sendClaimed(row, finalAttempt);
    } catch (err) {
      // Let the job's retry claim it again at once (the claim would otherwise make it wait for the lease).
      await this.deps.repo.updateDelivery(row._id, { claimedUntil: null }).catch(() => undefined);
      throw err;
    }
  }

  private async sendClaimed(row: NotificationDeliveryEntity, finalAttempt: boolean): Promise<SendOutcome> {
    const deliveryId = row._id;
    const [pref] = await this.deps.repo.preferences([row.preferenceId]);
    const content = pref ? await this.content(row, pref) : null;
    if (!pref || !content) return this.cancel(row, pref ? 'nothing to send: the alerts are gone' : 'preferences deleted');
    if (row.channel === 'EMAIL' && !this.deps.mailer) return this.cancel(row, 'no SMTP server configured (VERBATIM_SMTP_URL)');
    const target = this.target(pref, row.channel);
    if (!target) return this.cancel(row, `${row.channel} is no longer configured for ${pref._id}`);
    try {
      await this.post(row.channel, target, content, pref);
    } catch (err) {
      const message = describe(err, this.deps.timeoutMs);
      await this.deps.repo.updateDelivery(
        row._id,
        { status: finalAttempt ? 'FAILED' : 'RETRYING', lastError: message, claimedUntil: null },
        { attempts: 1 },
      );
      this.deps.log.warn({ deliveryId, channel: row.channel, err: message, finalAttempt }, 'notification attempt failed');
      throw new Error(message, { cause: err });
    }
    await this.deps.repo.updateDelivery(
      row._id,
      { status: 'SENT', lastError: null, sentAt: this.deps.now(), claimedUntil: null },
      { attempts: 1 },
    );
    return 'SENT';
  }

  private async cancel(row: NotificationDeliveryEntity, reason: string): Promise<SendOutcome> {
    await this.deps.repo.updateDelivery(row._id, { status: 'CANCELLED', lastError: reason, claimedUntil: null });
    return 'CANCELLED';
  }

  /** The alerts a row is about: its own, or a digest's. */
  private async content(row: NotificationDeliveryEntity, pref: NotificationPreferenceEntity): Promise<NotificationContent | null> {
    const alertIds = row.kind === 'DIGEST' ? (await this.deps.repo.inDigest(row._id)).map((r) => r.alertId) : [row.alertId];
    const alerts: AlertFacts[] = [];
    for (const id of alertIds) {
      const alert = id ? await this.deps.alerts.findById(id) : null;
      if (alert) alerts.push(await this.facts(alert));
    }
    if (!alerts.length) return null;
    return { kind: row.kind, recipient: row.recipient, alerts, timeZone: pref.timeZone, period: row.period };
  }

  private async facts(a: AlertEntity): Promise<AlertFacts> {
    const response = await this.deps.responses.findById(a.responseId);
    return {
      id: a._id,
      assignee: a.assignee,
      team: a.team,
      task: a.task,
      riskLevel: a.riskLevel,
      riskScore: a.riskScore,
      reasons: a.reasons,
      score: a.score,
      category: a.category,
      customerExternalId: a.customerExternalId,
      touchpoint: a.touchpoint,
      dueAt: a.dueAt,
      comment: response?.comment?.trim() || null,
      escalatedTo: a.escalatedTo ?? null,
    };
  }

  /** Where a channel's message goes (e-mail address or opened URL); null when not configured. */
  private target(pref: NotificationPreferenceEntity, channel: NotificationChannel): string | null {
    const open = (sealed: string | null) => (sealed ? this.deps.secrets.open(sealed) : null);
    if (channel === 'EMAIL') return pref.email;
    if (channel === 'SLACK') return open(pref.slackWebhookUrl);
    if (channel === 'TEAMS') return open(pref.teamsWebhookUrl);
    return open(pref.smsWebhookUrl);
  }

  private async post(channel: NotificationChannel, target: string, content: NotificationContent, pref: NotificationPreferenceEntity) {
    if (channel === 'EMAIL') {
      await this.deps.mailer?.send({ to: { email: target, name: null }, ...emailMessage(content) });
      return;
    }
    const body =
      channel === 'SLACK'
        ? slackMessage(content)
        : channel === 'TEAMS'
          ? teamsMessage(content)
          : { to: pref.phone ?? pref._id, text: smsText(content) };
    // IP literals are checked here; host names in the lookup, against the addresses connected to (as for webhooks).
    await this.deps.targets.addressesFor(new URL(target).hostname);
    const status = await postJson(target, JSON.stringify(body), {
      headers: { 'content-type': 'application/json', 'user-agent': 'Verbatim-Notifications/1' },
      timeoutMs: this.deps.timeoutMs,
      lookup: this.deps.targets.lookup,
    });
    if (status < 200 || status >= 300) throw new Error(`HTTP ${status}`);
  }
}

/** The channels a preference configures, in a fixed order. */
export function channelsOf(pref: NotificationPreferenceEntity): NotificationChannel[] {
  const channels: NotificationChannel[] = [];
  if (pref.email) channels.push('EMAIL');
  if (pref.slackWebhookUrl) channels.push('SLACK');
  if (pref.teamsWebhookUrl) channels.push('TEAMS');
  if (pref.smsWebhookUrl) channels.push('SMS');
  return channels;
}

function describe(err: unknown, timeoutMs: number): string {
  // A refused target says nothing more (no resolution result, no connection detail), as for webhooks.
  if (err instanceof TargetRefusedError) return TARGET_REFUSED;
  const e = err as { name?: string; message?: string; code?: string };
  if (e?.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  return (e?.code && !e.message ? `request failed: ${e.code}` : (e?.message ?? String(err))).slice(0, 500);
}

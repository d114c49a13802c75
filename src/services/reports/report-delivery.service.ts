/**
 * Sends subscribed weekly reports. Each scheduler round claims, per subscription, the latest slot
 * due (a unique delivery per subscription and period, so any number of workers and restarts send
 * it once; after downtime only the latest missed period is sent, late, once). Each claimed
 * delivery is one job: a failing SMTP server is retried with backoff per recipient, never
 * blocking the others, and every attempt is logged on the delivery.
 */
import type { ReportDeliveryEntity, ReportSubscriptionEntity } from '../../../models/report/report.entity.js';
import type { ReportRepository } from '../../../models/report/report.repository.js';
import type { Logger } from '../../logger.js';
import type { EventPublisher } from '../events.js';
import type { Mailer } from './mailer.js';
import { scopeLabel } from './render-report.js';
import { lastCompleteWeek } from './report-week.js';
import { latestSlot } from './schedule.js';
import type { WeeklyReportService } from './weekly-report.service.js';

export interface DueDelivery {
  subscriptionId: string;
  period: string;
}

export class ReportDeliveryService {
  constructor(
    private readonly deps: {
      reports: ReportRepository;
      weekly: WeeklyReportService;
      /** Null when VERBATIM_SMTP_URL is unset: reports still go out as `report.weekly` webhook events. */
      mailer: Mailer | null;
      events: EventPublisher;
      now: () => Date;
      log: Logger;
    },
  ) {}

  /** Claims every slot due now and returns the deliveries still to send (claimed now or left unsent by a crash). */
  async due(): Promise<DueDelivery[]> {
    const now = this.deps.now();
    const due: DueDelivery[] = [];
    for (const s of await this.deps.reports.subscriptions()) {
      const slot = latestSlot(now, s.weekday, s.hour, s.timeZone);
      // A new subscription starts with its next slot, not one that passed before it existed.
      if (slot.at.getTime() < s.createdAt.getTime()) continue;
      const id = s._id.toHexString();
      await this.deps.reports.claim({
        subscriptionId: s._id,
        period: slot.period,
        scheduledFor: slot.at,
        week: lastCompleteWeek(slot.at).key,
        recipient: s.recipient.email,
        status: 'SENDING',
        attempts: 0,
        lastError: null,
        messageId: null,
        sentAt: null,
      });
      const delivery = await this.deps.reports.delivery(id, slot.period);
      if (delivery && (delivery.status === 'SENDING' || delivery.status === 'RETRYING'))
        due.push({ subscriptionId: id, period: slot.period });
    }
    return due;
  }

  /** Renders and sends one delivery; throws on SMTP failure so the job is retried (`finalAttempt`: give up). */
  async send(subscriptionId: string, period: string, finalAttempt: boolean): Promise<ReportDeliveryEntity['status'] | 'GONE'> {
    const [subscription, delivery] = await Promise.all([
      this.deps.reports.subscription(subscriptionId),
      this.deps.reports.delivery(subscriptionId, period),
    ]);
    if (!subscription || !delivery) return 'GONE';
    if (delivery.status === 'SENT' || delivery.status === 'NO_SMTP' || delivery.status === 'FAILED') return delivery.status;
    const report = await this.deps.weekly.report(subscription.scope, delivery.week);
    await this.publish(subscription, delivery, report);
    if (!this.deps.mailer) {
      await this.deps.reports.updateDelivery(delivery._id, { status: 'NO_SMTP' });
      return 'NO_SMTP';
    }
    try {
      const { messageId } = await this.deps.mailer.send({
        to: subscription.recipient,
        subject: `NPS weekly report ${report.week} — ${scopeLabel(subscription.scope)}`,
        html: report.html,
        text: report.text,
      });
      await this.deps.reports.updateDelivery(
        delivery._id,
        { status: 'SENT', messageId, sentAt: this.deps.now(), lastError: null },
        { attempts: 1 },
      );
      return 'SENT';
    } catch (err) {
      const message = (err as Error).message.slice(0, 500);
      await this.deps.reports.updateDelivery(
        delivery._id,
        { status: finalAttempt ? 'FAILED' : 'RETRYING', lastError: message },
        { attempts: 1 },
      );
      this.deps.log.warn({ subscriptionId, period, err: message, finalAttempt }, 'weekly report e-mail failed');
      throw err;
    }
  }

  private async publish(
    subscription: ReportSubscriptionEntity,
    delivery: ReportDeliveryEntity,
    report: Awaited<ReturnType<WeeklyReportService['report']>>,
  ): Promise<void> {
    // Same id on every retry: the webhook side collapses re-publishes of one delivery.
    await this.deps.events.publish([
      {
        id: `report.weekly:${subscription._id.toHexString()}:${delivery.period}`,
        type: 'report.weekly',
        occurredAt: delivery.scheduledFor,
        attributes: subscription.scope,
        data: {
          subscriptionId: subscription._id.toHexString(),
          week: report.week,
          scope: subscription.scope,
          hasResponses: report.hasResponses,
          headline: report.headline,
          weekNps: report.weekNps,
          last4Weeks: report.last4Weeks,
          last13Weeks: report.last13Weeks,
          text: report.text,
        },
      },
    ]);
  }
}

/** Report subscriptions (who gets which scope's weekly report, when) and their delivery log. */
import type { Types } from 'mongoose';
import type { Attribute } from '../response/response.entity.js';

export type Weekday = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';

export interface ReportSubscriptionEntity {
  _id: Types.ObjectId;
  recipient: { email: string; name: string | null };
  scope: Attribute[];
  schedule: 'WEEKLY';
  weekday: Weekday;
  /** Local hour 0–23 in `timeZone`. */
  hour: number;
  /** IANA time zone, e.g. America/Los_Angeles. */
  timeZone: string;
  /** The API key that created it (a scoped key's subscriptions stay within its scope). */
  createdByKeyId: string;
  createdAt: Date;
}

type DeliveryStatus = 'SENDING' | 'RETRYING' | 'SENT' | 'FAILED' | 'NO_SMTP';

export interface ReportDeliveryEntity {
  _id: Types.ObjectId;
  subscriptionId: Types.ObjectId;
  /** The scheduled local date, e.g. 2026-12-07: one delivery per subscription and period (unique). */
  period: string;
  /** The scheduled instant (UTC). */
  scheduledFor: Date;
  /** ISO week reported. */
  week: string;
  recipient: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  messageId: string | null;
  sentAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** People notifications: who is reached how (preferences) and every message sent to them (the delivery log). */

export type NotificationMode = 'IMMEDIATE' | 'DIGEST';
export type NotificationChannel = 'EMAIL' | 'SLACK' | 'TEAMS' | 'SMS';
/** ALERT: an alert was raised for or assigned to the recipient; ESCALATION: an SLA breach reached the manager; DIGEST: the daily summary. */
export type NotificationKind = 'ALERT' | 'ESCALATION' | 'DIGEST';
/**
 * PENDING: to send (a job is queued); QUEUED_FOR_DIGEST: waits for the recipient's daily digest;
 * IN_DIGEST: went out in the digest `digestId`; RETRYING after a failed attempt; SENT; FAILED after
 * the last attempt; CANCELLED: the channel is no longer configured.
 */
export type NotificationStatus = 'PENDING' | 'QUEUED_FOR_DIGEST' | 'IN_DIGEST' | 'RETRYING' | 'SENT' | 'FAILED' | 'CANCELLED';

export interface NotificationPreferenceEntity {
  /** The recipient: a person's owner id or e-mail as used for alert assignees, or a team name. */
  _id: string;
  email: string | null;
  /** Chat and SMS gateway URLs, sealed at rest like webhook secrets (they carry their own credentials). */
  slackWebhookUrl: string | null;
  teamsWebhookUrl: string | null;
  smsWebhookUrl: string | null;
  /** The number the SMS gateway gets as `to` (the recipient id when unset). */
  phone: string | null;
  mode: NotificationMode;
  /** DIGEST: local hour 0–23 of the daily digest in `timeZone`. */
  digestHour: number;
  timeZone: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface NotificationDeliveryEntity {
  /** `${kind}|${alertId or period}|${recipient}|${channel}`: one message per alert, recipient and channel, whatever the retries. */
  _id: string;
  kind: NotificationKind;
  /** The alert (null for a digest). */
  alertId: string | null;
  recipient: string;
  /** The preferences used (the recipient's own, else their team's). */
  preferenceId: string;
  channel: NotificationChannel;
  status: NotificationStatus;
  /** DIGEST rows: the local date of the digest; alert rows: the digest that carried them. */
  period: string | null;
  digestId: string | null;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
  /** A send job holds the row until then (one sender at a time, even with duplicated jobs; a crashed one's claim lapses). */
  claimedUntil?: Date | null;
  /** When it was planned, by the service clock (a digest takes the rows queued up to its slot). */
  queuedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export type NewNotificationDelivery = Omit<NotificationDeliveryEntity, 'createdAt' | 'updatedAt'>;

/** GraphQL shapes of notification preferences and the notification delivery log. */
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTime } from '../common/scalars.js';
import { PageInfo } from '../common/page-info.js';

export enum NotificationMode {
  IMMEDIATE = 'IMMEDIATE',
  DIGEST = 'DIGEST',
}
export enum NotificationChannel {
  EMAIL = 'EMAIL',
  SLACK = 'SLACK',
  TEAMS = 'TEAMS',
  SMS = 'SMS',
}
export enum NotificationKind {
  ALERT = 'ALERT',
  ESCALATION = 'ESCALATION',
  DIGEST = 'DIGEST',
}
export enum NotificationStatus {
  PENDING = 'PENDING',
  QUEUED_FOR_DIGEST = 'QUEUED_FOR_DIGEST',
  IN_DIGEST = 'IN_DIGEST',
  RETRYING = 'RETRYING',
  SENT = 'SENT',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(NotificationMode, {
  valuesConfig: {
    IMMEDIATE: { description: 'One message per alert as it happens.' },
    DIGEST: { description: 'One daily message per channel at `digestHour` local time.' },
  },
  name: 'NotificationMode',
  description:
    'IMMEDIATE: one message per alert; DIGEST: one daily message per channel at `digestHour` local time (escalations stay immediate).',
});
registerEnumType(NotificationChannel, {
  valuesConfig: {
    EMAIL: { description: 'E-mail over the configured SMTP server.' },
    SLACK: { description: 'Slack incoming webhook.' },
    TEAMS: { description: 'Microsoft Teams incoming webhook.' },
    SMS: { description: 'SMS gateway webhook.' },
  },
  name: 'NotificationChannel',
  description: 'E-mail, Slack incoming webhook, Teams incoming webhook, SMS gateway webhook.',
});
registerEnumType(NotificationKind, {
  valuesConfig: {
    ALERT: { description: 'An alert raised for or assigned to the recipient.' },
    ESCALATION: { description: 'An SLA breach of a rule with escalateTo.' },
    DIGEST: { description: 'The daily summary.' },
  },
  name: 'NotificationKind',
  description:
    'ALERT: raised for or assigned to the recipient; ESCALATION: an SLA breach of a rule with escalateTo; DIGEST: the daily summary.',
});
registerEnumType(NotificationStatus, {
  valuesConfig: {
    PENDING: { description: 'Waiting to be sent.' },
    QUEUED_FOR_DIGEST: { description: 'Waiting for the next daily digest.' },
    IN_DIGEST: { description: 'Sent as part of the digest `digestId`.' },
    RETRYING: { description: 'A send attempt failed; another follows.' },
    SENT: { description: 'Delivered to the channel.' },
    FAILED: { description: 'The last attempt failed; no more retries.' },
    CANCELLED: { description: 'Not sent: the channel is no longer configured or there is no SMTP server.' },
  },
  name: 'NotificationStatus',
  description:
    'PENDING to send; QUEUED_FOR_DIGEST waits for the daily digest; IN_DIGEST went out in the digest `digestId`; RETRYING after a failed attempt; SENT; FAILED after the last attempt; CANCELLED (channel no longer configured, no SMTP server).',
});

@InputType({ description: 'How one person or team is told about alerts. Setting it again replaces every field.' })
export class NotificationPreferencesInput {
  @Field(() => String, { description: 'The person (owner id or e-mail, as alert assignees are named) or team (a routing rule’s `team`).' })
  recipient!: string;

  @Field(() => String, { nullable: true, description: 'E-mail address; default the recipient itself when it is an address.' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Slack incoming-webhook URL (Block Kit message); same host rules as webhooks.' })
  slackWebhookUrl?: string | null;

  @Field(() => String, { nullable: true, description: 'Microsoft Teams incoming-webhook / Workflows URL (Adaptive Card message).' })
  teamsWebhookUrl?: string | null;

  @Field(() => String, { nullable: true, description: 'SMS gateway URL: receives a JSON POST `{ "to", "text" }`.' })
  smsWebhookUrl?: string | null;

  @Field(() => String, { nullable: true, description: 'E.164 number sent as `to` to the SMS gateway; default the recipient.' })
  phone?: string | null;

  @Field(() => NotificationMode, { nullable: true, description: 'Default IMMEDIATE.' })
  mode?: NotificationMode | null;

  @Field(() => Int, { nullable: true, description: 'Local hour 0–23 of the daily digest (DIGEST); default 8.' })
  digestHour?: number | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone of the digest hour and of due times in messages; default UTC.' })
  timeZone?: string | null;
}

@ObjectType({
  description: 'How one person or team is told about alerts. Chat and SMS URLs show only their origin (the path is a credential).',
})
export class NotificationPreferences {
  @Field(() => String, { description: 'The person or team.' })
  recipient!: string;

  @Field(() => String, { nullable: true, description: 'E-mail address.' })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'Slack webhook origin, e.g. https://hooks.slack.com/….' })
  slackWebhookUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'Teams webhook origin.' })
  teamsWebhookUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'SMS gateway origin.' })
  smsWebhookUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'Number sent to the SMS gateway.' })
  phone!: string | null;

  @Field(() => [NotificationChannel], { description: 'The channels configured.' })
  channels!: NotificationChannel[];

  @Field(() => NotificationMode, { description: 'IMMEDIATE or DIGEST.' })
  mode!: NotificationMode;

  @Field(() => Int, { description: 'Local hour of the daily digest.' })
  digestHour!: number;

  @Field(() => String, { description: 'IANA time zone.' })
  timeZone!: string;

  @Field(() => DateTime, { description: 'When the preferences were last set.' })
  updatedAt!: Date;
}

@ObjectType({ description: 'A page of notification preferences, by recipient.' })
export class NotificationPreferencesConnection {
  @Field(() => [NotificationPreferences], { description: 'The preferences of this page.' })
  nodes!: NotificationPreferences[];

  @Field(() => PageInfo, { description: 'Whether there are more, and the cursor to get them.' })
  pageInfo!: PageInfo;
}

@ObjectType({ description: 'One message to one recipient on one channel, with its attempts.' })
export class NotificationDelivery {
  @Field(() => String, { description: '`kind|alert id or digest date|recipient|channel`.' })
  id!: string;

  @Field(() => NotificationKind, { description: 'What it is about.' })
  kind!: NotificationKind;

  @Field(() => String, { nullable: true, description: 'The alert (null for a digest).' })
  alertId!: string | null;

  @Field(() => String, { description: 'Who it is for.' })
  recipient!: string;

  @Field(() => String, { description: 'Whose preferences were used: the recipient’s, else their team’s.' })
  preferenceId!: string;

  @Field(() => NotificationChannel, { description: 'The channel.' })
  channel!: NotificationChannel;

  @Field(() => NotificationStatus, { description: 'Where it stands.' })
  status!: NotificationStatus;

  @Field(() => String, { nullable: true, description: 'A digest: the local date it is for.' })
  period!: string | null;

  @Field(() => String, { nullable: true, description: 'An alert notification sent in a digest: that digest’s id.' })
  digestId!: string | null;

  @Field(() => Int, { description: 'Attempts made.' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'The last error (SMTP, HTTP status, refusal).' })
  lastError!: string | null;

  @Field(() => DateTime, { description: 'When it was planned.' })
  queuedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When it was sent.' })
  sentAt!: Date | null;
}

@ObjectType({ description: 'A page of the notification delivery log, newest first.' })
export class NotificationDeliveryConnection {
  @Field(() => [NotificationDelivery], { description: 'The deliveries of this page.' })
  nodes!: NotificationDelivery[];

  @Field(() => PageInfo, { description: 'Whether there are more, and the cursor to get them.' })
  pageInfo!: PageInfo;
}

@InputType({ description: 'Narrows the notification delivery log (all given fields must match).' })
export class NotificationDeliveryFilter {
  @Field(() => String, { nullable: true, description: 'Only this recipient’s.' })
  recipient?: string | null;

  @Field(() => String, { nullable: true, description: 'Only this alert’s.' })
  alertId?: string | null;

  @Field(() => NotificationStatus, { nullable: true, description: 'Only in this status.' })
  status?: NotificationStatus | null;
}

import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Attribute, AttributeInput } from '../common/attribute.types.js';
import { DateTime } from '../common/scalars.js';

export enum ReportSchedule {
  WEEKLY = 'WEEKLY',
}
export enum Weekday {
  MONDAY = 'MONDAY',
  TUESDAY = 'TUESDAY',
  WEDNESDAY = 'WEDNESDAY',
  THURSDAY = 'THURSDAY',
  FRIDAY = 'FRIDAY',
  SATURDAY = 'SATURDAY',
  SUNDAY = 'SUNDAY',
}
export enum ReportDeliveryStatus {
  SENDING = 'SENDING',
  RETRYING = 'RETRYING',
  SENT = 'SENT',
  FAILED = 'FAILED',
  NO_SMTP = 'NO_SMTP',
}
registerEnumType(ReportSchedule, {
  description: 'How often a report subscription is sent.',
  valuesConfig: { WEEKLY: { description: 'Once a week on `weekday` at `hour` in `timeZone`.' } },
  name: 'ReportSchedule',
});
registerEnumType(Weekday, {
  description: 'Day of the week, in the subscription time zone.',
  valuesConfig: {
    MONDAY: { description: 'Monday.' },
    TUESDAY: { description: 'Tuesday.' },
    WEDNESDAY: { description: 'Wednesday.' },
    THURSDAY: { description: 'Thursday.' },
    FRIDAY: { description: 'Friday.' },
    SATURDAY: { description: 'Saturday.' },
    SUNDAY: { description: 'Sunday.' },
  },
  name: 'Weekday',
});
registerEnumType(ReportDeliveryStatus, {
  valuesConfig: {
    SENDING: { description: 'Claimed by a worker, being sent.' },
    RETRYING: { description: 'An SMTP attempt failed; another follows.' },
    SENT: { description: 'Accepted by the SMTP server.' },
    FAILED: { description: 'The last attempt failed; no more retries.' },
    NO_SMTP: { description: 'No SMTP server configured; only the webhook event went out.' },
  },
  name: 'ReportDeliveryStatus',
  description:
    'SENDING claimed, RETRYING after an SMTP failure, SENT, FAILED after the last attempt, NO_SMTP no SMTP server configured (webhook event only).',
});

@InputType({ description: 'Who gets a report by e-mail.' })
export class RecipientInput {
  @Field(() => String, { description: 'E-mail address the report goes to.' })
  email!: string;

  @Field(() => String, { nullable: true, description: 'Name used in the greeting (optional).' })
  name?: string | null;
}

@InputType({ description: "Who gets which scope's weekly report, and when (local time of the recipient)." })
export class CreateReportSubscriptionInput {
  @Field(() => RecipientInput, { description: 'Who gets the report by e-mail.' })
  recipient!: RecipientInput;

  @Field(() => [AttributeInput], {
    nullable: true,
    description: "Attributes every reported response has; a scoped key's own scope always applies.",
  })
  scope?: AttributeInput[] | null;

  @Field(() => ReportSchedule, { description: 'How often the report is sent.' })
  schedule!: ReportSchedule;

  @Field(() => Weekday, { description: 'Day the report is sent, in the subscription time zone.' })
  weekday!: Weekday;

  @Field(() => Int, { description: 'Local hour, 0–23.' })
  hour!: number;

  @Field(() => String, { description: 'IANA time zone, e.g. America/Los_Angeles.' })
  timeZone!: string;
}

@ObjectType({ description: 'Who gets a report by e-mail.' })
export class Recipient {
  @Field(() => String, { description: 'E-mail address the report goes to.' })
  email!: string;

  @Field(() => String, { nullable: true, description: 'Name used in the greeting; null if none.' })
  name!: string | null;
}

@ObjectType({ description: 'A weekly report sent to one recipient for one scope.' })
export class ReportSubscription {
  @Field(() => ID, { description: 'Id of the subscription (pass it to deleteReportSubscription).' })
  id!: string;

  @Field(() => Recipient, { description: 'Who gets the report.' })
  recipient!: Recipient;

  @Field(() => [Attribute], { description: 'Attributes the report is limited to; empty: all responses.' })
  scope!: Attribute[];

  @Field(() => ReportSchedule, { description: 'How often the report is sent.' })
  schedule!: ReportSchedule;

  @Field(() => Weekday, { description: 'Day the report is sent.' })
  weekday!: Weekday;

  @Field(() => Int, { description: 'Local hour (0–23) the report is sent at.' })
  hour!: number;

  @Field(() => String, { description: 'IANA zone of weekday and hour.' })
  timeZone!: string;

  @Field(() => DateTime, { description: 'When the subscription was created.' })
  createdAt!: Date;
}

@ObjectType({ description: "One scheduled sending of a subscription's report, with its attempts." })
export class ReportDelivery {
  @Field(() => ID, { description: 'Id of the delivery.' })
  id!: string;

  @Field(() => ID, { description: 'Id of the report subscription.' })
  subscriptionId!: string;

  @Field(() => String, { description: 'Local date of the scheduled slot, e.g. 2026-12-07.' })
  period!: string;

  @Field(() => DateTime, { description: 'The scheduled send time it belongs to.' })
  scheduledFor!: Date;

  @Field(() => String, { description: 'ISO week reported.' })
  week!: string;

  @Field(() => String, { description: 'E-mail address it was sent to.' })
  recipient!: string;

  @Field(() => ReportDeliveryStatus, { description: 'Where the delivery is.' })
  status!: ReportDeliveryStatus;

  @Field(() => Int, { description: 'SMTP attempts made.' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'The last SMTP error.' })
  lastError!: string | null;

  @Field(() => DateTime, { nullable: true, description: 'When the SMTP server accepted it; null until then.' })
  sentAt!: Date | null;
}

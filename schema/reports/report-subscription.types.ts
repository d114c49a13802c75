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
registerEnumType(ReportSchedule, { name: 'ReportSchedule' });
registerEnumType(Weekday, { name: 'Weekday' });
registerEnumType(ReportDeliveryStatus, {
  name: 'ReportDeliveryStatus',
  description:
    'SENDING claimed, RETRYING after an SMTP failure, SENT, FAILED after the last attempt, NO_SMTP no SMTP server configured (webhook event only).',
});

@InputType()
export class RecipientInput {
  @Field(() => String)
  email!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;
}

@InputType({ description: "Who gets which scope's weekly report, and when (local time of the recipient)." })
export class CreateReportSubscriptionInput {
  @Field(() => RecipientInput)
  recipient!: RecipientInput;

  @Field(() => [AttributeInput], {
    nullable: true,
    description: "Attributes every reported response has; a scoped key's own scope always applies.",
  })
  scope?: AttributeInput[] | null;

  @Field(() => ReportSchedule)
  schedule!: ReportSchedule;

  @Field(() => Weekday)
  weekday!: Weekday;

  @Field(() => Int, { description: 'Local hour, 0–23.' })
  hour!: number;

  @Field(() => String, { description: 'IANA time zone, e.g. America/Los_Angeles.' })
  timeZone!: string;
}

@ObjectType()
export class Recipient {
  @Field(() => String)
  email!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;
}

@ObjectType({ description: 'A weekly report sent to one recipient for one scope.' })
export class ReportSubscription {
  @Field(() => ID)
  id!: string;

  @Field(() => Recipient)
  recipient!: Recipient;

  @Field(() => [Attribute])
  scope!: Attribute[];

  @Field(() => ReportSchedule)
  schedule!: ReportSchedule;

  @Field(() => Weekday)
  weekday!: Weekday;

  @Field(() => Int)
  hour!: number;

  @Field(() => String)
  timeZone!: string;

  @Field(() => DateTime)
  createdAt!: Date;
}

@ObjectType({ description: "One scheduled sending of a subscription's report, with its attempts." })
export class ReportDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  subscriptionId!: string;

  @Field(() => String, { description: 'Local date of the scheduled slot, e.g. 2026-12-07.' })
  period!: string;

  @Field(() => DateTime)
  scheduledFor!: Date;

  @Field(() => String, { description: 'ISO week reported.' })
  week!: string;

  @Field(() => String)
  recipient!: string;

  @Field(() => ReportDeliveryStatus)
  status!: ReportDeliveryStatus;

  @Field(() => Int, { description: 'SMTP attempts made.' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'The last SMTP error.' })
  lastError!: string | null;

  @Field(() => DateTime, { nullable: true })
  sentAt!: Date | null;
}

/** Mongoose schemas of the survey programme, with the indexes its queries need. */
import { Schema, type Connection, type Model } from 'mongoose';
import type {
  AccountSurveysEntity,
  CapacityUseEntity,
  DueEventEntity,
  ContactEntity,
  DispatchTickEntity,
  InvitationEntity,
  SurveyRuleEntity,
  TeamCapacityEntity,
  TouchpointEventEntity,
} from './programme.entity.js';
import type { DayBucketEntity } from './day-buckets.js';

const attributes = [{ _id: false, key: String, value: String }];

const surveyRuleSchema = new Schema<SurveyRuleEntity>(
  {
    touchpoint: { type: String, required: true },
    kind: { type: String, required: true },
    delayHours: { type: Number, required: true },
    channel: { type: String, required: true },
    sampleRate: { type: Number, required: true },
    enabled: { type: Boolean, required: true },
    everyDays: { type: Number, required: true },
    team: { type: String, default: null },
  },
  { collection: 'survey_rules', timestamps: true, versionKey: false },
);
surveyRuleSchema.index({ touchpoint: 1 }, { unique: true });

const contactSchema = new Schema<ContactEntity>(
  {
    _id: { type: String, required: true },
    email: { type: String, default: null },
    locale: { type: String, default: null },
    timeZone: { type: String, default: null },
    optedOut: { type: Boolean, default: false },
    account: { type: String, default: null },
    lastSurveyedAt: { type: Date, default: null },
    lastByTouchpoint: [{ _id: false, touchpoint: String, at: Date }],
    attributes: { type: attributes, default: undefined },
    relationshipAnchor: { type: Date, default: null },
  },
  { collection: 'programme_contacts', timestamps: true, versionKey: false },
);

const eventSchema = new Schema<TouchpointEventEntity>(
  {
    externalId: { type: String, required: true },
    customerId: { type: String, required: true },
    touchpoint: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    attributes,
    dueAt: { type: Date, required: true },
    status: { type: String, required: true },
    invitationId: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: 'touchpoint_events', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
eventSchema.index({ externalId: 1 }, { unique: true });
eventSchema.index({ status: 1, dueAt: 1 });

const dueEventSchema = new Schema<DueEventEntity>(
  {
    customerId: { type: String, required: true },
    touchpoint: { type: String, required: true },
    attributes,
    dueAt: { type: Date, required: true },
  },
  { collection: 'touchpoint_due', versionKey: false },
);

const accountSurveysSchema = new Schema<AccountSurveysEntity>(
  { _id: { type: String, required: true }, at: { type: [Date], default: [] } },
  { collection: 'account_surveys', versionKey: false },
);

const dayBucketSchema = new Schema<DayBucketEntity>(
  { _id: { type: String, required: true }, ids: { type: [String], default: undefined }, days: { type: [String], default: undefined } },
  { collection: 'programme_day_buckets', versionKey: false },
);

const invitationSchema = new Schema<InvitationEntity>(
  {
    eventId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: String, required: true },
    touchpoint: { type: String, required: true },
    kind: { type: String, required: true },
    channel: { type: String, required: true },
    team: { type: String, default: null },
    email: { type: String, default: null },
    locale: { type: String, default: null },
    timeZone: { type: String, required: true },
    account: { type: String, default: null },
    attributes,
    attributeTags: { type: [String], default: [] },
    dueAt: { type: Date, required: true },
    status: { type: String, required: true },
    skipRule: { type: String, default: null },
    skipDetail: { type: String, default: null },
    plannedAt: { type: Date, required: true },
    sentAt: { type: Date, default: null },
    respondedAt: { type: Date, default: null },
    responseId: { type: Schema.Types.ObjectId, default: null },
    expiredAt: { type: Date, default: null },
  },
  { collection: 'survey_invitations', versionKey: false },
);
invitationSchema.index({ eventId: 1 }, { unique: true });
invitationSchema.index({ status: 1, plannedAt: 1 });
invitationSchema.index({ account: 1, plannedAt: 1 });
invitationSchema.index({ attributeTags: 1 });

const settingsSchema = new Schema<SettingEntity>(
  { _id: { type: String, required: true } },
  { collection: 'programme_settings', strict: false, versionKey: false },
);
const teamCapacitySchema = new Schema<TeamCapacityEntity>(
  { _id: { type: String, required: true }, perDay: { type: Number, required: true } },
  { collection: 'team_capacities', versionKey: false },
);
const capacityUseSchema = new Schema<CapacityUseEntity>(
  { _id: { type: String, required: true }, count: { type: Number, required: true } },
  { collection: 'dispatch_capacity_use', versionKey: false },
);
const tickSchema = new Schema<DispatchTickEntity>(
  {
    _id: { type: String, required: true },
    at: Date,
    relationship: Number,
    released: Number,
    skipped: Number,
    deferred: Number,
    expired: Number,
    tookMs: Number,
    done: Boolean,
  },
  { collection: 'dispatch_ticks', versionKey: false },
);

/** A settings document (contact rules, calendar): its fields are validated by the service. */
type SettingEntity = { _id: string } & Record<string, unknown>;

export interface ProgrammeModels {
  rules: Model<SurveyRuleEntity>;
  contacts: Model<ContactEntity>;
  events: Model<TouchpointEventEntity>;
  due: Model<DueEventEntity>;
  accountSurveys: Model<AccountSurveysEntity>;
  /** Due queue, relationship cadence and released invitations by day (day-buckets.ts). */
  dayBuckets: Model<DayBucketEntity>;
  invitations: Model<InvitationEntity>;
  settings: Model<SettingEntity>;
  teamCapacities: Model<TeamCapacityEntity>;
  capacityUse: Model<CapacityUseEntity>;
  ticks: Model<DispatchTickEntity>;
}

function model<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

export function programmeModels(connection: Connection): ProgrammeModels {
  return {
    rules: model(connection, 'SurveyRule', surveyRuleSchema),
    contacts: model(connection, 'ProgrammeContact', contactSchema),
    events: model(connection, 'TouchpointEvent', eventSchema),
    due: model(connection, 'TouchpointDue', dueEventSchema),
    accountSurveys: model(connection, 'AccountSurveys', accountSurveysSchema),
    dayBuckets: model(connection, 'ProgrammeDayBucket', dayBucketSchema),
    invitations: model(connection, 'SurveyInvitation', invitationSchema),
    settings: model(connection, 'ProgrammeSetting', settingsSchema),
    teamCapacities: model(connection, 'TeamCapacity', teamCapacitySchema),
    capacityUse: model(connection, 'DispatchCapacityUse', capacityUseSchema),
    ticks: model(connection, 'DispatchTick', tickSchema),
  };
}

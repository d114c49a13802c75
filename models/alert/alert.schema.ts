import { Schema, type Connection, type Model } from 'mongoose';
import type { AlertEntity } from './alert.entity.js';

const alertSchema = new Schema<AlertEntity>(
  {
    // Deterministic `${responseId}:${ruleId}`: the primary key itself makes a retried job's second
    // insert a duplicate-key error, and _id is the one index FerretDB serves lookups from.
    _id: { type: String, required: true },
    responseId: { type: Schema.Types.ObjectId, required: true },
    ruleId: { type: String, default: null },
    ruleName: { type: String, required: true },
    customerExternalId: { type: String, default: null },
    category: { type: String, required: true },
    score: { type: Number, required: true },
    touchpoint: { type: String, default: null },
    attributes: [{ _id: false, key: String, value: String }],
    attributeTags: [String],
    themeKeys: [String],
    respondedAt: { type: Date, required: true },
    task: { type: String, required: true },
    taskText: { type: String, default: null },
    reviewUrl: { type: String, default: null },
    previousScore: { type: Number, default: null },
    slippingPromoter: { type: Boolean, default: false },
    channels: [String],
    assignee: { type: String, required: true },
    team: { type: String, default: null },
    status: { type: String, required: true },
    riskScore: { type: Number, required: true },
    riskLevel: { type: String, required: true },
    reasons: [String],
    slaHours: { type: Number, required: true },
    raisedAt: { type: Date, required: true },
    dueAt: { type: Date, required: true },
    firstActionAt: { type: Date, default: null },
    acknowledgedAt: { type: Date, default: null },
    resolvedAt: { type: Date, default: null },
    resolutionNote: { type: String, default: null },
    outcome: { type: String, default: null },
    slaBreached: { type: Boolean, default: false },
    slaBreachedAt: { type: Date, default: null },
    escalatedTo: { type: String, default: null },
    escalationPlanned: { type: Boolean, default: null },
    history: [{ _id: false, at: Date, actor: String, action: String, from: String, to: String, note: String }],
  },
  { collection: 'alerts', timestamps: true, versionKey: false },
);

// On MongoDB these serve the inbox filters and each process's first SLA sweep (later sweeps read
// alert_due_queue, alert-due-queue.ts); the embedded FerretDB scans for them.
alertSchema.index({ status: 1, dueAt: 1 });
alertSchema.index({ assignee: 1, status: 1 });
// "Does this response have an alert already?" before raising one for a re-analysis.
alertSchema.index({ responseId: 1 });
// The `alerts` list pages by keyset on one of these orders (AlertOrder RISK, DUE, NEWEST): sort + limit on an index.
alertSchema.index({ riskScore: -1, dueAt: 1, _id: 1 });
alertSchema.index({ dueAt: 1, riskScore: -1, _id: 1 });
alertSchema.index({ raisedAt: -1, _id: 1 });
// Each process's first SLA sweep looks for escalations whose notifications are not planned yet (false only between two writes).
alertSchema.index({ escalationPlanned: 1 });
// `slippingPromoters` pages by keyset (newest answer first) over the slipping promoters' follow-ups.
alertSchema.index({ slippingPromoter: 1, respondedAt: -1, _id: 1 });
// Open follow-ups per member when a team's round-robin picks the next assignee.
alertSchema.index({ team: 1, status: 1, assignee: 1 });
// The open follow-up of each customer on a page of at-risk customers.
alertSchema.index({ customerExternalId: 1, status: 1 });

export type AlertModel = Model<AlertEntity>;

export function alertModel(connection: Connection): AlertModel {
  return (connection.models.Alert as AlertModel | undefined) ?? connection.model<AlertEntity>('Alert', alertSchema);
}

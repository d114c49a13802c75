import { Schema, type Connection, type Model } from 'mongoose';
import type { RoutingRuleEntity } from './routing-rule.entity.js';

const routingRuleSchema = new Schema<RoutingRuleEntity>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    enabled: { type: Boolean, default: true },
    position: { type: Number, required: true },
    match: {
      categories: [String],
      minRiskLevel: { type: String, default: null },
      touchpoints: [String],
      themes: [String],
      attributes: [{ _id: false, key: String, values: [String] }],
    },
    assign: {
      mode: { type: String, required: true },
      attribute: { type: String, default: null },
      mapping: [{ _id: false, value: String, assignee: String }],
      assignee: { type: String, default: null },
    },
    team: { type: String, default: null },
    slaHours: { type: Number, required: true },
    slaBusinessHours: { type: Boolean, default: false },
    escalateTo: { type: String, default: null },
    channels: [String],
    task: { type: String, required: true },
    taskPerCategory: { type: Boolean, default: false },
    reviewUrl: { type: String, default: null },
  },
  // A handful of rules: read whole and ordered in memory, no index beyond _id needed.
  { collection: 'routing_rules', timestamps: true, versionKey: false },
);

export type RoutingRuleModel = Model<RoutingRuleEntity>;

export function routingRuleModel(connection: Connection): RoutingRuleModel {
  return (
    (connection.models.RoutingRule as RoutingRuleModel | undefined) ?? connection.model<RoutingRuleEntity>('RoutingRule', routingRuleSchema)
  );
}

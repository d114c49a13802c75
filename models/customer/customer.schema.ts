import { Schema, type Connection, type Model } from 'mongoose';
import type { CustomerEntity } from './customer.entity.js';

const customerSchema = new Schema<CustomerEntity>(
  {
    // The externalId doubles as _id: FerretDB serves only `_id` lookups from an index, and every
    // ingest writes the customer, so the hot path stays a point write there too.
    _id: { type: String, required: true },
    externalId: { type: String, required: true },
    name: { type: String, default: null },
    email: { type: String, default: null },
    accountValue: { type: Number, default: null },
    attributes: [{ _id: false, key: String, value: String }],
    responseCount: { type: Number, default: 0 },
    scoreHistory: [{ _id: false, responseId: Schema.Types.ObjectId, score: Number, respondedAt: Date }],
    latestScore: { type: Number, default: null },
    latestRespondedAt: { type: Date, default: null },
    latestResponseId: { type: Schema.Types.ObjectId, default: null },
    latestSentiment: { type: String, default: null },
    churnRisk: {
      type: new Schema(
        { score: Number, level: String, reasons: [String], responseId: Schema.Types.ObjectId, computedAt: Date },
        { _id: false },
      ),
      default: null,
    },
  },
  { collection: 'customers', timestamps: true, versionKey: false },
);

customerSchema.index({ externalId: 1 }, { unique: true });
// atRiskCustomers pages by keyset on (risk score desc, _id) within the listed levels.
customerSchema.index({ 'churnRisk.level': 1, 'churnRisk.score': -1, _id: 1 });

export type CustomerModel = Model<CustomerEntity>;

export function customerModel(connection: Connection): CustomerModel {
  return (connection.models.Customer as CustomerModel | undefined) ?? connection.model<CustomerEntity>('Customer', customerSchema);
}

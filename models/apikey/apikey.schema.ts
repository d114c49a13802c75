import { Schema, type Connection, type Model } from 'mongoose';
import type { ApiKeyEntity } from './apikey.entity.js';

const apiKeySchema = new Schema<ApiKeyEntity>(
  {
    // The secret's hash is the _id: authenticating a request is a point read by _id.
    _id: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, required: true },
    scope: [{ _id: false, key: String, value: String }],
    prefix: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { collection: 'api_keys', versionKey: false },
);

export type ApiKeyModel = Model<ApiKeyEntity>;

export function apiKeyModel(connection: Connection): ApiKeyModel {
  return (connection.models.ApiKey as ApiKeyModel | undefined) ?? connection.model<ApiKeyEntity>('ApiKey', apiKeySchema);
}

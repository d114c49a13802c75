/**
 * Folds a batch of recorded responses into one change per customer, so a bulk write touches each
 * customer document once however many of the batch's responses are theirs. Pure: no I/O.
 */
import type { Types } from 'mongoose';
import type { Attribute } from '../response/response.entity.js';

interface CustomerProfile {
  externalId: string;
  name?: string | null;
  email?: string | null;
  accountValue?: number | null;
  attributes: Attribute[];
}

interface RecordedResponse {
  responseId: Types.ObjectId;
  score: number;
  respondedAt: Date;
}

export interface CustomerEntry {
  profile: CustomerProfile;
  response: RecordedResponse;
}

export interface CustomerChange {
  externalId: string;
  /** Profile fields some entry carried; later entries win, an omitted field never erases a known one. */
  profile: { name?: string; email?: string; accountValue?: number };
  /** The customer's responses of the batch, in batch order (the order they are appended to the history). */
  responses: RecordedResponse[];
  /** The batch's latest response by respondedAt (on a tie the later entry), with its attributes. */
  latest: RecordedResponse & { attributes: Attribute[] };
}

export function foldByCustomer(entries: readonly CustomerEntry[]): CustomerChange[] {
  const changes = new Map<string, CustomerChange>();
  for (const { profile, response } of entries) {
    let change = changes.get(profile.externalId);
    if (!change) {
      change = { externalId: profile.externalId, profile: {}, responses: [], latest: { ...response, attributes: profile.attributes } };
      changes.set(profile.externalId, change);
    } else if (response.respondedAt.getTime() >= change.latest.respondedAt.getTime()) {
      change.latest = { ...response, attributes: profile.attributes };
    }
    change.responses.push(response);
    if (profile.name != null) change.profile.name = profile.name;
    if (profile.email != null) change.profile.email = profile.email;
    if (profile.accountValue != null) change.profile.accountValue = profile.accountValue;
  }
  return [...changes.values()];
}

/** NPS targets (goals): one per scope, optionally per team or owner within it. */
import type { Types } from 'mongoose';
import type { Attribute } from '../response/response.entity.js';

export interface TargetEntity {
  _id: Types.ObjectId;
  /** Canonical identity (sorted scope pairs, team, owner): unique, so setting again replaces. */
  key: string;
  scope: Attribute[];
  /** `key=value` of each scope pair: a scoped caller lists targets whose tags hold all of its own. */
  scopeTags: string[];
  team: string | null;
  owner: string | null;
  /** The NPS to reach, −100…100. */
  nps: number;
  /** When it should be reached. */
  by: Date;
  /** When this target (this nps and date) was set: the start of the linear pace. */
  setAt: Date;
  /** NPS of the 13 weeks before `setAt`: the start value of the pace (null without responses then). */
  baselineNps: number | null;
  createdByKeyId: string;
  updatedAt: Date;
}
